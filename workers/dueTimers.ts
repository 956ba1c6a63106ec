import { Job, type Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Clock } from './clock';
import { readClock } from './clock';

/**
 * Delayed jobs that wait for a time on our Clock (timers, and flow steps waiting for service hours or the Batch window)
 * are listed here by that time, so that when a test or the sandbox moves the shared clock forward, promoteDueTimers()
 * can start the ones now due instead of waiting for the real delay. BullMQ's own delay still fires them in real time,
 * which is what production (system clock) relies on.
 */
export function dueIndexKey(prefix: string): string {
  return `${prefix}:timers:due`;
}

/** Lists a delayed job by the clock time it is waiting for. */
export async function indexDueJob(redis: Redis, prefix: string, queueName: string, jobId: string, dueAt: Date): Promise<void> {
  await redis.zadd(dueIndexKey(prefix), dueAt.getTime(), `${queueName}|${jobId}`);
}

/** Removes a job from the index (it ran, or its request moved on). */
export async function unindexDueJob(redis: Redis, prefix: string, queueName: string, jobId: string): Promise<void> {
  await redis.zrem(dueIndexKey(prefix), `${queueName}|${jobId}`);
}

/**
 * Promotes every indexed delayed job whose clock time has come (after the shared clock was moved forward). Jobs no
 * longer delayed (already run, removed) are dropped from the index. A promoted job re-checks the clock itself and
 * re-delays if it is still early. Returns how many jobs were promoted.
 */
export async function promoteDueTimers(redis: Redis, prefix: string, queues: ReadonlyArray<Queue>, clock: Clock): Promise<number> {
  const now = await readClock(clock);
  const due = await redis.zrangebyscore(dueIndexKey(prefix), '-inf', now.getTime());
  const byName = new Map(queues.map((q) => [q.name, q]));
  let promoted = 0;
  for (const member of due) {
    const [queueName, jobId] = splitMember(member);
    const queue = queueName !== undefined ? byName.get(queueName) : undefined;
    if (!queue || jobId === undefined) continue;
    const job = await Job.fromId(queue, jobId);
    if (job && (await job.getState()) === 'delayed') {
      try {
        await job.promote();
        promoted++;
      } catch {
        // Started by BullMQ between the check and the promote: nothing to do.
      }
    }
    // Only a still-matching entry is removed: a job that re-delayed itself meanwhile keeps its new entry.
    await redis.eval(
      "if tonumber(redis.call('ZSCORE', KEYS[1], ARGV[1]) or '-1') <= tonumber(ARGV[2]) then return redis.call('ZREM', KEYS[1], ARGV[1]) end return 0",
      1,
      dueIndexKey(prefix),
      member,
      String(now.getTime()),
    );
  }
  return promoted;
}

function splitMember(member: string): [string | undefined, string | undefined] {
  const at = member.indexOf('|');
  return at < 0 ? [undefined, undefined] : [member.slice(0, at), member.slice(at + 1)];
}
