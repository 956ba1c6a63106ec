import type { Redis } from 'ioredis';
import { suspiciousAuditFacts, type Actor, type AuditEvent, type CallRef, type RequestKind } from '../domain';
import { AuditFactsRejectedError, CorruptRecordError } from './errors';
import type { RedisCommand } from './guardedWrite';
import type { StoreKeys } from './keys';
import { execReplies, redisCall } from './redisCall';

/**
 * Audit events the store itself writes, beyond the domain's AuditFactsByType. The retention purge is one: the
 * request keeps its call reference and clear facts, and the audit says when and under which rule the identifiers went.
 */
export interface StoreAuditFactsByType {
  'request.identifiersPurged': { kind: RequestKind; retentionDays: number };
}

/** An audit event the store writes on its own behalf. */
export type StoreAuditEvent = {
  [K in keyof StoreAuditFactsByType]: {
    type: K;
    at: string;
    actor: Actor;
    requestId: string;
    callRef?: CallRef;
    facts: StoreAuditFactsByType[K];
  };
}[keyof StoreAuditFactsByType];

/** Anything in an audit stream. */
export type AuditRecord = AuditEvent | StoreAuditEvent;

/** One entry read back from a stream, with its stream id (a cursor for the next read). */
export interface AuditEntry {
  streamId: string;
  event: AuditRecord;
}

/**
 * Throws AuditFactsRejectedError when the event's facts look like patient data (a patient field name, an S number, a
 * date, a Modulus-11-valid ten-digit number). The domain's check does not throw because an id can look like an NHS
 * number by chance (1 in 11 ten-digit numbers); the store refuses anyway, since an audit stream cannot be edited
 * afterwards, unless the store was built with `refuseSuspiciousAuditFacts: false`.
 */
export function checkAuditFacts(event: AuditRecord): void {
  const suspicious = suspiciousAuditFacts(event.facts as unknown as Record<string, unknown>);
  if (suspicious.length > 0) throw new AuditFactsRejectedError(event.type, suspicious);
}

/** The XADD commands that append an event to its request's stream and to the global stream (for a guarded write). */
export function auditCommands(keys: StoreKeys, event: AuditRecord): RedisCommand[] {
  const fields = streamFields(event);
  return [
    ['XADD', keys.auditOf(event.requestId), '*', ...fields],
    ['XADD', keys.auditGlobal, '*', ...fields],
  ];
}

function streamFields(event: AuditRecord): string[] {
  return [
    'type',
    event.type,
    'at',
    event.at,
    'requestId',
    event.requestId,
    ...(event.callRef !== undefined ? ['callRef', event.callRef] : []),
    'actor',
    JSON.stringify(event.actor),
    'facts',
    JSON.stringify(event.facts),
  ];
}

function eventFromFields(key: string, flat: string[]): AuditRecord {
  const f: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) f[flat[i]!] = flat[i + 1]!;
  if (!f.type || !f.at || !f.requestId || !f.actor || !f.facts) throw new CorruptRecordError(key, 'audit entry without type/at/requestId/actor/facts');
  try {
    return {
      type: f.type,
      at: f.at,
      requestId: f.requestId,
      ...(f.callRef !== undefined ? { callRef: f.callRef } : {}),
      actor: JSON.parse(f.actor) as Actor,
      facts: JSON.parse(f.facts) as unknown,
    } as AuditRecord;
  } catch {
    throw new CorruptRecordError(key, 'audit entry with unreadable actor or facts');
  }
}

/** Options for reading a stream. */
export interface AuditReadOptions {
  /** Return entries after this stream id (exclusive); from the start when absent. */
  after?: string;
  /** Most entries to return (default 100). */
  count?: number;
}

/**
 * The append-only audit trail in Redis Streams: `<prefix>:audit:<requestId>` per request and `<prefix>:audit` for
 * all. Events carry the call reference and non-identifying facts only (guideline 4: compliance is reviewed from these
 * records). Nothing in the store trims or deletes them; the retention purge leaves them whole.
 */
export class AuditTrail {
  constructor(
    private readonly redis: Redis,
    private readonly keys: StoreKeys,
    private readonly refuseSuspicious = true,
  ) {}

  /**
   * Appends an event that is not part of a request write (e.g. "request.viewed"). Both streams in one MULTI, so the
   * per-request and global trails never disagree. Returns the global stream id.
   */
  async append(event: AuditRecord): Promise<string> {
    if (this.refuseSuspicious) checkAuditFacts(event);
    const [perRequest, global] = auditCommands(this.keys, event) as [RedisCommand, RedisCommand];
    const replies = await execReplies('append an audit event', this.redis.multi().call(...perRequest).call(...global));
    return String(replies[1]);
  }

  /** One request's events, oldest first. */
  async readForRequest(requestId: string, opts: AuditReadOptions = {}): Promise<AuditEntry[]> {
    return this.read(this.keys.auditOf(requestId), opts);
  }

  /** Every request's events, oldest first (page with `after`). */
  async readGlobal(opts: AuditReadOptions = {}): Promise<AuditEntry[]> {
    return this.read(this.keys.auditGlobal, opts);
  }

  private async read(key: string, opts: AuditReadOptions): Promise<AuditEntry[]> {
    const start = opts.after ? `(${opts.after}` : '-';
    const rows = await redisCall('read the audit trail', () => this.redis.xrange(key, start, '+', 'COUNT', opts.count ?? 100));
    return rows.map(([streamId, flat]) => ({ streamId, event: eventFromFields(key, flat) }));
  }
}
