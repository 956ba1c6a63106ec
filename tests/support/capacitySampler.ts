import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

/** One look at the IEP threads in use (guideline 2.3d), taken atomically. */
export interface ThreadSample {
  /** Active shared outbound jobs holding a thread (limit 4). */
  sharedHeld: number;
  /** Active emergency (Blue Light, trauma) outbound jobs holding a thread. */
  emergencyHeld: number;
  /** Both (limit 5). */
  outboundHeld: number;
  /** Active inbound downloads (limit 4). */
  inboundActive: number;
}

// One script, so a job leaving one list and another entering the next cannot be counted twice: the three active
// lists and the jobs' thread marks (workers/outboundAdmission.ts) read in one step. Every key shares the prefix's hash
// tag, so this runs on a Redis Cluster too.
const SAMPLE_LUA = `
local out = {}
for i = 1, #KEYS do
  local n, held = 0, 0
  for _, id in ipairs(redis.call('LRANGE', KEYS[i], 0, -1)) do
    n = n + 1
    if redis.call('HGET', ARGV[i] .. id, 'itbThread') == '1' then held = held + 1 end
  end
  out[#out + 1] = n
  out[#out + 1] = held
end
return out`;

/** Reads the threads in use now. */
export async function sampleThreads(redis: Redis, queues: { outbound: Queue; outboundEmergency: Queue; inbound: Queue }): Promise<ThreadSample> {
  const qs = [queues.outbound, queues.outboundEmergency, queues.inbound];
  const r = (await redis.eval(SAMPLE_LUA, 3, ...qs.map((q) => q.keys.active!), ...qs.map((q) => q.toKey('')))) as number[];
  const [, sharedHeld = 0, , emergencyHeld = 0, inboundActive = 0] = r;
  return { sharedHeld, emergencyHeld, outboundHeld: sharedHeld + emergencyHeld, inboundActive };
}

/** Samples every `everyMs` until stopped; keeps the highest of each figure and how many samples were taken. */
export class CapacitySampler {
  readonly max: ThreadSample = { sharedHeld: 0, emergencyHeld: 0, outboundHeld: 0, inboundActive: 0 };
  samples = 0;
  /** Samples in which all 4 shared threads and the reserved fifth (by an emergency) were held at once. */
  reservedInUse = 0;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private errors: Error[] = [];

  constructor(
    private readonly redis: Redis,
    private readonly queues: { outbound: Queue; outboundEmergency: Queue; inbound: Queue },
    private readonly everyMs = 50,
  ) {}

  start(): void {
    const tick = async () => {
      try {
        const s = await sampleThreads(this.redis, this.queues);
        this.samples++;
        for (const k of Object.keys(this.max) as Array<keyof ThreadSample>) this.max[k] = Math.max(this.max[k], s[k]);
        if (s.sharedHeld === 4 && s.emergencyHeld >= 1) this.reservedInUse++;
      } catch (err) {
        this.errors.push(err as Error);
      }
      if (this.timer) this.timer = setTimeout(() => (this.running = tick()), this.everyMs);
    };
    this.timer = setTimeout(() => (this.running = tick()), 0);
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
    if (this.errors.length) throw new Error(`sampling failed ${this.errors.length} times: ${this.errors[0]!.message}`);
  }
}
