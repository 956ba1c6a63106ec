import { Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { sweepExpiredIdentifiers, type RequestStore } from '../store';

/**
 * The retention queue: once a day, purge the patient identifiers of requests that ended more than N days ago
 * (DEFAULT_RETENTION_DAYS = 30; proposed env ITB_RETENTION_DAYS, wired by the lead into config). The audit trail, the
 * call reference and the clear facts stay (guideline 2.3g: the call reference is kept "for audit purposes").
 *
 * The sweep reads the store's sorted set of ended requests by end time, so it never scans; every purge is atomic and
 * idempotent, so at-least-once delivery, a retry after a crash, or two workers running it at once are all harmless.
 */
export const RETENTION_QUEUE = 'retention';

/** Job data: why the sweep runs. No patient data, no request ids: the sweep finds its own work. */
export interface RetentionJobData {
  readonly trigger: 'schedule' | 'manual';
}

/** What a run did (counts and ids only; kept as the job's return value). */
export interface RetentionJobResult {
  purged: number;
  skipped: number;
  failedIds: string[];
  /** ISO instant: requests that ended at or before it were due. */
  cutoff: string;
}

/** The scheduler's id: upserting it again replaces the schedule instead of adding a second one. */
export const RETENTION_SCHEDULER_ID = 'retention-daily';

/** 03:15 London time daily: outside service hours (guideline 2.9) and clear of the 01:00-02:00 clock changes. */
export const RETENTION_CRON = '0 15 3 * * *';

// Housekeeping: after every clinical lane (domain BULLMQ_PRIORITY runs 1-10); BullMQ runs unprioritised jobs first,
// so every job gets one.
const RETENTION_PRIORITY = 20;

/** Creates the queue with its retry policy: a run that failed (Redis down) is retried with backoff. */
export function createRetentionQueue(connection: Redis, prefix: string): Queue<RetentionJobData, RetentionJobResult> {
  return new Queue<RetentionJobData, RetentionJobResult>(RETENTION_QUEUE, {
    connection,
    prefix,
    defaultJobOptions: { attempts: 5, backoff: { type: 'exponential', delay: 30_000 }, removeOnComplete: 100, removeOnFail: 500 },
  });
}

/** Schedules the daily sweep (idempotent: the same scheduler id is updated, not duplicated). */
export async function scheduleRetentionJob(
  queue: Queue<RetentionJobData, RetentionJobResult>,
  opts: { pattern?: string; tz?: string } = {},
): Promise<void> {
  await queue.upsertJobScheduler(
    RETENTION_SCHEDULER_ID,
    { pattern: opts.pattern ?? RETENTION_CRON, tz: opts.tz ?? 'Europe/London' },
    {
      name: 'retention',
      data: { trigger: 'schedule' },
      opts: { priority: RETENTION_PRIORITY, attempts: 5, backoff: { type: 'exponential', delay: 30_000 }, removeOnComplete: 100, removeOnFail: 500 },
    },
  );
}

/** Enqueues one sweep now (operations, tests). `runId` dedupes a repeated add while the job exists. */
export async function addRetentionJob(queue: Queue<RetentionJobData, RetentionJobResult>, runId: string): Promise<Job<RetentionJobData, RetentionJobResult>> {
  return queue.add('retention', { trigger: 'manual' }, { jobId: `retention-${runId}`, priority: RETENTION_PRIORITY });
}

/** What the processor needs. */
export interface RetentionDeps {
  store: RequestStore;
  /** Days identifiers are kept after a request ends (from config; proposed ITB_RETENTION_DAYS, default 30). */
  retentionDays: number;
  /** Clock (tests). */
  now?: () => Date;
  /** Most purges in one run; the next run continues (default 10,000). */
  maxPurges?: number;
}

/** The processor. Retryable store errors (Redis down) are rethrown so BullMQ retries; one bad record does not stop the rest. */
export async function execRetentionJob(_job: Pick<Job<RetentionJobData>, 'data'>, deps: RetentionDeps): Promise<RetentionJobResult> {
  // The job carries no work list: the sweep reads the store's queue of ended requests, so a retry picks up where it stopped.
  const result = await sweepExpiredIdentifiers(deps.store, {
    retentionDays: deps.retentionDays,
    now: (deps.now ?? (() => new Date()))(),
    ...(deps.maxPurges !== undefined ? { maxPurges: deps.maxPurges } : {}),
  });
  return { purged: result.purged, skipped: result.skipped, failedIds: result.failedIds, cutoff: result.cutoff.toISOString() };
}

/** Starts the worker; one sweep at a time per process is plenty. */
export function initRetentionWorker(connection: Redis, prefix: string, deps: RetentionDeps): Worker<RetentionJobData, RetentionJobResult> {
  return new Worker<RetentionJobData, RetentionJobResult>(RETENTION_QUEUE, (job) => execRetentionJob(job, deps), { connection, prefix, concurrency: 1 });
}
