import type { RequestStatus } from '../domain';

/**
 * Every Redis key the store writes, in one place. The prefix (config REDIS_PREFIX, default "{itb}") carries a Redis
 * Cluster hash tag, so every key of a request, its indexes and the audit streams share one slot and the Lua scripts
 * may touch them together. Keys hold ids, statuses and HMAC tokens only: never a name or a number in clear.
 */
export class StoreKeys {
  constructor(readonly prefix: string) {}

  /** Hash: the request's clear facts, its sealed body and sealed transition notes. */
  request(id: string): string {
    return `${this.prefix}:request:${id}`;
  }
  /** List: the request's transitions, oldest first, as JSON without their notes. */
  history(id: string): string {
    return `${this.prefix}:request:${id}:history`;
  }
  /** Sorted set of every request id by creation time (ms): what key rotation walks. */
  get all(): string {
    return `${this.prefix}:requests:all`;
  }
  /** Sorted set of one requester's request ids by creation time ("my requests"). */
  byRequester(aadObjectId: string): string {
    return `${this.prefix}:requests:byRequester:${aadObjectId}`;
  }
  /** Sorted set of request ids in a status, scored by when they entered it (timers, reports). */
  byStatus(status: RequestStatus): string {
    return `${this.prefix}:requests:byStatus:${status}`;
  }
  /** Hash: call reference -> request id. */
  get byCallRef(): string {
    return `${this.prefix}:requests:byCallRef`;
  }
  /** Set of request ids whose patient has this lookup token (HMAC of an S number or NHS number, never the value). */
  byPatientToken(token: string): string {
    return `${this.prefix}:requests:byPatient:${token}`;
  }
  /** Sorted set of ended (terminal) requests whose identifiers are still held, by end time: the retention queue. */
  get endedAwaitingPurge(): string {
    return `${this.prefix}:requests:ended`;
  }
  /** String: the first outcome of a request create or transition delivered under this idempotency key. */
  requestIdempotency(key: string): string {
    return `${this.prefix}:idempotency:request:${key}`;
  }
  /** String: a claim() made through IdempotencyKeys (a separate namespace, so the two uses never read each other). */
  claimIdempotency(key: string): string {
    return `${this.prefix}:idempotency:claim:${key}`;
  }
  /** Stream: every audit event, all requests. */
  get auditGlobal(): string {
    return `${this.prefix}:audit`;
  }
  /** Stream: one request's audit events. */
  auditOf(requestId: string): string {
    return `${this.prefix}:audit:${requestId}`;
  }
  /** String (JSON): the personal-chat conversation reference of a Teams user. */
  conversationOfUser(aadObjectId: string): string {
    return `${this.prefix}:conversation:user:${aadObjectId}`;
  }
  /** String (JSON): a conversation reference by Teams conversation id. */
  conversationById(conversationId: string): string {
    return `${this.prefix}:conversation:id:${conversationId}`;
  }
  /** String (JSON): a channel's conversation reference, by our name for it (e.g. "serviceDesk"). */
  conversationOfChannel(name: string): string {
    return `${this.prefix}:conversation:channel:${name}`;
  }
}
