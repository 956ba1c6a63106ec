import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { IEP_THREADS } from '../domain';

/**
 * guideline 2.3d: "five outbound threads, one is assigned to blue light clinical emergency only". Two queues carry
 * outbound transfers: the shared queue (every lane but Blue Light and trauma; BullMQ global concurrency 4) and the
 * emergency queue (Blue Light and trauma; global concurrency 5). Neither limit alone keeps the total at 5 (4 shared
 * and 3 emergencies would be 7), so every outbound job must also be admitted to one of the 5 threads before it starts.
 *
 * Admission is counted from the two queues' own active lists, not from a separate counter: a job holds a thread while
 * it is active and marked as holding one (a field on its BullMQ job hash). A job that finishes, fails, or whose worker
 * dies (BullMQ moves the stalled job back to wait) leaves the active list and so gives its thread back, with nothing to
 * release and no lease to expire. One Lua script reads and marks atomically, so two processes cannot both take the
 * last thread. Only when emergencies already hold two or more threads can a job be refused (rare): the shared
 * queue's 4 leaves the fifth free for them otherwise.
 */
const ADMIT_LUA = `
local held = 0
for i = 1, 2 do
  local active = redis.call('LRANGE', KEYS[i], 0, -1)
  for _, id in ipairs(active) do
    local key = ARGV[i] .. id
    if key ~= ARGV[3] and redis.call('HGET', key, 'itbThread') == '1' then held = held + 1 end
  end
end
if held >= tonumber(ARGV[4]) then return 0 end
redis.call('HSET', ARGV[3], 'itbThread', '1')
return 1`;

/** Non-emergency transfers at once: 5 - 1 = 4 (the shared queue's global concurrency). */
export const SHARED_OUTBOUND_THREADS = IEP_THREADS.outbound - IEP_THREADS.outboundReservedForEmergency;

/** The two outbound queues. */
export interface OutboundQueues {
  shared: Queue;
  emergency: Queue;
}

/** Admits `jobId`, active in `own`, to one of the 5 outbound threads; false when all are held. Re-entrant. */
export async function admitToOutboundThread(redis: Redis, queues: OutboundQueues, own: Queue, jobId: string, threads: number = IEP_THREADS.outbound): Promise<boolean> {
  const admitted = await redis.eval(
    ADMIT_LUA,
    2,
    queues.shared.keys.active!,
    queues.emergency.keys.active!,
    queues.shared.toKey(''),
    queues.emergency.toKey(''),
    own.toKey(jobId),
    String(threads),
  );
  return Number(admitted) === 1;
}

/** How many active outbound jobs hold a thread now (operations, tests). */
export async function outboundThreadsHeld(redis: Redis, queues: OutboundQueues): Promise<number> {
  let held = 0;
  for (const q of [queues.shared, queues.emergency]) {
    for (const id of await redis.lrange(q.keys.active!, 0, -1)) if ((await redis.hget(q.toKey(id), 'itbThread')) === '1') held++;
  }
  return held;
}
