import { Queue, RateLimitError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { BULLMQ_PRIORITY, IEP_THREADS } from '../domain';
import { execStep } from './execStep';
import type { FlowDeps, FlowJobData } from './flowDeps';
import { flowJobOptions } from './flowQueue';
import { admitToSharedThread } from './outboundAdmission';
import { QueueName } from './queueNames';
import { runAsProcessor } from './stepRunner';
import type { StepOutcome } from './stepOutcome';

/**
 * The outbound IEP queue (guideline 2.3d): export and trauma transfers, one job per transfer holding its thread while
 * IEP uploads. BullMQ global concurrency 5 holds across every worker process; priorities put clinical emergencies and
 * Blue Light first; and a job in any other lane must be admitted to one of the 4 shared threads (outboundAdmission.ts),
 * so the fifth is only ever used by Blue Light or trauma.
 *
 * A job that is not admitted goes back to the head of its priority (RateLimitError) and the queue is not fetched for
 * a moment (queue.rateLimit), so the workers do not spin through the backlog; an emergency added meanwhile is fetched
 * as soon as that moment passes (admissionBackoffMs, 250 ms by default).
 */
export function createOutboundQueue(connection: Redis, prefix: string, attempts = 8, backoffMs = 5_000): Queue<FlowJobData> {
  return new Queue<FlowJobData>(QueueName.iepOutbound, { connection, prefix, defaultJobOptions: flowJobOptions(attempts, backoffMs) });
}

/** Emergency lanes (trauma, Blue Light) may use the reserved thread. */
export function mayUseReservedThread(priority: number | undefined): boolean {
  return priority !== undefined && priority > 0 && priority <= BULLMQ_PRIORITY.blueLight;
}

/** The processor (tests call it with `{ name, data }`). Admission happens in the worker, where the job is active. */
export function execOutboundJob(job: Pick<Job<FlowJobData>, 'name' | 'data'>, deps: FlowDeps): Promise<StepOutcome> {
  return execStep(job, deps);
}

/** The admission check every outbound processor runs first; exported for the capacity tests' probe processors. */
export async function admitOrBackOff(job: Job, queue: Queue, redis: Redis, backoffMs: number): Promise<void> {
  if (mayUseReservedThread(job.opts.priority) || !job.id) return;
  if (await admitToSharedThread(redis, queue, job.id)) return;
  await queue.rateLimit(backoffMs);
  throw new RateLimitError();
}

/**
 * Starts an outbound worker once the queue's global concurrency is set (idempotent; every process sets the same value),
 * so no job starts before the limit holds; `ready` resolves when it runs. The worker's limiter is far above any real
 * rate: it is what makes queue.rateLimit() pause fetching (BullMQ honours a manual rate limit only on workers that
 * have a limiter).
 */
export function initOutboundWorker(connection: Redis, deps: FlowDeps): Worker<FlowJobData> & { ready: Promise<void> } {
  const queue = deps.queues.outbound;
  const worker = new Worker<FlowJobData>(
    QueueName.iepOutbound,
    async (job, token) => {
      await admitOrBackOff(job, queue, deps.redis, deps.options.admissionBackoffMs);
      return runAsProcessor(QueueName.iepOutbound, job, token, deps, () => execOutboundJob(job, deps));
    },
    { connection, prefix: deps.prefix, concurrency: IEP_THREADS.outbound, limiter: { max: 1_000_000, duration: 1_000 }, autorun: false },
  );
  return Object.assign(worker, { ready: startWith(worker, () => queue.setGlobalConcurrency(IEP_THREADS.outbound)) });
}

/** Runs `before`, then the worker (whose run() resolves only when it stops, so it is not awaited). */
export async function startWith(worker: Worker, before: () => Promise<unknown>): Promise<void> {
  await before();
  void worker.run().catch(() => undefined);
}
