import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import {
  auditEvent,
  isTerminal,
  makeTransition,
  priorityLaneOf,
  type Actor,
  type CallRef,
  type RequestStatus,
  type TransferRequest,
  type Transition,
} from '../domain';
import type {
  CreateOutcome,
  NewRequest,
  PurgeOutcome,
  ReencryptOutcome,
  RequestChange,
  RequestStoreOptions,
  TransitionOptions,
  TransitionOutcome,
  WrittenRecord,
} from './requestOptions';
import { checkAuditFacts, type AuditRecord, type StoreAuditEvent } from './auditTrail';
import {
  ConflictError,
  CorruptRecordError,
  IdempotencyKeyReusedError,
  IdentifiersPurgedError,
  InvalidChangeError,
  InvalidStoreInputError,
  RequestAlreadyExistsError,
  RequestNotFoundError,
} from './errors';
import { FieldCipher } from './fieldCipher';
import { runGuardedWrite, type GuardedWrite, type GuardedWriteResult, type RedisCommand } from './guardedWrite';
import { DEFAULT_IDEMPOTENCY_TTL_SECONDS } from './idempotencyKeys';
import { StoreKeys } from './keys';
import { execReplies, redisCall } from './redisCall';
import {
  createCommands,
  patientTokensOf,
  purgeCommands,
  reencryptCommands,
  storedTokens,
  transitionCommands,
  updateCommands,
} from './requestCommands';
import {
  BODY_FIELD,
  PATIENT_TOKENS_FIELD,
  bodyAad,
  factsOf,
  isNoteField,
  noteAad,
  noteField,
  summaryFromHash,
  transitionFromEntry,
  type RequestSummary,
  type StoredRequest,
} from './requestRecord';

export type {
  CreateOutcome,
  NewRequest,
  PurgeOutcome,
  ReencryptOutcome,
  RequestChange,
  RequestStoreOptions,
  TransitionOptions,
  TransitionOutcome,
  WrittenRecord,
} from './requestOptions';

type IdempotencyOutcome =
  | { op: 'create'; requestId: string }
  | { op: 'transition'; requestId: string; index: number; version: number };

interface RecordRead {
  key: string;
  hash: Record<string, string>;
  summary: RequestSummary;
  historyLength: number;
}

/**
 * The requests repository: Redis hashes with optimistic concurrency, patient identifiers sealed with AES-256-GCM,
 * a history of transitions, indexes (requester, status, call reference, ended-at, patient lookup tokens) and the
 * audit streams, every write atomic through one Lua script (guardedWrite.ts).
 */
export class RequestStore {
  readonly keys: StoreKeys;
  readonly cipher: FieldCipher;
  private readonly idempotencyTtl: number;
  private readonly refuseSuspicious: boolean;
  private readonly conflictRetries: number;

  constructor(
    private readonly redis: Redis,
    opts: RequestStoreOptions,
  ) {
    this.keys = new StoreKeys(opts.prefix);
    this.cipher = new FieldCipher(opts.encryptionKeys);
    this.idempotencyTtl = opts.idempotencyTtlSeconds ?? DEFAULT_IDEMPOTENCY_TTL_SECONDS;
    this.refuseSuspicious = opts.refuseSuspiciousAuditFacts ?? true;
    this.conflictRetries = opts.conflictRetries ?? 5;
  }

  /** Stores a new request in status "submitted" and audits "request.submitted", atomically and idempotently. */
  async create(input: NewRequest): Promise<CreateOutcome> {
    const id = input.id ?? randomUUID();
    // Ids become parts of Redis keys and go into job payloads and logs: plain tokens only.
    const problems = [
      ...(REQUEST_ID.test(id) ? [] : ['id: 1-128 letters, digits, ".", "_", ":" or "-"']),
      ...(input.requester.trim() !== '' ? [] : ['requester: the Entra object id is required']),
    ];
    if (problems.length) throw new InvalidStoreInputError('new request', problems);
    const facts = factsOf(input.request);
    const submitted = auditEvent(
      'request.submitted',
      { at: input.at, actor: input.actor, requestId: id, ...(input.callRef !== undefined ? { callRef: input.callRef } : {}) },
      { kind: facts.kind, lane: priorityLaneOf(input.request), examCount: facts.examCount },
    );
    this.check([submitted]);
    const outcome: IdempotencyOutcome = { op: 'create', requestId: id };
    const recordKey = this.keys.request(id);
    const commands = createCommands(this.keys, this.cipher, { ...input, id, audit: [submitted] });
    const result = await this.write(id, {
      recordKey,
      mode: 'create',
      ...this.idempotency(input.idempotencyKey, outcome),
      commands,
    });
    switch (result.result) {
      case 'ok':
        return { id, version: result.version, created: true, written: { summary: summaryFromHash(recordKey, hashAfter(recordKey, {}, commands, result.version)), historyLength: 0 } };
      case 'duplicate': {
        const first = parseOutcome(id, result.outcome);
        if (first.op !== 'create') throw new IdempotencyKeyReusedError(id);
        const summary = await this.getSummary(first.requestId);
        return { id: first.requestId, version: summary?.version ?? 1, created: false };
      }
      case 'exists':
        throw new RequestAlreadyExistsError(id);
      default:
        throw new CorruptRecordError(this.keys.request(id), `create answered ${result.result}`);
    }
  }

  /**
   * Changes the body and/or call reference if the record is still at `expectedVersion`; bumps the version. Throws
   * ConflictError when someone else wrote first, RequestNotFoundError, IdentifiersPurgedError for a purged body.
   */
  async update(id: string, expectedVersion: number, change: RequestChange): Promise<{ version: number }> {
    const current = await this.readForWrite(id);
    if (current.summary.version !== expectedVersion) throw new ConflictError(id, expectedVersion, current.summary.version);
    if (change.request) {
      if (change.request.kind !== current.summary.kind) throw new InvalidChangeError(id, `a ${current.summary.kind} request cannot become ${change.request.kind}`);
      if (current.summary.purgedAt !== undefined) throw new IdentifiersPurgedError(id);
    }
    const audit = change.audit ?? [];
    this.check(audit);
    const result = await this.write(id, {
      recordKey: current.key,
      mode: 'update',
      expectedVersion,
      commands: updateCommands(this.keys, this.cipher, { summary: current.summary, tokens: storedTokens(current.hash[PATIENT_TOKENS_FIELD]) }, { ...change, audit }),
    });
    if (result.result === 'ok') return { version: result.version };
    if (result.result === 'conflict') throw new ConflictError(id, expectedVersion, result.version);
    throw new RequestNotFoundError(id);
  }

  /**
   * Moves a request to `to` under the domain's lifecycle (IllegalTransitionError when not allowed), bumps the version,
   * appends the Transition to the history and "request.statusChanged" to the audit, in one atomic step. With an
   * idempotency key, repeated deliveries return the first outcome (`replayed: true`) and change nothing.
   */
  async transition(id: string, to: RequestStatus, opts: TransitionOptions): Promise<TransitionOutcome> {
    // The caller's own last write, when given, stands in for the first read (checked by the guarded write).
    // Not with expectedVersion: that caller asks for exactly the state it names, as read now.
    let basis: RecordRead | undefined =
      opts.basis && opts.basis.summary.id === id && opts.expectedVersion === undefined ? basisRead(this.keys.request(id), opts.basis) : undefined;
    for (let attempt = 0; ; attempt++) {
      let current: RecordRead;
      if (basis) current = basis;
      else {
        // The idempotency key is read in the same round trip as the record (the guarded write checks it again).
        const read = await this.readForWrite(id, opts.idempotencyKey);
        if ('prior' in read) return this.replay(id, to, read.prior);
        current = read;
      }
      const fromBasis = current === basis;
      basis = undefined;
      const { summary } = current;
      if (opts.expectedVersion !== undefined && summary.version !== opts.expectedVersion) {
        throw new ConflictError(id, opts.expectedVersion, summary.version);
      }
      let transition: Transition;
      try {
        transition = makeTransition({
          requestId: id,
          kind: summary.kind,
          from: summary.status,
          to,
          at: opts.at,
          by: opts.actor,
          why: opts.reason,
          ...(opts.note !== undefined ? { note: opts.note } : {}),
        });
      } catch (err) {
        // Decided on the caller's basis: read the record as it is and decide again.
        if (fromBasis) continue;
        // A copy of this same delivery may have won between our key check and our read (two Teams retries in flight):
        // the status has moved on, so the lifecycle refuses. That copy's outcome is the answer, not an error.
        if (opts.idempotencyKey !== undefined) {
          const prior = await redisCall('read an idempotency key', () => this.redis.get(this.keys.requestIdempotency(opts.idempotencyKey!)));
          if (prior !== null) return this.replay(id, to, prior);
        }
        throw err;
      }
      const callRef = opts.callRef ?? summary.callRef;
      const changed = auditEvent(
        'request.statusChanged',
        { at: opts.at, actor: opts.actor, requestId: id, ...(callRef !== undefined ? { callRef } : {}) },
        { kind: summary.kind, from: summary.status, to, why: opts.reason },
      );
      const audit = [changed, ...(opts.audit ?? [])];
      this.check(audit);
      const version = summary.version + 1;
      const outcome: IdempotencyOutcome = { op: 'transition', requestId: id, index: current.historyLength, version };
      const first = transitionCommands(this.keys, this.cipher, current, transition, { ...(opts.callRef !== undefined ? { callRef: opts.callRef } : {}), audit });
      const chained = opts.then ? this.chainedTransition(current, first, transition, version, opts.then, opts) : undefined;
      const commands = chained ? [...first, ...chained.commands] : first;
      const result = await this.write(id, {
        recordKey: current.key,
        mode: 'update',
        expectedVersion: summary.version,
        expectedStatus: summary.status,
        ...this.idempotency(opts.idempotencyKey, outcome),
        commands,
      });
      switch (result.result) {
        case 'ok':
          return {
            transition,
            version,
            replayed: false,
            written: {
              summary: summaryFromHash(current.key, hashAfter(current.key, current.hash, commands, result.version)),
              historyLength: current.historyLength + (chained ? 2 : 1),
            },
            ...(chained ? { then: { transition: chained.transition, version: result.version } } : {}),
          };
        case 'duplicate':
          return this.replay(id, to, result.outcome);
        case 'conflict':
          // A caller that named a version asked for exactly that state; otherwise re-read and re-check the lifecycle.
          // A stale basis is not a conflict of the caller's: it only costs the read it meant to save.
          if (fromBasis) continue;
          if (opts.expectedVersion !== undefined || attempt >= this.conflictRetries) throw new ConflictError(id, summary.version, result.version);
          continue;
        default:
          throw new RequestNotFoundError(id);
      }
    }
  }

  /**
   * The commands of `then`, applied after `first` in the same guarded write: the record's version is bumped once for
   * each transition (the script bumps it for the last), and `then`'s idempotency key is set with its own outcome.
   */
  private chainedTransition(
    current: RecordRead,
    first: readonly RedisCommand[],
    previous: Transition,
    version: number,
    then: NonNullable<TransitionOptions['then']>,
    opts: TransitionOptions,
  ): { transition: Transition; commands: RedisCommand[] } {
    const id = current.summary.id;
    const afterFirst = summaryFromHash(current.key, hashAfter(current.key, current.hash, first, version));
    let transition: Transition;
    try {
      transition = makeTransition({ requestId: id, kind: afterFirst.kind, from: previous.to, to: then.to, at: opts.at, by: opts.actor, why: then.reason });
    } catch {
      // Not a lost race (that is the first transition's check): the caller asked for a chain the lifecycle forbids.
      throw new InvalidChangeError(id, `a ${afterFirst.kind} request cannot go on from ${previous.to} to ${then.to}`);
    }
    const changed = auditEvent(
      'request.statusChanged',
      { at: opts.at, actor: opts.actor, requestId: id, ...(afterFirst.callRef !== undefined ? { callRef: afterFirst.callRef } : {}) },
      { kind: afterFirst.kind, from: previous.to, to: then.to, why: then.reason },
    );
    this.check([changed]);
    const outcome: IdempotencyOutcome = { op: 'transition', requestId: id, index: current.historyLength + 1, version: version + 1 };
    return {
      transition,
      commands: [
        ['HINCRBY', current.key, 'version', '1'],
        ...transitionCommands(this.keys, this.cipher, { summary: afterFirst, historyLength: current.historyLength + 1 }, transition, { audit: [changed] }),
        ...(then.idempotencyKey !== undefined
          ? [['SET', this.keys.requestIdempotency(then.idempotencyKey), JSON.stringify(outcome), 'EX', String(this.idempotencyTtl)] as RedisCommand]
          : []),
      ],
    };
  }

  /** The request with its decrypted body and history, or undefined. */
  async get(id: string): Promise<StoredRequest | undefined> {
    const key = this.keys.request(id);
    const [hash, history] = (await execReplies('read a request', this.redis.multi().hgetall(key).lrange(this.keys.history(id), 0, -1))) as [
      Record<string, string>,
      string[],
    ];
    if (!hash.id) return undefined;
    const summary = summaryFromHash(key, hash);
    const body = hash[BODY_FIELD];
    const request = body !== undefined ? (JSON.parse(this.cipher.open(body, bodyAad(id))) as TransferRequest) : undefined;
    const transitions = history.map((json, n) => {
      const { hasNote, ...t } = transitionFromEntry(key, id, summary.kind, json);
      const sealed = hash[noteField(n)];
      return hasNote && sealed !== undefined ? { ...t, note: this.cipher.open(sealed, noteAad(id, n)) } : t;
    });
    return { ...summary, ...(request !== undefined ? { request } : {}), history: transitions };
  }

  /** The clear facts only (no decryption), or undefined. */
  async getSummary(id: string): Promise<RequestSummary | undefined> {
    const key = this.keys.request(id);
    const hash = await redisCall('read a request', () => this.redis.hgetall(key));
    return hash.id ? summaryFromHash(key, hash) : undefined;
  }

  /** The request id for a call reference, or undefined. */
  async findByCallRef(callRef: CallRef): Promise<string | undefined> {
    const id = await redisCall('look up a call reference', () => this.redis.hget(this.keys.byCallRef, callRef));
    return id ?? undefined;
  }

  /** A requester's requests, newest first ("my requests"), as clear facts. */
  async listByRequester(aadObjectId: string, opts: { offset?: number; limit?: number } = {}): Promise<RequestSummary[]> {
    const offset = opts.offset ?? 0;
    const ids = await redisCall('list requests', () => this.redis.zrevrange(this.keys.byRequester(aadObjectId), offset, offset + (opts.limit ?? 20) - 1));
    return this.summaries(ids);
  }

  /** Ids of requests created in [from, to), oldest first (the compliance report's period, guideline section 4). */
  async listCreatedBetween(from: Date, to: Date): Promise<string[]> {
    return redisCall('list requests by creation time', () => this.redis.zrangebyscore(this.keys.all, from.getTime(), `(${to.getTime()}`));
  }

  /** Requests in a status, longest-waiting first, optionally only those that entered it before a time (timers, reports). */
  async listByStatus(status: RequestStatus, opts: { enteredBefore?: Date; limit?: number } = {}): Promise<Array<{ id: string; since: Date }>> {
    const max = opts.enteredBefore ? `(${opts.enteredBefore.getTime()}` : '+inf';
    const flat = await redisCall('list requests by status', () =>
      this.redis.zrangebyscore(this.keys.byStatus(status), '-inf', max, 'WITHSCORES', 'LIMIT', 0, opts.limit ?? 100),
    );
    return pairs(flat).map(([id, score]) => ({ id, since: new Date(Number(score)) }));
  }

  /**
   * Ids of requests for a patient, by S number and/or NHS number, through HMAC lookup tokens (the values are never
   * stored in clear). Tokens under every configured key are tried, so records not yet rotated are found too. The
   * caller must still compare the decrypted patient: an index can lag a concurrent write.
   */
  async findByPatient(patient: { sNumber?: string; nhsNumber?: string }): Promise<string[]> {
    const tokens = [
      ...(patient.sNumber !== undefined ? this.cipher.lookupTokensUnderAllKeys('sNumber', patient.sNumber.toUpperCase()) : []),
      // Stored NHS numbers are 10 digits (domain NhsNumber); accept the spaced form people type too.
      ...(patient.nhsNumber !== undefined ? this.cipher.lookupTokensUnderAllKeys('nhsNumber', patient.nhsNumber.replace(/[\s-]/g, '')) : []),
    ];
    if (tokens.length === 0) return [];
    const ids = await redisCall('look up a patient', () => this.redis.sunion(...tokens.map((t) => this.keys.byPatientToken(t))));
    return ids.sort();
  }

  /** Ended requests that still hold identifiers and ended at or before `cutoff`, oldest first (the retention queue). */
  async listEndedBefore(cutoff: Date, limit = 100, offset = 0): Promise<string[]> {
    return redisCall('list ended requests', () =>
      this.redis.zrangebyscore(this.keys.endedAwaitingPurge, '-inf', cutoff.getTime(), 'LIMIT', offset, limit),
    );
  }

  /** Takes an id off the retention queue (a record that is gone or already purged). True when it was listed. */
  async forgetEnded(id: string): Promise<boolean> {
    return (await redisCall('update the retention queue', () => this.redis.zrem(this.keys.endedAwaitingPurge, id))) === 1;
  }

  /** A page of every request id in creation order (what key rotation walks). */
  async listAllIds(offset: number, limit: number): Promise<string[]> {
    return redisCall('list requests', () => this.redis.zrange(this.keys.all, offset, offset + limit - 1));
  }

  /**
   * Removes a terminal request's patient identifiers: the sealed body, sealed notes and lookup tokens. The clear facts,
   * call reference, history and audit stay; "request.identifiersPurged" is audited in the same step.
   */
  async purgeIdentifiers(id: string, opts: { at: Date; actor: Actor; retentionDays: number }): Promise<PurgeOutcome> {
    for (let attempt = 0; ; attempt++) {
      const hash = await redisCall('read a request', () => this.redis.hgetall(this.keys.request(id)));
      if (!hash.id) return 'missing';
      const summary = summaryFromHash(this.keys.request(id), hash);
      if (summary.purgedAt !== undefined) return 'alreadyPurged';
      if (!isTerminal(summary.status)) throw new InvalidChangeError(id, `identifiers are purged only after the request ends (it is ${summary.status})`);
      const purged: StoreAuditEvent = {
        type: 'request.identifiersPurged',
        at: opts.at.toISOString(),
        actor: opts.actor,
        requestId: id,
        ...(summary.callRef !== undefined ? { callRef: summary.callRef } : {}),
        facts: { kind: summary.kind, retentionDays: opts.retentionDays },
      };
      const current = { summary, tokens: storedTokens(hash[PATIENT_TOKENS_FIELD]), noteFields: Object.keys(hash).filter(isNoteField) };
      const result = await this.write(id, {
        recordKey: this.keys.request(id),
        mode: 'update',
        expectedVersion: summary.version,
        commands: purgeCommands(this.keys, current, opts.at, purged),
      });
      if (result.result === 'ok') return 'purged';
      if (result.result === 'missing') return 'missing';
      if (attempt >= this.conflictRetries) throw new ConflictError(id, summary.version, result.result === 'conflict' ? result.version : -1);
    }
  }

  /**
   * Re-seals a record's body and notes with the active key and re-indexes its lookup tokens under it. Guarded like
   * every write (the version is bumped), so a concurrent update is never overwritten with older content.
   */
  async reencrypt(id: string): Promise<ReencryptOutcome> {
    for (let attempt = 0; ; attempt++) {
      const hash = await redisCall('read a request', () => this.redis.hgetall(this.keys.request(id)));
      if (!hash.id) return { outcome: 'missing', keyIdsBefore: [] };
      const key = this.keys.request(id);
      const summary = summaryFromHash(key, hash);
      const sealedFields = sealedFieldsOf(hash);
      const keyIdsBefore = [...new Set(sealedFields.map((f) => this.cipher.keyIdOf(hash[f]!)))].sort();
      if (summary.purgedAt !== undefined && sealedFields.length === 0) return { outcome: 'purged', keyIdsBefore };
      const stale = sealedFields.filter((f) => !this.cipher.isCurrent(hash[f]!));
      if (stale.length === 0) return { outcome: 'current', keyIdsBefore };
      const resealed = stale.map((f): [string, string] => {
        const aad = f === BODY_FIELD ? bodyAad(id) : noteAad(id, Number(f.slice('note:'.length)));
        return [f, this.cipher.seal(this.cipher.open(hash[f]!, aad), aad)];
      });
      const body = hash[BODY_FIELD];
      const after = body !== undefined ? patientTokensOf(this.cipher, JSON.parse(this.cipher.open(body, bodyAad(id))) as TransferRequest) : [];
      const result = await this.write(id, {
        recordKey: key,
        mode: 'update',
        expectedVersion: summary.version,
        commands: reencryptCommands(this.keys, id, resealed, { before: storedTokens(hash[PATIENT_TOKENS_FIELD]), after }),
      });
      if (result.result === 'ok') return { outcome: 'reencrypted', keyIdsBefore };
      if (result.result === 'missing') return { outcome: 'missing', keyIdsBefore };
      if (attempt >= this.conflictRetries) throw new ConflictError(id, summary.version, result.result === 'conflict' ? result.version : -1);
    }
  }

  /** The key ids named by a record's sealed values (no decryption), sorted; empty when purged or missing. */
  async sealedKeyIdsOf(id: string): Promise<string[]> {
    const hash = await redisCall('read a request', () => this.redis.hgetall(this.keys.request(id)));
    return [...new Set(sealedFieldsOf(hash).map((f) => this.cipher.keyIdOf(hash[f]!)))].sort();
  }

  /**
   * The record, its history length and (given a key) the idempotency key's stored outcome, in one MULTI: one round
   * trip, and the history length is the one that goes with this version. A stored outcome is returned before the
   * record is checked (a replay answers even if the record is unreadable, as a separate read of the key did).
   */
  private async readForWrite(id: string): Promise<RecordRead>;
  private async readForWrite(id: string, idempotencyKey: string | undefined): Promise<RecordRead | { prior: string }>;
  private async readForWrite(id: string, idempotencyKey?: string): Promise<RecordRead | { prior: string }> {
    const key = this.keys.request(id);
    const batch = this.redis.multi();
    if (idempotencyKey !== undefined) batch.get(this.keys.requestIdempotency(idempotencyKey));
    const replies = await execReplies('read a request', batch.hgetall(key).llen(this.keys.history(id)));
    const [prior, hash, historyLength] = (idempotencyKey !== undefined ? replies : [null, ...replies]) as [string | null, Record<string, string>, number];
    if (prior !== null) return { prior };
    if (!hash.id) throw new RequestNotFoundError(id);
    return { key, hash, summary: summaryFromHash(key, hash), historyLength };
  }

  private async replay(id: string, to: RequestStatus, raw: string): Promise<TransitionOutcome> {
    const first = parseOutcome(id, raw);
    if (first.op !== 'transition' || first.requestId !== id) throw new IdempotencyKeyReusedError(id);
    const key = this.keys.request(id);
    const [json, kind, sealed] = (await execReplies(
      'read a request',
      this.redis.multi().lindex(this.keys.history(id), first.index).hget(key, 'kind').hget(key, noteField(first.index)),
    )) as [string | null, string | null, string | null];
    if (json === null || kind === null) throw new CorruptRecordError(key, 'idempotency key names a missing history entry');
    const { hasNote, ...transition } = transitionFromEntry(key, id, kind as Transition['kind'], json);
    if (transition.to !== to) throw new IdempotencyKeyReusedError(id);
    const withNote = hasNote && sealed !== null ? { ...transition, note: this.cipher.open(sealed, noteAad(id, first.index)) } : transition;
    return { transition: withNote, version: first.version, replayed: true };
  }

  private idempotency(key: string | undefined, outcome: IdempotencyOutcome): Pick<GuardedWrite, 'idempotency'> {
    return key === undefined ? {} : { idempotency: { key: this.keys.requestIdempotency(key), outcome: JSON.stringify(outcome), ttlSeconds: this.idempotencyTtl } };
  }

  private check(events: readonly AuditRecord[]): void {
    if (this.refuseSuspicious) events.forEach(checkAuditFacts);
  }

  private write(id: string, write: GuardedWrite): Promise<GuardedWriteResult> {
    return redisCall(`write request ${id}`, () => runGuardedWrite(this.redis, write));
  }

  private async summaries(ids: string[]): Promise<RequestSummary[]> {
    if (ids.length === 0) return [];
    const batch = this.redis.pipeline();
    for (const id of ids) batch.hgetall(this.keys.request(id));
    const replies = await execReplies('read requests', batch);
    return replies
      .map((h, i) => [this.keys.request(ids[i]!), h as Record<string, string>] as const)
      .filter(([, h]) => Boolean(h?.id))
      .map(([key, h]) => summaryFromHash(key, h));
  }
}

const REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/** A caller's basis as if read: the clear facts as hash fields (what summaryFromHash reads), the history length. */
function basisRead(key: string, basis: WrittenRecord): RecordRead {
  const s = basis.summary;
  const hash: Record<string, string> = {};
  for (const [field, value] of Object.entries(s)) if (value !== undefined) hash[field] = String(value);
  return { key, hash, summary: s, historyLength: basis.historyLength };
}

/**
 * The record hash as a successful guarded write left it: `before` with the write's HSET/HDEL on the record applied
 * and the new version, so a caller gets the clear facts it just wrote without reading them back (one round trip
 * fewer per write). Exactly the commands the script ran on that key, in order; nothing else touched it in between
 * (the script is atomic).
 */
function hashAfter(recordKey: string, before: Readonly<Record<string, string>>, commands: readonly RedisCommand[], version: number): Record<string, string> {
  const hash: Record<string, string> = { ...before };
  for (const [name, key, ...args] of commands) {
    if (key !== recordKey) continue;
    if (name === 'HSET') for (let i = 0; i + 1 < args.length; i += 2) hash[args[i]!] = args[i + 1]!;
    else if (name === 'HDEL') for (const field of args) delete hash[field];
    // A chained transition's own version bump: the final version is set below.
    else if (name === 'HINCRBY' && args[0] === 'version') continue;
    else throw new Error(`hashAfter: ${name} on the record is not modelled`);
  }
  hash.version = String(version);
  return hash;
}

function sealedFieldsOf(hash: Record<string, string>): string[] {
  return Object.keys(hash).filter((f) => f === BODY_FIELD || isNoteField(f));
}

function parseOutcome(id: string, raw: string): IdempotencyOutcome {
  try {
    const parsed = JSON.parse(raw) as IdempotencyOutcome;
    if ((parsed.op === 'create' || parsed.op === 'transition') && typeof parsed.requestId === 'string') return parsed;
  } catch {
    // fall through
  }
  throw new IdempotencyKeyReusedError(id);
}

function pairs(flat: string[]): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push([flat[i]!, flat[i + 1]!]);
  return out;
}
