import { Queue, RateLimitError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { IEP_THREADS } from '../domain';
import { execStep } from './execStep';
import type { FlowDeps, FlowJobData } from './flowDeps';
import { flowJobOptions, workerTuning } from './flowQueue';
import { admitToOutboundThread, SHARED_OUTBOUND_THREADS } from './outboundAdmission';
import { QueueName } from './queueNames';
import { runAsProcessor } from './stepRunner';
import type { StepOutcome } from './stepOutcome';

/**
 * The outbound IEP queues (guideline 2.3d): export and trauma transfers, one job per transfer holding its IEP thread
 * while IEP uploads. Two queues, so the reserved thread needs no polling:
 * - `iep-outbound` (every lane but Blue Light and trauma): BullMQ global concurrency 4, across every process;
 * - `iep-outbound-emergency` (Blue Light and trauma): global concurrency 5; its workers are idle until an emergency
 *   arrives, so one starts as soon as it is added.
 * Every job is also admitted to one of 5 threads across both (outboundAdmission.ts). A job refused (only possible when
 * emergencies already hold two or more threads) goes back to the head of its priority (RateLimitError) and its queue
 * is not fetched for admissionBackoffMs (250 ms), so workers do not spin.
 */
export function createOutboundQueue(connection: Redis, prefix: string, attempts = 8, backoffMs = 5_000): Queue<FlowJobData> {
  return new Queue<FlowJobData>(QueueName.iepOutbound, { connection, prefix, defaultJobOptions: flowJobOptions(attempts, backoffMs) });
}

/** The emergency outbound queue (Blue Light and trauma), same retry policy. */
export function createOutboundEmergencyQueue(connection: Redis, prefix: string, attempts = 8, backoffMs = 5_000): Queue<FlowJobData> {
  return new Queue<FlowJobData>(QueueName.iepOutboundEmergency, { connection, prefix, defaultJobOptions: flowJobOptions(attempts, backoffMs) });
}

import { emergencyQueueOf } from './outboundLanes';

export { emergencyQueueOf, isEmergencyLane } from './outboundLanes';

/** The processor (tests call it with `{ name, data }`). Admission happens in the worker, where the job is active. */
export function execOutboundJob(job: Pick<Job<FlowJobData>, 'name' | 'data'>, deps: FlowDeps): Promise<StepOutcome> {
  return execStep(job, deps);
}

/** The admission every outbound processor runs first; refused jobs go back to wait and the queue pauses briefly. */
export async function admitOrBackOff(job: Job, own: Queue, deps: Pick<FlowDeps, 'redis' | 'queues' | 'options'>): Promise<void> {
  if (!job.id) return;
  if (await admitToOutboundThread(deps.redis, { shared: deps.queues.outbound, emergency: emergencyQueueOf(deps.queues) }, own, job.id)) return;
  await own.rateLimit(deps.options.admissionBackoffMs);
  throw new RateLimitError();
}

/**
 * Starts a worker of one outbound queue once its global concurrency is set (idempotent; every process sets the same
 * value), so no job starts before the limit holds; `ready` resolves when it runs. The worker's limiter is far above
 * any real rate: it is what makes queue.rateLimit() pause fetching (BullMQ honours a manual rate limit only on
 * workers that have a limiter).
 */
export function initOutboundWorker(
  connection: Redis,
  deps: FlowDeps,
  exec: (job: Job<FlowJobData>, deps: FlowDeps) => Promise<StepOutcome> = execOutboundJob,
  which: 'shared' | 'emergency' = 'shared',
): Worker<FlowJobData> & { ready: Promise<void> } {
  const queue = which === 'shared' ? deps.queues.outbound : emergencyQueueOf(deps.queues);
  const limit = which === 'shared' ? SHARED_OUTBOUND_THREADS : IEP_THREADS.outbound;
  const worker = new Worker<FlowJobData>(
    queue.name,
    async (job, token) => {
      await admitOrBackOff(job, queue, deps);
      return runAsProcessor(queue.name, job, token, deps, () => exec(job, deps));
    },
    {
      ...workerTuning(deps),
      connection,
      prefix: deps.prefix,
      concurrency: limit,
      limiter: { max: 1_000_000, duration: 1_000 },
      // A worker waiting out an admission back-off blocks for at most drainDelay seconds before it looks again
      // (BullMQ's default is 5): 1 s keeps a Blue Light or trauma job's start well inside its 5 s target.
      drainDelay: 1,
      autorun: false,
    },
  );
  return Object.assign(worker, { ready: startWith(worker, () => queue.setGlobalConcurrency(limit)) });
}

/** Runs `before`, then the worker (whose run() resolves only when it stops, so it is not awaited). */
export async function startWith(worker: Worker, before: () => Promise<unknown>): Promise<void> {
  await before();
  void worker.run().catch(() => undefined);
}
