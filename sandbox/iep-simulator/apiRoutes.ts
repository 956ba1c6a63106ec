import type http from 'node:http';
import { DECLINE_REASONS } from './declineReasons';
import { readJson, sendError, sendJson, type Route } from './httpJson';
import type { Portal } from './portal';
import { PortalError } from './portal';
import { newMessageBody, newRequestBody, newTransferBody, validationDetails } from './requestBodies';
import { messageToWire, SIM_STATUSES, toWire, type SimStatus } from './simTransaction';

/** The contract's routes under /api/v1 (docs/iep-contract.md). */

const ID = '([A-Za-z0-9._:-]{1,64})';
const MAX_PAGE = 200;

const encodeCursor = (seq: number) => Buffer.from(`seq:${seq}`).toString('base64url');
function decodeCursor(cursor: string): number {
  const m = /^seq:(\d{1,12})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!m) throw new PortalError(400, 'INVALID_CURSOR', 'the cursor is not one this server gave');
  return Number(m[1]);
}

async function body<T>(req: http.IncomingMessage, schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: import('zod').ZodError } }): Promise<T> {
  const parsed = schema.safeParse(await readJson(req));
  if (!parsed.success) throw new PortalError(400, 'VALIDATION_FAILED', 'the body does not follow the contract', validationDetails(parsed.error));
  return parsed.data;
}

export function apiRoutes(portal: Portal): Route[] {
  return [
    {
      method: 'GET',
      pattern: /^\/institutions$/,
      handle: (_req, res, _p, url) => sendJson(res, 200, { institutions: portal.institutions(url.searchParams.get('name') ?? '') }),
    },
    {
      method: 'GET',
      pattern: new RegExp(`^/institutions/${ID}$`),
      handle: (_req, res, [id]) => sendJson(res, 200, portal.institution(id!)),
    },
    {
      method: 'POST',
      pattern: /^\/requests$/,
      handle: async (req, res) => {
        const { tx, created } = portal.createRequest(await body(req, newRequestBody));
        sendJson(res, created ? 201 : 200, toWire(tx), created ? { location: `transactions/${tx.id}` } : { 'idempotent-replayed': 'true' });
      },
    },
    {
      method: 'POST',
      pattern: /^\/transfers$/,
      handle: async (req, res) => {
        const { tx, created } = portal.createTransfer(await body(req, newTransferBody));
        sendJson(res, created ? 201 : 200, toWire(tx), created ? { location: `transactions/${tx.id}` } : { 'idempotent-replayed': 'true' });
      },
    },
    {
      method: 'GET',
      pattern: /^\/transactions$/,
      handle: (_req, res, _p, url) => {
        const q = url.searchParams;
        const direction = q.get('direction') ?? undefined;
        if (direction !== undefined && direction !== 'in' && direction !== 'out') throw new PortalError(400, 'VALIDATION_FAILED', 'direction is in or out');
        const status = q.get('status') ?? undefined;
        if (status !== undefined && !(SIM_STATUSES as readonly string[]).includes(status)) throw new PortalError(400, 'VALIDATION_FAILED', 'unknown status');
        const since = q.get('updatedSince');
        const updatedSince = since === null ? undefined : Date.parse(since);
        if (updatedSince !== undefined && Number.isNaN(updatedSince)) throw new PortalError(400, 'VALIDATION_FAILED', 'updatedSince is not an ISO 8601 time');
        const limit = Number(q.get('limit') ?? 50);
        if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) throw new PortalError(400, 'VALIDATION_FAILED', `limit is 1-${MAX_PAGE}`);
        const cursor = q.get('cursor');
        const page = portal.list({
          direction,
          status: status as SimStatus | undefined,
          updatedSince,
          externalReference: q.get('externalReference') ?? undefined,
          limit,
          afterSeq: cursor === null ? undefined : decodeCursor(cursor),
        });
        sendJson(res, 200, {
          transactions: page.transactions.map(toWire),
          nextCursor: page.more && page.lastSeq !== undefined ? encodeCursor(page.lastSeq) : null,
        });
      },
    },
    {
      method: 'GET',
      pattern: new RegExp(`^/transactions/${ID}$`),
      handle: (_req, res, [id]) => sendJson(res, 200, toWire(portal.get(id!))),
    },
    {
      method: 'POST',
      pattern: new RegExp(`^/transactions/${ID}/download$`),
      handle: (_req, res, [id]) => {
        const { tx, accepted } = portal.requestDownload(id!);
        sendJson(res, accepted ? 202 : 200, toWire(tx));
      },
    },
    {
      method: 'GET',
      pattern: new RegExp(`^/transactions/${ID}/messages$`),
      handle: (_req, res, [id]) => sendJson(res, 200, { messages: portal.get(id!).messages.map(messageToWire) }),
    },
    {
      method: 'POST',
      pattern: new RegExp(`^/transactions/${ID}/messages$`),
      handle: async (req, res, [id]) => {
        const b = await body(req, newMessageBody);
        const { message, created } = portal.postMessage(id!, b.text, b.clientMessageId);
        sendJson(res, created ? 201 : 200, messageToWire(message));
      },
    },
    {
      method: 'GET',
      pattern: /^\/decline-reasons$/,
      handle: (_req, res) => sendJson(res, 200, { reasons: DECLINE_REASONS }),
    },
  ];
}

/** Answers a thrown PortalError as the contract's error body; anything else is a 500 without detail. */
export function answerError(res: http.ServerResponse, err: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (err instanceof PortalError) return sendError(res, err.status, err.code, err.message, err.details);
  const e = err as { status?: number; code?: string };
  if (typeof e.status === 'number' && typeof e.code === 'string') return sendError(res, e.status, e.code, 'the request body could not be read');
  sendError(res, 500, 'INTERNAL', 'simulator error');
}
