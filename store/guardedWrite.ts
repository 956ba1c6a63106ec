import type { Redis } from 'ioredis';
import { CorruptRecordError } from './errors';

/**
 * The one write path of the request store: check, then apply a batch of commands, in one Lua script (atomic on the
 * Redis server). Why Lua and not WATCH/MULTI: WATCH belongs to a connection, and the bot and workers share one ioredis
 * connection between concurrent handlers, so a WATCH by one handler would be cleared or tripped by another's commands.
 * A script needs no connection state and costs one round trip.
 *
 * In order:
 *  1. an idempotency key that already holds an outcome returns that outcome and writes nothing (Teams retries an
 *     invoke it did not see answered within 5 s; BullMQ delivers at least once);
 *  2. create: the record must not exist; update: its `version` (and `status`, when given) must be the caller's;
 *  3. the commands run, the version is set to 1 or incremented, and the idempotency key records the outcome.
 * The commands are built by the store from what it read under the same version, so the check in 2 is what makes the
 * read-decide-write sequence safe. Keys are not all declared in KEYS: every key shares the prefix's hash tag, so they
 * are in the script's slot on Redis Cluster too. Redis does not roll a script back if a command fails half-way, so the
 * commands are only ones that cannot fail on keys of the types the store writes (a hand-edited key could break that).
 *
 * KEYS[1] record hash, KEYS[2] idempotency key (KEYS[1] again when there is none).
 * ARGV: mode ("create" | "update"), expected version, expected status ("" = any), idempotency outcome ("" = none),
 * idempotency TTL in seconds, JSON array of commands (each an array of strings).
 * Reply: {"ok", version} | {"duplicate", outcome} | {"conflict", version, status} | {"missing"} | {"exists"}.
 */
export const GUARDED_WRITE_LUA = `
if ARGV[4] ~= '' then
  local prior = redis.call('GET', KEYS[2])
  if prior then return {'duplicate', prior} end
end
if ARGV[1] == 'create' then
  if redis.call('EXISTS', KEYS[1]) == 1 then return {'exists'} end
else
  local current = redis.call('HMGET', KEYS[1], 'version', 'status')
  if not current[1] then return {'missing'} end
  if current[1] ~= ARGV[2] or (ARGV[3] ~= '' and current[2] ~= ARGV[3]) then
    return {'conflict', current[1], current[2] or ''}
  end
end
for _, command in ipairs(cjson.decode(ARGV[6])) do
  redis.call(unpack(command))
end
local version
if ARGV[1] == 'create' then
  version = 1
  redis.call('HSET', KEYS[1], 'version', '1')
else
  version = redis.call('HINCRBY', KEYS[1], 'version', 1)
end
if ARGV[4] ~= '' then
  redis.call('SET', KEYS[2], ARGV[4], 'EX', ARGV[5])
end
return {'ok', tostring(version)}
`;

/** One Redis command as the script runs it: name then arguments, all strings. */
export type RedisCommand = readonly [string, ...string[]];

/** What the guarded write is asked to do. */
export interface GuardedWrite {
  recordKey: string;
  mode: 'create' | 'update';
  /** update: the version the caller read. */
  expectedVersion?: number;
  /** update: the status the caller read (transitions), so a status change by someone else is a conflict. */
  expectedStatus?: string;
  idempotency?: { key: string; outcome: string; ttlSeconds: number };
  commands: readonly RedisCommand[];
}

/** How it went. */
export type GuardedWriteResult =
  | { result: 'ok'; version: number }
  | { result: 'duplicate'; outcome: string }
  | { result: 'conflict'; version: number; status: string }
  | { result: 'missing' }
  | { result: 'exists' };

const COMMAND_NAME = 'itbStoreGuardedWrite';

type GuardedWriteCommand = (recordKey: string, idempotencyKey: string, ...argv: string[]) => Promise<unknown>;

/**
 * Runs the guarded write. Uses ioredis defineCommand (EVALSHA, falling back to EVAL once per connection when the
 * script cache was flushed), defined once per connection.
 */
export async function runGuardedWrite(redis: Redis, write: GuardedWrite): Promise<GuardedWriteResult> {
  const commands = redis as unknown as Record<string, GuardedWriteCommand | undefined>;
  if (typeof commands[COMMAND_NAME] !== 'function') redis.defineCommand(COMMAND_NAME, { numberOfKeys: 2, lua: GUARDED_WRITE_LUA });
  const reply = await commands[COMMAND_NAME]!(
    write.recordKey,
    write.idempotency ? write.idempotency.key : write.recordKey,
    write.mode,
    write.expectedVersion === undefined ? '' : String(write.expectedVersion),
    write.expectedStatus ?? '',
    write.idempotency?.outcome ?? '',
    String(write.idempotency?.ttlSeconds ?? 0),
    JSON.stringify(write.commands),
  );
  return parseReply(write.recordKey, reply);
}

function parseReply(recordKey: string, reply: unknown): GuardedWriteResult {
  if (!Array.isArray(reply) || typeof reply[0] !== 'string') throw new CorruptRecordError(recordKey, 'unexpected script reply');
  const [kind, a, b] = reply as [string, string?, string?];
  switch (kind) {
    case 'ok':
      return { result: 'ok', version: Number(a) };
    case 'duplicate':
      return { result: 'duplicate', outcome: a ?? '' };
    case 'conflict':
      return { result: 'conflict', version: Number(a), status: b ?? '' };
    case 'missing':
      return { result: 'missing' };
    case 'exists':
      return { result: 'exists' };
    default:
      throw new CorruptRecordError(recordKey, `unexpected script reply "${kind.slice(0, 20)}"`);
  }
}
