import type { Agent } from 'node:http';
import { z } from 'zod';
import { httpBaseUrl } from '../http/baseUrl';
import { createAgent, exchange, ExchangeFailure, type TlsOptions } from '../http/httpExchange';
import {
  ServiceDeskHttpError,
  ServiceDeskInvalidInputError,
  ServiceDeskMalformedResponseError,
  ServiceDeskTimeoutError,
  ServiceDeskTlsError,
  ServiceDeskUnknownCallRefError,
  ServiceDeskUnreachableError,
  type ServiceDeskErrorContext,
} from './errors';
import { NOTE_MAX, SUMMARY_MAX, freeTextProblems, requestIdProblems } from './freeTextGuard';
import {
  SERVICE_REQUEST_KIND_LABELS,
  SERVICE_REQUEST_PRIORITY_LABELS,
  type LoggedServiceRequest,
  type ServiceDesk,
  type ServiceRequestPriority,
  type ServiceRequestToLog,
} from './serviceDesk';

/** Field values Ivanti accepts in a business object body. */
type FieldValue = string | number | boolean;

/** The two business objects a trust may log transfers as. */
export type IvantiBusinessObject = 'servicereqs' | 'incidents';

const OBJECT_DEFAULTS: Record<IvantiBusinessObject, { numberField: string; parentCategory: string; loggedStatus: string; resolvedStatus: string }> = {
  servicereqs: { numberField: 'ServiceReqNumber', parentCategory: 'ServiceReq', loggedStatus: 'Submitted', resolvedStatus: 'Fulfilled' },
  incidents: { numberField: 'IncidentNumber', parentCategory: 'Incident', loggedStatus: 'Logged', resolvedStatus: 'Resolved' },
};

export interface IvantiServiceDeskOptions {
  /**
   * The tenant URL up to (not including) "api/", e.g. https://uhl.ivanticloud.com or, on premises,
   * https://servicedesk.example.nhs.uk/HEAT. http only for the sandbox stub.
   */
  baseUrl: string;
  /** The REST API key's Reference ID, sent as `Authorization: rest_api_key=<key>`. Never appears in a message. */
  apiKey: string;
  /** Guideline 2.3a logs transfers as service requests ("request service > System > IEP"). Default servicereqs. */
  businessObject?: IvantiBusinessObject;
  /** Status for a new record. Default Submitted (service request) / Logged (incident). */
  loggedStatus?: string;
  /** Status that closes the record. Default Fulfilled (service request) / Resolved (incident). */
  resolvedStatus?: string;
  /** Ivanti Urgency per priority. Default: Blue Light and clinical emergency High, Standard Medium, Batch Low. */
  urgencyByPriority?: Partial<Record<ServiceRequestPriority, string>>;
  /** Tenant-specific fields added to every new record, e.g. { Service: 'IEP', Category: 'Image Transfer' }. */
  extraFields?: Record<string, FieldValue>;
  /**
   * A (custom) field on the business object that holds our requestId. When set, logRequest first looks for a record
   * carrying the requestId and returns it, so a retried job does not log the transfer twice. Without it, a request
   * whose 201 was lost in transit is logged again on retry.
   */
  requestIdField?: string;
  /** Journal note Category, e.g. "Memo", if the tenant requires one. */
  noteCategory?: string;
  /** Whole-exchange deadline per HTTP call. Default 10 s. */
  timeoutMs?: number;
  tls?: TlsOptions;
  /** Largest answer accepted. Default 1 MiB. */
  maxResponseBytes?: number;
}

const DEFAULT_URGENCY: Record<ServiceRequestPriority, string> = {
  blueLight: 'High',
  clinicalEmergency: 'High',
  standard: 'Medium',
  batch: 'Low',
};

/** Ivanti record numbers come back as numbers; some tenants serialise them as numeric strings. */
const recordNumber = z.union([z.number().int().positive(), z.string().regex(/^\d{1,12}$/).transform(Number)]);

const ISM_CODE = /^ISM_\d{4}$/;

/**
 * ServiceDesk over the Ivanti Neurons for ITSM (Service Manager) REST API: OData business objects under
 * `<tenant>/api/odata/businessobject/`, authorised with a REST API key. The call reference is the record number
 * (ServiceReqNumber or IncidentNumber) as text. See docs/servicedesk-contract.md for the documentation followed.
 */
export class IvantiServiceDesk implements ServiceDesk {
  private readonly root: URL;
  private readonly agent: Agent;
  private readonly peer: string;
  private readonly object: IvantiBusinessObject;
  private readonly fields: (typeof OBJECT_DEFAULTS)[IvantiBusinessObject];
  private readonly timeoutMs: number;
  private readonly maxResponseBytes: number;
  private readonly entitySchema: z.ZodType<{ recId: string; number: number; status?: string }>;

  constructor(private readonly opts: IvantiServiceDeskOptions) {
    const base = httpBaseUrl(opts.baseUrl, 'service-desk base URL', 'apiKey');
    if (!opts.apiKey.trim()) throw new Error('service-desk REST API key is required');
    if (opts.requestIdField !== undefined && !/^\w{1,64}$/.test(opts.requestIdField)) throw new Error('requestIdField must be a field name');
    this.root = new URL('api/odata/businessobject/', base);
    this.peer = base.origin;
    this.agent = createAgent(base, opts.tls);
    this.object = opts.businessObject ?? 'servicereqs';
    const d = OBJECT_DEFAULTS[this.object];
    this.fields = { ...d, loggedStatus: opts.loggedStatus ?? d.loggedStatus, resolvedStatus: opts.resolvedStatus ?? d.resolvedStatus };
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.maxResponseBytes = opts.maxResponseBytes ?? 1024 * 1024;
    const numberField = this.fields.numberField;
    this.entitySchema = z
      .object({ RecId: z.string().min(1).max(64), [numberField]: recordNumber, Status: z.string().optional() })
      .transform((e) => ({ recId: e.RecId as string, number: e[numberField] as number, status: e.Status as string | undefined }));
  }

  async logRequest(request: ServiceRequestToLog): Promise<LoggedServiceRequest> {
    const ctx: ServiceDeskErrorContext = { requestId: request.requestId, peer: this.peer };
    const problems = [...requestIdProblems(request.requestId), ...freeTextProblems('summary', request.summary, SUMMARY_MAX)];
    if (problems.length) {
      if (requestIdProblems(request.requestId).length) delete ctx.requestId;
      throw new ServiceDeskInvalidInputError(problems, ctx);
    }

    if (this.opts.requestIdField) {
      const existing = await this.findOne(`${this.opts.requestIdField} eq ${odataString(request.requestId)}`, ctx);
      if (existing) return { callRef: String(existing.number), loggedAt: existing.createdAt ?? '', alreadyLogged: true };
    }

    const kind = SERVICE_REQUEST_KIND_LABELS[request.kind];
    const priority = SERVICE_REQUEST_PRIORITY_LABELS[request.priority];
    const body: Record<string, FieldValue> = {
      ...this.opts.extraFields,
      Subject: `${kind} (${priority}): ${request.summary.trim()}`.slice(0, 255),
      Symptom:
        `${kind} requested through the Imaging Transfer Bot.\nPriority: ${priority}.\n${request.summary.trim()}\n` +
        `Request id: ${request.requestId}. The completed request form is held by the bot under this id (guideline 2.7a).`,
      Status: this.fields.loggedStatus,
      Urgency: this.opts.urgencyByPriority?.[request.priority] ?? DEFAULT_URGENCY[request.priority],
    };
    if (this.opts.requestIdField) body[this.opts.requestIdField] = request.requestId;

    const created = await this.call('POST', this.collectionUrl(), ctx, body);
    const entity = this.readEntity(created, ctx);
    const createdAt = z.object({ CreatedDateTime: z.string() }).safeParse(created);
    return {
      callRef: String(entity.number),
      loggedAt: createdAt.success ? createdAt.data.CreatedDateTime : new Date().toISOString(),
      alreadyLogged: false,
    };
  }

  async addNote(callRef: string, note: string): Promise<void> {
    const { record, ctx } = await this.locate(callRef);
    const problems = freeTextProblems('note', note, NOTE_MAX);
    if (problems.length) throw new ServiceDeskInvalidInputError(problems, ctx);
    await this.postNote(record.recId, 'Imaging Transfer Bot update', note.trim(), ctx);
  }

  async resolve(callRef: string, resolution: string): Promise<void> {
    const { record, ctx } = await this.locate(callRef);
    const problems = freeTextProblems('resolution', resolution, NOTE_MAX);
    if (problems.length) throw new ServiceDeskInvalidInputError(problems, ctx);
    // Already closed (by us on an earlier attempt, or by an analyst): nothing to do.
    if (record.status === this.fields.resolvedStatus) return;
    // The note first: if the status change then fails, a retry re-adds the note (harmless) rather than losing it.
    await this.postNote(record.recId, 'Imaging Transfer Bot: resolved', resolution.trim(), ctx);
    const updated = await this.call('PATCH', this.entityUrl(record.recId), ctx, { Status: this.fields.resolvedStatus });
    if (updated !== undefined) this.readEntity(updated, ctx);
  }

  /** Closes kept-alive connections. Idempotent. */
  close(): void {
    this.agent.destroy();
  }

  private collectionUrl(query?: string): URL {
    const url = new URL(this.object, this.root);
    // OData wants %20 for spaces in $filter; URLSearchParams would write "+".
    if (query !== undefined) url.search = `?$filter=${encodeURIComponent(query)}`;
    return url;
  }

  private entityUrl(recId: string): URL {
    return new URL(`${this.object}('${encodeURIComponent(recId)}')`, this.root);
  }

  private async locate(callRef: string): Promise<{ record: { recId: string; number: number; status?: string }; ctx: ServiceDeskErrorContext }> {
    const ref = callRef.trim();
    if (!/^\d{1,12}$/.test(ref)) throw new ServiceDeskUnknownCallRefError({ peer: this.peer });
    const ctx: ServiceDeskErrorContext = { callRef: ref, peer: this.peer };
    const record = await this.findOne(`${this.fields.numberField} eq ${Number(ref)}`, ctx);
    if (!record) throw new ServiceDeskUnknownCallRefError(ctx);
    return { record, ctx };
  }

  private async findOne(filter: string, ctx: ServiceDeskErrorContext): Promise<{ recId: string; number: number; status?: string; createdAt?: string } | undefined> {
    const answer = await this.call('GET', this.collectionUrl(filter), ctx);
    const list = z.object({ value: z.array(z.unknown()) }).safeParse(answer);
    if (!list.success) throw new ServiceDeskMalformedResponseError('a search answer without a "value" list', ctx);
    if (list.data.value.length === 0) return undefined;
    if (list.data.value.length > 1) throw new ServiceDeskMalformedResponseError(`${list.data.value.length} records for one number or request id`, ctx);
    const raw = list.data.value[0];
    const createdAt = z.object({ CreatedDateTime: z.string() }).safeParse(raw);
    return { ...this.readEntity(raw, ctx), ...(createdAt.success ? { createdAt: createdAt.data.CreatedDateTime } : {}) };
  }

  private async postNote(parentRecId: string, subject: string, text: string, ctx: ServiceDeskErrorContext): Promise<void> {
    const body: Record<string, FieldValue> = {
      ParentLink_RecID: parentRecId,
      ParentLink_Category: this.fields.parentCategory,
      Subject: subject,
      NotesBody: text,
    };
    if (this.opts.noteCategory) body.Category = this.opts.noteCategory;
    const created = await this.call('POST', new URL('journal__Notess', this.root), ctx, body);
    if (!z.object({ RecId: z.string().min(1) }).safeParse(created).success) {
      throw new ServiceDeskMalformedResponseError('the journal note answer has no RecId', ctx);
    }
  }

  private readEntity(raw: unknown, ctx: ServiceDeskErrorContext): { recId: string; number: number; status?: string } {
    const parsed = this.entitySchema.safeParse(raw);
    if (!parsed.success) {
      const where = parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(root)'}: ${i.code}`).join('; ');
      throw new ServiceDeskMalformedResponseError(`the ${this.object} record is not as documented: ${where}`, ctx);
    }
    return parsed.data;
  }

  /** One HTTP call: JSON in, JSON out; every failure a typed ServiceDeskError. 204 answers undefined. */
  private async call(method: 'GET' | 'POST' | 'PATCH', url: URL, ctx: ServiceDeskErrorContext, body?: unknown): Promise<unknown> {
    const headers: Record<string, string> = {
      accept: 'application/json',
      authorization: `rest_api_key=${this.opts.apiKey}`,
      'user-agent': 'imaging-transfer-bot',
    };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res;
    try {
      res = await exchange(this.agent, { url, method, headers, body: body === undefined ? undefined : JSON.stringify(body), timeoutMs: this.timeoutMs, maxBodyBytes: this.maxResponseBytes });
    } catch (err) {
      if (!(err instanceof ExchangeFailure)) throw err;
      switch (err.kind) {
        case 'timeout':
          throw new ServiceDeskTimeoutError(this.timeoutMs, ctx);
        case 'tls':
          throw new ServiceDeskTlsError(err.code, ctx, { cause: err });
        case 'too-large':
          throw new ServiceDeskMalformedResponseError(`the answer is larger than ${this.maxResponseBytes} bytes`, ctx);
        default:
          throw new ServiceDeskUnreachableError(err.code, ctx, { cause: err });
      }
    }
    const json = parseJson(res.body);
    if (res.status < 200 || res.status >= 300) {
      const code = z.object({ code: z.string() }).safeParse(json);
      throw new ServiceDeskHttpError(res.status, code.success && ISM_CODE.test(code.data.code) ? code.data.code : undefined, ctx);
    }
    if (res.status === 204) return undefined;
    if (!/^application\/json\b/i.test(res.contentType ?? '')) throw new ServiceDeskMalformedResponseError('the answer is not JSON (wrong content type)', ctx);
    if (json === undefined) throw new ServiceDeskMalformedResponseError('the body is not valid JSON', ctx);
    return json;
  }
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}

/** An OData string literal: single-quoted, inner quotes doubled (OData ABNF, SQUOTE-in-string). */
function odataString(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}
