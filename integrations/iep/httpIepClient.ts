import type { Agent } from 'node:http';
import type { z } from 'zod';
import { httpBaseUrl } from '../http/baseUrl';
import { createAgent, exchange, ExchangeFailure, type TlsOptions } from '../http/httpExchange';
import {
  IepHttpError,
  IepInvalidCallError,
  IepMalformedResponseError,
  IepTimeoutError,
  IepTlsError,
  IepUnreachableError,
  type IepErrorContext,
} from './errors';
import type { IepCallContext, IepClient } from './iepClient';
import {
  declineReasonsBody,
  describeIssues,
  iepErrorCode,
  institutionsBody,
  messageSchema,
  messagesBody,
  transactionSchema,
  transactionsPage,
} from './responseSchemas';
import type {
  IepCreated,
  IepDeclineReason,
  IepIncomingQuery,
  IepInstitution,
  IepMessage,
  IepTransaction,
  NewIepMessage,
  NewIepRequest,
  NewIepTransfer,
} from './types';

/** How we prove who we are to the IEP integration point. */
export type IepAuth = { kind: 'bearer'; token: string } | { kind: 'apiKey'; key: string; /** Default x-api-key. */ header?: string };

/** Options of HttpIepClient. The lead wires them from config/ (IEP_* env vars, see integrations/iep/README.md). */
export interface IepClientOptions {
  /** The contract's base, e.g. https://iep-gateway.example.nhs.uk/api/v1 (a trailing slash is fine). http only in the sandbox. */
  baseUrl: string;
  /** Never appears in an error message or log. */
  auth?: IepAuth;
  /** Whole-exchange deadline per call. Default 10 s: the gateway is national and can be slow (guideline 2.3e). */
  timeoutMs?: number;
  /** Private CA / client certificate (mutual TLS) for the HSCN-facing gateway. */
  tls?: TlsOptions;
  /** Largest answer accepted. Default 4 MiB (a page of 100 transactions is well under 1 MiB). */
  maxResponseBytes?: number;
  /** Page size asked for when listing. Default 100. */
  pageSize?: number;
  /** Pages followed by listIncoming before it stops. Default 50. */
  maxPages?: number;
}

/** Our ids and references go into URL paths and messages, so they are kept to a plain alphabet. */
const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;

/** IepClient over the HTTP contract in docs/iep-contract.md. */
export class HttpIepClient implements IepClient {
  private readonly base: URL;
  private readonly agent: Agent;
  private readonly peer: string;
  private readonly timeoutMs: number;
  private readonly maxResponseBytes: number;
  private readonly pageSize: number;
  private readonly maxPages: number;
  private readonly authHeaders: Record<string, string>;

  constructor(opts: IepClientOptions) {
    const base = httpBaseUrl(opts.baseUrl, 'IEP base URL', 'auth');
    this.base = base;
    this.peer = base.origin;
    this.agent = createAgent(base, opts.tls);
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.maxResponseBytes = opts.maxResponseBytes ?? 4 * 1024 * 1024;
    this.pageSize = opts.pageSize ?? 100;
    this.maxPages = opts.maxPages ?? 50;
    this.authHeaders = {};
    if (opts.auth?.kind === 'bearer') this.authHeaders.authorization = `Bearer ${opts.auth.token}`;
    if (opts.auth?.kind === 'apiKey') this.authHeaders[(opts.auth.header ?? 'x-api-key').toLowerCase()] = opts.auth.key;
  }

  async searchInstitutions(name: string, ctx: IepCallContext = {}): Promise<IepInstitution[]> {
    const query: Record<string, string> = name.trim() ? { name: name.trim() } : {};
    const { body } = await this.call('GET', 'institutions', { query, ctx: this.ctx(ctx) });
    return this.read(institutionsBody, body, this.ctx(ctx)).institutions;
  }

  createRequest(request: NewIepRequest, ctx: IepCallContext = {}): Promise<IepCreated> {
    return this.create('requests', request, ctx);
  }

  createTransfer(transfer: NewIepTransfer, ctx: IepCallContext = {}): Promise<IepCreated> {
    return this.create('transfers', transfer, ctx);
  }

  async getTransaction(id: string, ctx: IepCallContext = {}): Promise<IepTransaction> {
    const c = this.txCtx(ctx, id);
    const { body } = await this.call('GET', `transactions/${encodeURIComponent(id)}`, { ctx: c });
    return this.read(transactionSchema, body, c);
  }

  async listIncoming(query: IepIncomingQuery = {}, ctx: IepCallContext = {}): Promise<IepTransaction[]> {
    const c = this.ctx(ctx);
    const params: Record<string, string> = { direction: 'in', limit: String(this.pageSize) };
    if (query.status) params.status = query.status;
    if (query.updatedSince) params.updatedSince = query.updatedSince;
    const all: IepTransaction[] = [];
    const seen = new Set<string>();
    for (let page = 0; page < this.maxPages; page++) {
      const { body } = await this.call('GET', 'transactions', { query: params, ctx: c });
      const parsed = this.read(transactionsPage, body, c);
      all.push(...parsed.transactions);
      if (!parsed.nextCursor) return all;
      // A cursor that comes back again would loop for ever: the peer is not following the contract.
      if (seen.has(parsed.nextCursor)) throw new IepMalformedResponseError('the transaction list cursor repeats', c);
      seen.add(parsed.nextCursor);
      params.cursor = parsed.nextCursor;
    }
    return all;
  }

  async requestDownload(id: string, ctx: IepCallContext = {}): Promise<IepTransaction> {
    const c = this.txCtx(ctx, id);
    const { body } = await this.call('POST', `transactions/${encodeURIComponent(id)}/download`, { body: {}, ctx: c });
    return this.read(transactionSchema, body, c);
  }

  async listMessages(transactionId: string, ctx: IepCallContext = {}): Promise<IepMessage[]> {
    const c = this.txCtx(ctx, transactionId);
    const { body } = await this.call('GET', `transactions/${encodeURIComponent(transactionId)}/messages`, { ctx: c });
    return this.read(messagesBody, body, c).messages;
  }

  async postMessage(transactionId: string, message: NewIepMessage, ctx: IepCallContext = {}): Promise<IepMessage> {
    const c = this.txCtx(ctx, transactionId);
    if (!SAFE_ID.test(message.clientMessageId)) throw new IepInvalidCallError('the client message id must be 1-64 letters, digits or ._:-', c);
    if (!message.text.trim()) throw new IepInvalidCallError('the message is empty', c);
    const { body } = await this.call('POST', `transactions/${encodeURIComponent(transactionId)}/messages`, { body: message, ctx: c });
    return this.read(messageSchema, body, c);
  }

  async declineReasons(ctx: IepCallContext = {}): Promise<IepDeclineReason[]> {
    const { body } = await this.call('GET', 'decline-reasons', { ctx: this.ctx(ctx) });
    return this.read(declineReasonsBody, body, this.ctx(ctx)).reasons;
  }

  /** Closes kept-alive connections. Idempotent. */
  close(): void {
    this.agent.destroy();
  }

  private async create(path: 'requests' | 'transfers', payload: NewIepRequest | NewIepTransfer, ctx: IepCallContext): Promise<IepCreated> {
    const c = this.ctx(ctx);
    if (!SAFE_ID.test(payload.externalReference)) throw new IepInvalidCallError('the external reference must be 1-64 letters, digits or ._:-', c);
    const { status, body } = await this.call('POST', path, { body: payload, ctx: c });
    const transaction = this.read(transactionSchema, body, c);
    // The peer must hand back the transaction for our key, or a retried create could attach us to someone else's.
    if (transaction.externalReference !== payload.externalReference) {
      throw new IepMalformedResponseError('the created transaction carries a different external reference', { ...c, transactionId: safeId(transaction.id) });
    }
    return { transaction, created: status === 201 };
  }

  private ctx(ctx: IepCallContext): IepErrorContext {
    return { callRef: ctx.callRef, peer: this.peer };
  }

  private txCtx(ctx: IepCallContext, id: string): IepErrorContext {
    const c = this.ctx(ctx);
    if (!SAFE_ID.test(id)) throw new IepInvalidCallError('the transaction id must be 1-64 letters, digits or ._:-', c);
    return { ...c, transactionId: id };
  }

  private async call(
    method: 'GET' | 'POST',
    path: string,
    opts: { query?: Record<string, string>; body?: unknown; ctx: IepErrorContext },
  ): Promise<{ status: number; body: unknown }> {
    const url = new URL(path, this.base);
    for (const [k, v] of Object.entries(opts.query ?? {})) url.searchParams.set(k, v);
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': 'imaging-transfer-bot', ...this.authHeaders };
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    let res;
    try {
      res = await exchange(this.agent, {
        url,
        method,
        headers,
        body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
        timeoutMs: this.timeoutMs,
        maxBodyBytes: this.maxResponseBytes,
        // Every call in the contract is safe to resend (see httpExchange).
        idempotent: true,
      });
    } catch (err) {
      if (!(err instanceof ExchangeFailure)) throw err;
      switch (err.kind) {
        case 'timeout':
          throw new IepTimeoutError(this.timeoutMs, opts.ctx);
        case 'tls':
          throw new IepTlsError(err.code, opts.ctx, { cause: err });
        case 'too-large':
          throw new IepMalformedResponseError(`the answer is larger than ${this.maxResponseBytes} bytes`, opts.ctx);
        default:
          throw new IepUnreachableError(err.code, opts.ctx, { cause: err });
      }
    }
    const json = parseJson(res.body);
    if (res.status < 200 || res.status >= 300) throw new IepHttpError(res.status, iepErrorCode(json), opts.ctx);
    if (!/^application\/json\b/i.test(res.contentType ?? '')) throw new IepMalformedResponseError('the content type is not JSON', opts.ctx);
    if (json === undefined) throw new IepMalformedResponseError('the body is not valid JSON', opts.ctx);
    return { status: res.status, body: json };
  }

  private read<S extends z.ZodType>(schema: S, body: unknown, ctx: IepErrorContext): z.output<S> {
    const parsed = schema.safeParse(body);
    if (!parsed.success) throw new IepMalformedResponseError(describeIssues(parsed.error), ctx);
    return parsed.data;
  }
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}

/** The peer's id, only if it is plainly an id. */
function safeId(id: string): string | undefined {
  return SAFE_ID.test(id) ? id : undefined;
}
