import type { Redis } from 'ioredis';
import { formatLocalCallRef, parseLocalCallRef } from './callRef';
import {
  ServiceDeskError,
  ServiceDeskInvalidInputError,
  ServiceDeskStoreError,
  ServiceDeskUnknownCallRefError,
  type ServiceDeskErrorContext,
} from './errors';
import { NOTE_MAX, SUMMARY_MAX, freeTextProblems, requestIdProblems } from './freeTextGuard';
import type { LoggedServiceRequest, ServiceDesk, ServiceRequestKind, ServiceRequestPriority, ServiceRequestToLog } from './serviceDesk';

export interface LocalServiceDeskOptions {
  /** Key prefix; keep the hash tag (e.g. "{itb}") so every key lands in one Redis Cluster slot, as the scripts need. */
  prefix?: string;
  /** Clock, for the year in the call reference and the timestamps. */
  now?: () => Date;
}

/** What the local desk keeps for one request: ids, kind, priority, and text without patient data. */
export interface LocalServiceRequestRecord {
  callRef: string;
  requestId: string;
  kind: ServiceRequestKind;
  priority: ServiceRequestPriority;
  summary: string;
  status: 'logged' | 'resolved';
  loggedAt: string;
  resolvedAt?: string;
  resolution?: string;
  notes: Array<{ at: string; text: string }>;
}

/**
 * Logs atomically and idempotently: an existing requestId returns its sequence; otherwise INCR the sequence, write
 * the record and the requestId index in one step, so a crash can never leave a number without a record or a
 * request logged twice. The record key is built from KEYS[3] (a prefix sharing the hash tag, so one slot in Cluster).
 */
const LOG_SCRIPT = `
local seq = redis.call('HGET', KEYS[2], ARGV[1])
if seq then
  local rec = KEYS[3] .. seq
  return {seq, redis.call('HGET', rec, 'year'), redis.call('HGET', rec, 'loggedAt'), '0'}
end
seq = redis.call('INCR', KEYS[1])
redis.call('HSET', KEYS[3] .. seq, 'requestId', ARGV[1], 'year', ARGV[2], 'kind', ARGV[3], 'priority', ARGV[4],
  'summary', ARGV[5], 'loggedAt', ARGV[6], 'status', 'logged')
redis.call('HSET', KEYS[2], ARGV[1], seq)
return {tostring(seq), ARGV[2], ARGV[6], '1'}
`;

/** Resolves once: the first call stamps resolvedAt and the resolution; later calls change nothing. */
const RESOLVE_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
if redis.call('HGET', KEYS[1], 'year') ~= ARGV[1] then return -1 end
if redis.call('HSETNX', KEYS[1], 'resolvedAt', ARGV[2]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'status', 'resolved', 'resolution', ARGV[3])
return 1
`;

/** Appends a note only to a record that exists and whose year matches the call reference. */
const NOTE_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
if redis.call('HGET', KEYS[1], 'year') ~= ARGV[1] then return -1 end
return redis.call('RPUSH', KEYS[2], ARGV[2])
`;

/**
 * A service desk kept in Redis, for sites without an Ivanti integration: call references ITB-<year>-<seq> from one
 * INCR sequence (`<prefix>:callref:seq`), one hash per request, one list of notes per request.
 */
export class LocalServiceDesk implements ServiceDesk {
  private readonly prefix: string;
  private readonly now: () => Date;

  constructor(
    private readonly redis: Redis,
    opts: LocalServiceDeskOptions = {},
  ) {
    this.prefix = opts.prefix ?? '{itb}';
    this.now = opts.now ?? (() => new Date());
  }

  private get seqKey(): string {
    return `${this.prefix}:callref:seq`;
  }
  private get byRequestKey(): string {
    return `${this.prefix}:servicedesk:byRequestId`;
  }
  private recordKey(seq: number | string): string {
    return `${this.prefix}:servicedesk:request:${seq}`;
  }
  private notesKey(seq: number | string): string {
    return `${this.recordKey(seq)}:notes`;
  }

  async logRequest(request: ServiceRequestToLog): Promise<LoggedServiceRequest> {
    const ctx: ServiceDeskErrorContext = { requestId: safeId(request.requestId), peer: 'local' };
    const problems = [...requestIdProblems(request.requestId), ...freeTextProblems('summary', request.summary, SUMMARY_MAX)];
    if (problems.length) throw new ServiceDeskInvalidInputError(problems, ctx);
    const now = this.now();
    const reply = await this.run(ctx, () =>
      this.script('itbLocalDeskLog', LOG_SCRIPT, 3)(
        this.seqKey,
        this.byRequestKey,
        this.recordKey(''),
        request.requestId,
        String(londonYear(now)),
        request.kind,
        request.priority,
        request.summary.trim(),
        now.toISOString(),
      ),
    );
    const [seq, year, loggedAt, created] = reply as [string, string, string, string];
    return { callRef: formatLocalCallRef(Number(year), Number(seq)), loggedAt, alreadyLogged: created === '0' };
  }

  async addNote(callRef: string, note: string): Promise<void> {
    const { ref, ctx } = this.locate(callRef);
    const problems = freeTextProblems('note', note, NOTE_MAX);
    if (problems.length) throw new ServiceDeskInvalidInputError(problems, ctx);
    const entry = JSON.stringify({ at: this.now().toISOString(), text: note.trim() });
    const n = await this.run(ctx, () => this.script('itbLocalDeskNote', NOTE_SCRIPT, 2)(this.recordKey(ref.seq), this.notesKey(ref.seq), String(ref.year), entry));
    if (n === -1) throw new ServiceDeskUnknownCallRefError(ctx);
  }

  async resolve(callRef: string, resolution: string): Promise<void> {
    const { ref, ctx } = this.locate(callRef);
    const problems = freeTextProblems('resolution', resolution, NOTE_MAX);
    if (problems.length) throw new ServiceDeskInvalidInputError(problems, ctx);
    const n = await this.run(ctx, () =>
      this.script('itbLocalDeskResolve', RESOLVE_SCRIPT, 1)(this.recordKey(ref.seq), String(ref.year), this.now().toISOString(), resolution.trim()),
    );
    if (n === -1) throw new ServiceDeskUnknownCallRefError(ctx);
  }

  /** The record behind a call reference, or undefined. For status views, audits and tests. */
  async read(callRef: string): Promise<LocalServiceRequestRecord | undefined> {
    const ref = parseLocalCallRef(callRef);
    if (!ref) return undefined;
    const ctx: ServiceDeskErrorContext = { callRef: formatLocalCallRef(ref.year, ref.seq), peer: 'local' };
    const [fields, notes] = await this.run(ctx, () =>
      Promise.all([this.redis.hgetall(this.recordKey(ref.seq)), this.redis.lrange(this.notesKey(ref.seq), 0, -1)]),
    );
    if (!fields.requestId || fields.year !== String(ref.year)) return undefined;
    const record: LocalServiceRequestRecord = {
      callRef: ctx.callRef!,
      requestId: fields.requestId,
      kind: fields.kind as ServiceRequestKind,
      priority: fields.priority as ServiceRequestPriority,
      summary: fields.summary ?? '',
      status: fields.status === 'resolved' ? 'resolved' : 'logged',
      loggedAt: fields.loggedAt ?? '',
      notes: notes.map((n) => JSON.parse(n) as { at: string; text: string }),
    };
    if (fields.resolvedAt) record.resolvedAt = fields.resolvedAt;
    if (fields.resolution !== undefined) record.resolution = fields.resolution;
    return record;
  }

  private locate(callRef: string): { ref: { year: number; seq: number }; ctx: ServiceDeskErrorContext } {
    const ref = parseLocalCallRef(callRef);
    // An unparseable reference is quoted only if it is short and plain: it is caller text.
    if (!ref) throw new ServiceDeskUnknownCallRefError({ callRef: safeId(callRef), peer: 'local' });
    return { ref, ctx: { callRef: formatLocalCallRef(ref.year, ref.seq), peer: 'local' } };
  }

  /**
   * The script as a command of this connection (ioredis defineCommand: EVALSHA, and EVAL only when Redis' script cache
   * lost it), defined once per connection: EVAL sent the whole script text and had Redis hash it on every call.
   */
  private script(name: string, lua: string, numberOfKeys: number): (...args: string[]) => Promise<unknown> {
    const commands = this.redis as unknown as Record<string, ((...args: string[]) => Promise<unknown>) | undefined>;
    if (typeof commands[name] !== 'function') this.redis.defineCommand(name, { numberOfKeys, lua });
    return (...args) => commands[name]!.call(this.redis, ...args);
  }

  /** Runs a Redis call; anything Redis throws becomes a retryable ServiceDeskStoreError. */
  private async run<T>(ctx: ServiceDeskErrorContext, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof ServiceDeskError) throw err;
      throw new ServiceDeskStoreError(ctx, { cause: err });
    }
  }
}

// Built once: constructing an Intl.DateTimeFormat loads ICU zone data and cost ~0.3 ms per call on the submit path.
const LONDON_YEAR = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', year: 'numeric' });

/** The calendar year in the UK: the year a call reference carries is the trust's, not UTC's. */
function londonYear(d: Date): number {
  return Number(LONDON_YEAR.format(d));
}

/** Caller text fit to quote in a message: a plain id of at most 40 characters, else nothing. */
function safeId(text: string): string | undefined {
  return /^[A-Za-z0-9._:-]{1,40}$/.test(text) && !/[Ss]\d{7}|\d{10}/.test(text) ? text : undefined;
}
