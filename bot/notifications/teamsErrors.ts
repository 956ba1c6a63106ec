/**
 * Failures of a proactive send, typed for the notify worker: `retryable` true means BullMQ retries with jittered
 * backoff; false means retrying cannot help. Messages carry HTTP statuses and ids only (a connector error body can
 * echo what we sent).
 */
export class TeamsSendError extends Error {
  constructor(
    readonly status: number | undefined,
    readonly retryable: boolean,
    /** From Teams' Retry-After header on a 429, when present. */
    readonly retryAfterMs?: number,
  ) {
    super(status === undefined ? 'Teams could not be reached' : `Teams answered ${status}`);
    this.name = 'TeamsSendError';
  }
}

/** The per-conversation window is full: the job is moved to delayed for `waitMs`, not counted as a failure. */
export class ConversationRateLimitedError extends Error {
  readonly retryable = true;
  constructor(readonly waitMs: number) {
    super(`conversation rate limit: next slot in ${waitMs} ms`);
    this.name = 'ConversationRateLimitedError';
  }
}

// Teams' guidance: retry 429 (throttled), 412 (precondition failed: a concurrent operation), 502 and 504; 500 and
// 503 are transient server failures too.
const RETRYABLE = new Set([412, 429, 500, 502, 503, 504]);

/** The HTTP status of a botbuilder connector error (RestError.statusCode), if it had one. */
export function statusOf(err: unknown): number | undefined {
  const e = err as { statusCode?: unknown; response?: { status?: unknown } };
  const s = typeof e?.statusCode === 'number' ? e.statusCode : e?.response?.status;
  return typeof s === 'number' ? s : undefined;
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date (RFC 9110 10.2.3). */
export function retryAfterMsOf(err: unknown, now = Date.now()): number | undefined {
  const headers = (err as { response?: { headers?: { get?(name: string): string | undefined } } })?.response?.headers;
  const raw = headers?.get?.('retry-after');
  if (!raw) return undefined;
  if (/^\d+$/.test(raw.trim())) return Number(raw.trim()) * 1000;
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** The typed error for a failed send: no status (network) and the retryable statuses are retried. */
export function teamsSendErrorOf(err: unknown): TeamsSendError {
  const status = statusOf(err);
  const retryAfter = retryAfterMsOf(err);
  return new TeamsSendError(status, status === undefined || RETRYABLE.has(status), retryAfter);
}
