import { Queue, Worker, type Job, type QueueOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { execStep } from './execStep';
import type { FlowDeps, FlowJobData } from './flowDeps';
import { QueueName } from './queueNames';
import { runAsProcessor } from './stepRunner';
import type { StepOutcome } from './stepOutcome';

export type { FlowJobData } from './flowDeps';
export { addStep as addFlowJob } from './flowSteps';

/**
 * Retry policy of every flow step, set where the queues are made: `attempts` with exponential backoff (5 s, 10 s,
 * 20 s ... about 10 minutes in all by default), completed jobs kept a week (their ids keep de-duplicating repeated
 * starts), failed ones a month for the analysts and operations.
 */
export function flowJobOptions(attempts: number, backoffMs: number): QueueOptions['defaultJobOptions'] {
  return {
    attempts,
    backoff: { type: 'exponential', delay: backoffMs },
    removeOnComplete: { age: 7 * 24 * 3600 },
    removeOnFail: { age: 30 * 24 * 3600 },
  };
}

/** The flow queue: steps that hold no IEP thread (create request, follow, find studies, CD import, RIS). */
export function createFlowQueue(connection: Redis, prefix: string, attempts = 8, backoffMs = 5_000): Queue<FlowJobData> {
  return new Queue<FlowJobData>(QueueName.flow, { connection, prefix, defaultJobOptions: flowJobOptions(attempts, backoffMs) });
}

/** The processor (tests call it with `{ name, data }`): one step of a flow. */
export function execFlowJob(job: Pick<Job<FlowJobData>, 'name' | 'data'>, deps: FlowDeps): Promise<StepOutcome> {
  return execStep(job, deps);
}

/**
 * Starts the flow worker. Its concurrency is per process: these steps are short or wait on delayed jobs, and the
 * capacity that matters (IEP threads) is held by the outbound and inbound queues.
 */
export function initFlowWorker(
  connection: Redis,
  deps: FlowDeps,
  concurrency = 8,
  exec: (job: Job<FlowJobData>, deps: FlowDeps) => Promise<StepOutcome> = execFlowJob,
): Worker<FlowJobData> {
  return new Worker<FlowJobData>(QueueName.flow, (job, token) => runAsProcessor(QueueName.flow, job, token, deps, () => exec(job, deps)), {
    ...workerTuning(deps),
    connection,
    prefix: deps.prefix,
    concurrency,
  });
}

/**
 * Lock and stall settings of every worker of ours: how soon a job whose worker died is picked up by another
 * (lockDuration + stalledInterval; 30 s each by default, shortened in tests that kill workers).
 */
export function workerTuning(deps: Pick<FlowDeps, 'options'>): { lockDuration: number; stalledInterval: number; maxStalledCount: number } {
  return { lockDuration: deps.options.lockDurationMs, stalledInterval: deps.options.stalledIntervalMs, maxStalledCount: MAX_STALLED_COUNT };
}

/**
 * How often a job may be found stalled (its worker died holding it) before BullMQ fails it. BullMQ's default is 1: a
 * transfer whose worker was killed twice while it ran was moved to "failed" without our step runner ever seeing an
 * error, so nobody was told and the request sat at iepStarted / onIep for good (found by tests/chaos/workerKill). Our
 * steps are idempotent (re-read the request, same IEP reference, same MSH-10, STOW of the same SOP UIDs), so running a
 * stalled job again is safe; 20 crashes of the same job is a crash loop, not bad luck.
 */
export const MAX_STALLED_COUNT = 20;
