import { randomBytes } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { FaultSwitch, playGenericFault, type FaultTarget, type HttpFault } from '../pas/httpFaults';

/**
 * A stub of the Ivanti Neurons for ITSM (Service Manager) REST API, as far as its public documentation describes it
 * (see docs/servicedesk-contract.md): OData business objects under /api/odata/businessobject/, the REST API key in
 * `Authorization: rest_api_key=<key>`, 201 on create, `$filter=<Field> eq <value>` searches answering
 * { "@odata.context", "@odata.count", "value": [...] }, PATCH/PUT on `<object>('<RecId>')`, journal notes linked to
 * their parent by ParentLink_RecID, and errors as { code: "ISM_4000", description, message: [...] }.
 * In memory, on 127.0.0.1 only. Not a full OData server: only the operators the client uses (eq, and).
 */

type Entity = Record<string, unknown> & { RecId: string };

interface ObjectShape {
  /** Singular name used in Ivanti's messages, e.g. "servicereq". */
  singular: string;
  numberField: string;
  required: string[];
  firstNumber: number;
}

const OBJECTS: Record<string, ObjectShape> = {
  servicereqs: { singular: 'servicereq', numberField: 'ServiceReqNumber', required: ['Subject', 'Symptom'], firstNumber: 10_001 },
  incidents: { singular: 'incident', numberField: 'IncidentNumber', required: ['Subject', 'Symptom'], firstNumber: 10_001 },
  journal__notess: { singular: 'journal__notes', numberField: '', required: ['ParentLink_RecID'], firstNumber: 0 },
};

export interface IvantiStubOptions {
  apiKey: string;
  port?: number;
  tls?: { key: string | Buffer; cert: string | Buffer };
  /** Make the record number a numeric string, as some tenants serialise it. */
  numbersAsStrings?: boolean;
}

export interface IvantiStub {
  /** Tenant URL, e.g. http://127.0.0.1:41235 (the client appends api/odata/...). */
  baseUrl: string;
  port: number;
  /** Arms a fault for the next `times` targeted requests (all when omitted); undefined clears it. */
  setFault(fault: HttpFault | undefined, times?: number, target?: FaultTarget): void;
  /** The records of one business object ("servicereqs", "incidents", "journal__notess"), for assertions. */
  records(object: string): Entity[];
  /** Every request seen: method, path with query, Authorization header and the raw body. */
  readonly requests: ReadonlyArray<{ method: string; url: string; authorization?: string; body: string }>;
  close(): Promise<void>;
}

/** Ivanti's documented error body. `code` is left out where the guides document none (401, 405), not invented. */
function ismError(status: number, code: string | undefined, description: string, message: string[]) {
  return { status, body: code ? { code, description, message } : { description, message } };
}

/** Starts the Ivanti stub on 127.0.0.1. */
export async function startIvantiStub(opts: IvantiStubOptions): Promise<IvantiStub> {
  const store = new Map<string, Entity[]>(Object.keys(OBJECTS).map((k) => [k, []]));
  const nextNumber = new Map<string, number>(Object.entries(OBJECTS).map(([k, o]) => [k, o.firstNumber]));
  const faults = new FaultSwitch<HttpFault>();
  const requests: Array<{ method: string; url: string; authorization?: string; body: string }> = [];
  let origin = '';

  const findAll = (object: string, filter: string | null): Entity[] | { status: number; body: unknown } => {
    const all = store.get(object) ?? [];
    if (filter === null) return all;
    // <Field> eq <number|'string'> [and ...]: what the client sends.
    const clauses = filter.split(/\s+and\s+/i).map((c) => /^(\w+)\s+eq\s+(\d+|'(?:[^']|'')*')$/.exec(c.trim()));
    if (clauses.some((c) => c === null)) return ismError(400, 'ISM_4000', 'Invalid Request Payload', ['The filter is not supported']);
    return all.filter((e) =>
      clauses.every((c) => {
        const [, field, raw] = c!;
        const value = raw!.startsWith("'") ? raw!.slice(1, -1).replace(/''/g, "'") : Number(raw);
        const actual = e[field!];
        return typeof value === 'number' ? Number(actual) === value : actual === value;
      }),
    );
  };

  const handle = (method: string, url: URL, body: string): { status: number; body: unknown } => {
    const m = /^\/api\/odata\/businessobject\/([A-Za-z_]+)(?:\('([^']*)'\))?$/.exec(url.pathname);
    const object = m?.[1]?.toLowerCase();
    const shape = object ? OBJECTS[object] : undefined;
    if (!m || !object || !shape) return ismError(404, 'ISM_4004', 'Requested resource does not exist', ['Invalid Path']);
    const key = m[2];
    const list = store.get(object)!;
    const context = `${origin}/api/odata/$metadata#${object}`;

    if (key === undefined && method === 'GET') {
      const found = findAll(object, url.searchParams.get('$filter'));
      if (!Array.isArray(found)) return found;
      return { status: 200, body: { '@odata.context': context, '@odata.count': found.length, value: found } };
    }
    if (key !== undefined && key.trim() === '') return ismError(400, 'ISM_4000', 'Invalid Request Payload', ['Key value cannot be empty']);
    const entity = key === undefined ? undefined : list.find((e) => e.RecId === key);
    if (key !== undefined && method === 'GET') {
      return entity ? { status: 200, body: { '@odata.context': `${context}/$entity`, ...entity } } : ismError(400, 'ISM_4000', 'Invalid Request Payload', [`Record '${key}' cannot be found in the business object '${shape.singular}'`]);
    }

    if (method !== 'POST' && method !== 'PATCH' && method !== 'PUT') return ismError(405, undefined, 'Method not allowed', ['Method not allowed']);
    if (body.trim() === '') return ismError(400, 'ISM_4000', 'Invalid Request Payload', ['Message body cannot be empty.']);
    let fields: unknown;
    try {
      fields = JSON.parse(body);
    } catch {
      return ismError(400, 'ISM_4000', 'Invalid Request Payload', ['Invalid Business Object.']);
    }
    if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) return ismError(400, 'ISM_4000', 'Invalid Request Payload', ['Invalid Business Object.']);
    const now = new Date().toISOString();

    if (key === undefined && method === 'POST') {
      const missing = shape.required.filter((f) => {
        const v = (fields as Record<string, unknown>)[f];
        return v === undefined || v === null || v === '';
      });
      if (missing.length) return ismError(400, 'ISM_4000', 'Invalid Request Payload', missing.map((f) => `Required field ${shape.singular}.${f} value must be provided.`));
      if (object === 'journal__notess') {
        const parentId = (fields as Record<string, unknown>).ParentLink_RecID;
        const parentExists = [...store.entries()].some(([k, l]) => k !== 'journal__notess' && l.some((e) => e.RecId === parentId));
        if (!parentExists) return ismError(400, 'ISM_4000', 'Invalid Request Payload', [`Record '${String(parentId)}' cannot be found`]);
      }
      const created: Entity = { ...(fields as Record<string, unknown>), RecId: randomBytes(16).toString('hex').toUpperCase(), CreatedDateTime: now, LastModDateTime: now, CreatedBy: 'itb-api', IsNewRecord: false };
      if (shape.numberField) {
        const n = nextNumber.get(object)!;
        nextNumber.set(object, n + 1);
        created[shape.numberField] = opts.numbersAsStrings ? String(n) : n;
      }
      if (object === 'journal__notess') created.JournalType = 'Notes';
      list.push(created);
      return { status: 201, body: { '@odata.context': `${context}/$entity`, ...created } };
    }
    if (key !== undefined && (method === 'PATCH' || method === 'PUT')) {
      if (!entity) return ismError(400, 'ISM_4000', 'Invalid Request Payload', [`Record '${key}' cannot be found in the business object '${shape.singular}'`]);
      const { RecId: _ignored, ...changes } = fields as Record<string, unknown>;
      Object.assign(entity, changes, { LastModDateTime: now });
      return { status: 200, body: { '@odata.context': `${context}/$entity`, ...entity } };
    }
    return ismError(405, undefined, 'Method not allowed', ['Method not allowed']);
  };

  const listener = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const body = Buffer.concat(chunks).toString('utf8');
        requests.push({ method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization, body });
        const fault = faults.take(req.method, req.url);
        if (fault && (await playGenericFault(fault, res))) return;
        let out: { status: number; body: unknown };
        if (req.headers.authorization !== `rest_api_key=${opts.apiKey}`) {
          // The guides show 401 for a bad key but not its body: the stub sends the ISM shape without a code.
          out = ismError(401, undefined, 'Unauthorized', ['The REST API key is missing, invalid or deactivated']);
        } else {
          out = handle(req.method ?? 'GET', new URL(req.url ?? '/', 'http://stub'), body);
        }
        res.writeHead(out.status, { 'content-type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify(out.body));
      })().catch(() => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ code: 'ISM_5000', description: 'Internal server error', message: ['stub error'] }));
      });
    });
  };

  const server: http.Server = opts.tls ? https.createServer({ key: opts.tls.key, cert: opts.tls.cert }, listener) : http.createServer(listener);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  origin = `${opts.tls ? 'https' : 'http'}://127.0.0.1:${port}`;

  let closing: Promise<void> | undefined;
  return {
    baseUrl: origin,
    port,
    requests,
    setFault: (fault, times, target) => faults.set(fault, times, target),
    records: (object) => [...(store.get(object.toLowerCase()) ?? [])],
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
