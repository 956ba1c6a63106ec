import { Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { BULLMQ_PRIORITY } from '../domain';
import type { FlowDeps } from './flowDeps';
import { workerTuning } from './flowQueue';
import { QueueName } from './queueNames';
import { runAsProcessor } from './stepRunner';
import { done, type StepOutcome } from './stepOutcome';
import { armTimersFromStore } from './timers/armTimers';
import { execTimerJob } from './timers/execTimer';
import type { TimerJobData } from './timers/timerJobs';
import { pollIncoming } from './unsolicited';

export type { TimerJobData, TimerKind } from './timers/timerJobs';

/** Scheduled housekeeping jobs of the timers queue (no data: they find their own work). */
export const TIMER_SCHEDULES = {
  /** Arms timers for states that began outside the workers (needsInformation, Blue Light awaiting approval). */
  arm: { id: 'timers-arm', name: 'timers.arm', everyMs: 5 * 60_000 },
  /** Looks for images on IEP with no request (2.4). */
  incoming: { id: 'incoming-poll', name: 'incoming.poll', everyMs: 60_000 },
} as const;

type TimerQueueData = TimerJobData | Record<string, never>;

/**
 * The timers queue. Retry policy set here: 5 attempts from 10 s. Fired timers are kept 60 days, so a sweep re-arming
 * the same timer (same id) in that time adds nothing and nobody is told twice.
 */
export function createTimerQueue(connection: Redis, prefix: string): Queue<TimerQueueData> {
  return new Queue<TimerQueueData>(QueueName.timers, {
    connection,
    prefix,
    defaultJobOptions: { attempts: 5, backoff: { type: 'exponential', delay: 10_000 }, removeOnComplete: { age: 60 * 24 * 3600 }, removeOnFail: { age: 60 * 24 * 3600 } },
  });
}

/** Upserts both schedules (idempotent: the same scheduler ids are updated, never duplicated). */
export async function scheduleTimerHousekeeping(queue: Queue<TimerQueueData>, every: { armMs?: number; incomingMs?: number } = {}): Promise<void> {
  const opts = { priority: BULLMQ_PRIORITY.standard, removeOnComplete: 100, removeOnFail: 500 };
  await queue.upsertJobScheduler(TIMER_SCHEDULES.arm.id, { every: every.armMs ?? TIMER_SCHEDULES.arm.everyMs }, { name: TIMER_SCHEDULES.arm.name, data: {}, opts });
  await queue.upsertJobScheduler(TIMER_SCHEDULES.incoming.id, { every: every.incomingMs ?? TIMER_SCHEDULES.incoming.everyMs }, { name: TIMER_SCHEDULES.incoming.name, data: {}, opts });
}

/** The processor (tests call it with `{ name, data }`). */
export async function execTimerQueueJob(job: Pick<Job<TimerQueueData>, 'name' | 'data'>, deps: FlowDeps): Promise<StepOutcome> {
  if (job.name === TIMER_SCHEDULES.arm.name) return done(`looked at ${await armTimersFromStore(deps)} open requests`);
  if (job.name === TIMER_SCHEDULES.incoming.name) {
    const { seen, raised } = await pollIncoming(deps);
    return done(`incoming on IEP: ${seen}, new: ${raised}`);
  }
  return execTimerJob(job as Pick<Job<TimerJobData>, 'data'>, deps);
}

export function initTimerWorker(connection: Redis, deps: FlowDeps, concurrency = 4): Worker<TimerQueueData> {
  return new Worker<TimerQueueData>(
    QueueName.timers,
    (job, token) => runAsProcessor(QueueName.timers, job as Job<{ requestId?: string }>, token, deps, () => execTimerQueueJob(job, deps)),
    { ...workerTuning(deps), connection, prefix: deps.prefix, concurrency },
  );
}
