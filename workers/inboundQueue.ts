import { Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { IEP_THREADS } from '../domain';
import { execStep } from './execStep';
import type { FlowDeps, FlowJobData } from './flowDeps';
import { flowJobOptions, workerTuning } from './flowQueue';
import { startWith } from './outboundQueue';
import { QueueName } from './queueNames';
import { runAsProcessor } from './stepRunner';
import type { StepOutcome } from './stepOutcome';

/**
 * The inbound IEP queue (guideline 2.3d: four inbound threads): import downloads, one job per download holding its
 * thread from "select download" until the images are in UHL PACS. BullMQ global concurrency 4 holds across every
 * worker process; priorities put Blue Light first. The guideline reserves no inbound thread, so a Blue Light download
 * waits for the next free one (ahead of every standard download queued).
 */
export function createInboundQueue(connection: Redis, prefix: string, attempts = 8, backoffMs = 5_000): Queue<FlowJobData> {
  return new Queue<FlowJobData>(QueueName.iepInbound, { connection, prefix, defaultJobOptions: flowJobOptions(attempts, backoffMs) });
}

/** The processor (tests call it with `{ name, data }`). */
export function execInboundJob(job: Pick<Job<FlowJobData>, 'name' | 'data'>, deps: FlowDeps): Promise<StepOutcome> {
  return execStep(job, deps);
}

/** Starts an inbound worker once the queue's global concurrency is set (idempotent); `ready` resolves when it runs. */
export function initInboundWorker(
  connection: Redis,
  deps: FlowDeps,
  exec: (job: Job<FlowJobData>, deps: FlowDeps) => Promise<StepOutcome> = execInboundJob,
): Worker<FlowJobData> & { ready: Promise<void> } {
  const worker = new Worker<FlowJobData>(
    QueueName.iepInbound,
    (job, token) => runAsProcessor(QueueName.iepInbound, job, token, deps, () => exec(job, deps)),
    { ...workerTuning(deps), connection, prefix: deps.prefix, concurrency: IEP_THREADS.inbound, autorun: false },
  );
  return Object.assign(worker, { ready: startWith(worker, () => deps.queues.inbound.setGlobalConcurrency(IEP_THREADS.inbound)) });
}
