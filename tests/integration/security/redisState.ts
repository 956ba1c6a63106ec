import { createHash } from 'node:crypto';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

/**
 * What "0 state changes" is measured with: every key under the bot's prefix, fingerprinted by the SHA-256 of its DUMP
 * (type, value and encoding), so an added, removed or rewritten key all count. Plus the BullMQ job counts of the
 * queues the bot enqueues to.
 */
export type RedisSnapshot = Map<string, string>;

export async function snapshotPrefix(redis: Redis, prefix: string): Promise<RedisSnapshot> {
  const snap: RedisSnapshot = new Map();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    cursor = next;
    for (const key of keys) {
      // BullMQ's own housekeeping (a worker's periodic stalled-jobs check marker) is not a state change of ours.
      if (key.endsWith(':stalled-check')) continue;
      const dump = await redis.dumpBuffer(key);
      // A key that expired between SCAN and DUMP is simply absent.
      if (dump) snap.set(key, createHash('sha256').update(dump).digest('hex'));
    }
  } while (cursor !== '0');
  return snap;
}

/** Keys added, removed or changed between two snapshots. */
export function changedKeys(before: RedisSnapshot, after: RedisSnapshot): string[] {
  const changed = new Set<string>();
  for (const [k, v] of after) if (before.get(k) !== v) changed.add(k);
  for (const k of before.keys()) if (!after.has(k)) changed.add(k);
  return [...changed].sort();
}

/** Every job the queues hold, in any state. */
export async function jobCount(queues: Queue[]): Promise<number> {
  let total = 0;
  for (const q of queues) {
    const counts = await q.getJobCounts();
    total += Object.values(counts).reduce((a, b) => a + b, 0);
  }
  return total;
}
