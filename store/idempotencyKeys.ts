import type { Redis } from 'ioredis';
import { CorruptRecordError } from './errors';
import type { StoreKeys } from './keys';
import { redisCall } from './redisCall';

/** Teams retries an invoke twice within seconds; a day covers those and a BullMQ retry schedule with room to spare. */
export const DEFAULT_IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;

/** What claim() found. */
export type IdempotencyClaim =
  /** This delivery is the first: do the work, then settle() (or release() if it failed). */
  | { claimed: true }
  /** Another delivery claimed it and is still working (outcome undefined), or finished with `outcome`. */
  | { claimed: false; outcome?: string };

type Stored = { state: 'pending' } | { state: 'done'; outcome: string };

/**
 * Idempotency keys for work that is not a single store write (for a request create or a status transition, pass
 * `idempotencyKey` to the RequestStore instead: the key is then recorded in the same atomic step). A card submission
 * or approval delivered three times does its work once and the repeats get the first outcome.
 *
 * Keys are the caller's (e.g. `approve:<activity id>`); outcomes are ids and statuses only, never patient data.
 */
export class IdempotencyKeys {
  constructor(
    private readonly redis: Redis,
    private readonly keys: StoreKeys,
  ) {}

  /** Claims `key` for `ttlSeconds` with SET NX: exactly one concurrent caller gets `claimed: true`. */
  async claim(key: string, ttlSeconds: number = DEFAULT_IDEMPOTENCY_TTL_SECONDS): Promise<IdempotencyClaim> {
    const redisKey = this.keys.claimIdempotency(key);
    const pending: Stored = { state: 'pending' };
    const set = await redisCall('claim an idempotency key', () => this.redis.set(redisKey, JSON.stringify(pending), 'EX', ttlSeconds, 'NX'));
    if (set === 'OK') return { claimed: true };
    const prior = await this.read(key);
    // Expired between the SET and the GET: treat as still claimed by the other caller; a later retry may claim it.
    if (!prior || prior.state === 'pending') return { claimed: false };
    return { claimed: false, outcome: prior.outcome };
  }

  /** Records the outcome of claimed work, keeping the key's remaining TTL; repeats now get this outcome. */
  async settle(key: string, outcome: string): Promise<void> {
    const done: Stored = { state: 'done', outcome };
    await redisCall('settle an idempotency key', () => this.redis.set(this.keys.claimIdempotency(key), JSON.stringify(done), 'KEEPTTL', 'XX'));
  }

  /** Gives a claim back after the work failed, so the next delivery may try again. Leaves settled keys alone. */
  async release(key: string): Promise<void> {
    const redisKey = this.keys.claimIdempotency(key);
    const pending = JSON.stringify({ state: 'pending' } satisfies Stored);
    // Compare-and-delete: a settled outcome must survive a late release from a delivery that timed out.
    await redisCall('release an idempotency key', () =>
      this.redis.eval("if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0", 1, redisKey, pending),
    );
  }

  private async read(key: string): Promise<Stored | undefined> {
    const redisKey = this.keys.claimIdempotency(key);
    const raw = await redisCall('read an idempotency key', () => this.redis.get(redisKey));
    if (raw === null) return undefined;
    try {
      const parsed = JSON.parse(raw) as Stored;
      if (parsed.state === 'pending' || (parsed.state === 'done' && typeof parsed.outcome === 'string')) return parsed;
    } catch {
      // fall through
    }
    throw new CorruptRecordError(redisKey, 'not an idempotency claim');
  }
}
