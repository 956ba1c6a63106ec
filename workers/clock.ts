import type { Redis } from 'ioredis';

/**
 * The time the workflows go by: service hours (guideline 2.9), the Batch window, deadlines and escalations. A port so
 * that tests and the sandbox can move time forward without waiting days.
 */
export interface Clock {
  now(): Date;
}

/** A clock that may have to ask someone (Redis) what time it is; processors call sync() once per job. */
export interface SharedClock extends Clock {
  /** Re-reads the shared setting and returns the time. */
  sync(): Promise<Date>;
}

/** Production: the system clock. */
export const systemClock: SharedClock = {
  now: () => new Date(),
  sync: async () => new Date(),
};

/** The one Redis key every process reads: milliseconds added to the system clock (sandbox and tests only). */
export function clockOffsetKey(prefix: string): string {
  return `${prefix}:clock:offsetMs`;
}

/**
 * The sandbox/test clock: system time plus an offset stored in one Redis key, so the bot and every worker process agree
 * on "now" after a test or the sandbox moves time. now() uses the offset last read (sync() re-reads it; processors sync
 * at the start of every job), so a clock moved between jobs is seen by the next job in every process.
 */
export class RedisOffsetClock implements SharedClock {
  private offsetMs = 0;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  async sync(): Promise<Date> {
    this.offsetMs = await readClockOffset(this.redis, this.prefix);
    return this.now();
  }
}

/** The stored offset (0 when none was set). */
export async function readClockOffset(redis: Redis, prefix: string): Promise<number> {
  const raw = await redis.get(clockOffsetKey(prefix));
  const ms = raw === null ? 0 : Number(raw);
  return Number.isFinite(ms) ? ms : 0;
}

/** Sets the shared clock so that it reads `at` now (sandbox control route, tests). Returns the new offset. */
export async function setSharedClock(redis: Redis, prefix: string, at: Date): Promise<number> {
  const offset = at.getTime() - Date.now();
  await redis.set(clockOffsetKey(prefix), String(offset));
  return offset;
}

/** Moves the shared clock forward (or back, with a negative value) by `ms`. Returns the new offset. */
export async function advanceSharedClock(redis: Redis, prefix: string, ms: number): Promise<number> {
  return Number(await redis.incrbyfloat(clockOffsetKey(prefix), ms));
}

/** Reads the clock: sync() when it is shared, now() otherwise. */
export function readClock(clock: Clock): Promise<Date> {
  return 'sync' in clock && typeof (clock as SharedClock).sync === 'function' ? (clock as SharedClock).sync() : Promise.resolve(clock.now());
}
