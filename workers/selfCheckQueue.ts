import { Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { QueueName } from './queueNames';

/**
 * The self-check queue: the smallest real queue, wired end to end like every other (ids-only job data, attempts and
 * backoff set where the queue is made, an exported exec function tests can call). Operations use it to prove that a
 * job enqueued by the bot is run by a worker process: the worker records the check id as done.
 */
export interface SelfCheckJobData {
  readonly checkId: string;
}

/** Priority for every job: BullMQ runs jobs WITHOUT a priority before prioritised ones, so we always set one. */
const SELF_CHECK_PRIORITY = 10;

export function selfCheckResultKey(prefix: string, checkId: string): string {
  // Not under the queue's own key space (`prefix:self-check:<jobId>` is the job hash itself).
  return `${prefix}:self-check-result:${checkId}`;
}

export function createSelfCheckQueue(connection: Redis, prefix: string): Queue<SelfCheckJobData> {
  return new Queue<SelfCheckJobData>(QueueName.selfCheck, {
    connection,
    prefix,
    defaultJobOptions: { attempts: 3, backoff: { type: 'exponential', delay: 500 }, removeOnComplete: 1000, removeOnFail: 5000 },
  });
}

/** Enqueues one check; the job id is the check id, so a retried add does not create a second job. */
export async function addSelfCheckJob(queue: Queue<SelfCheckJobData>, checkId: string): Promise<Job<SelfCheckJobData>> {
  return queue.add('self-check', { checkId }, { jobId: checkId, priority: SELF_CHECK_PRIORITY });
}

/** The processor. Idempotent: setting the same key twice is harmless under at-least-once delivery. */
export async function execSelfCheckJob(job: Pick<Job<SelfCheckJobData>, 'data'>, redis: Redis, prefix: string): Promise<string> {
  const at = new Date().toISOString();
  await redis.set(selfCheckResultKey(prefix, job.data.checkId), at, 'EX', 3600);
  return at;
}

export function initSelfCheckWorker(connection: Redis, redis: Redis, prefix: string): Worker<SelfCheckJobData> {
  return new Worker<SelfCheckJobData>(QueueName.selfCheck, (job) => execSelfCheckJob(job, redis, prefix), { connection, prefix, concurrency: 2 });
}
