import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { IEP_THREADS } from '../domain';

/**
 * guideline 2.3d: "five outbound threads, one is assigned to blue light clinical emergency only". The outbound queue's
 * BullMQ global concurrency is 5 (every worker process together); a job that is not Blue Light or trauma must also
 * be admitted to one of the 4 shared threads before it may start.
 *
 * Admission is counted from the queue's own active list, not from a separate counter: a job holds a thread while it is
 * active and marked admitted (a field on its BullMQ job hash). A job that finishes, fails, or whose worker dies (BullMQ
 * moves the stalled job back to wait) leaves the active list, and so gives its thread back with nothing to release and
 * no lease to expire. One Lua script reads and marks atomically, so two processes admitting at once cannot both take
 * the last thread.
 */
const ADMIT_LUA = `
local active = redis.call('LRANGE', KEYS[1], 0, -1)
local held = 0
for _, id in ipairs(active) do
  if id ~= ARGV[1] and redis.call('HGET', ARGV[2] .. id, 'itbThread') == 'shared' then held = held + 1 end
end
if held >= tonumber(ARGV[3]) then return 0 end
redis.call('HSET', ARGV[2] .. ARGV[1], 'itbThread', 'shared')
return 1`;

/** Threads non-emergency transfers may hold at once: 5 - 1 = 4. */
export const SHARED_OUTBOUND_THREADS = IEP_THREADS.outbound - IEP_THREADS.outboundReservedForEmergency;

/** Admits `jobId` (active in `queue`) to a shared outbound thread; false when all of them are held. Re-entrant. */
export async function admitToSharedThread(redis: Redis, queue: Queue, jobId: string, threads: number = SHARED_OUTBOUND_THREADS): Promise<boolean> {
  const admitted = await redis.eval(ADMIT_LUA, 1, queue.keys.active!, jobId, queue.toKey(''), String(threads));
  return Number(admitted) === 1;
}

/** How many active jobs hold a shared thread now (operations, tests). */
export async function sharedThreadsHeld(redis: Redis, queue: Queue): Promise<number> {
  const active = await redis.lrange(queue.keys.active!, 0, -1);
  let held = 0;
  for (const id of active) if ((await redis.hget(queue.toKey(id), 'itbThread')) === 'shared') held++;
  return held;
}
