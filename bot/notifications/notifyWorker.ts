import { DelayedError, UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { NOTIFY_QUEUE, type NotifyJobData } from '../../workers/notifyQueue';
import { execNotifyJob, type NotifyProcessorDeps } from './notifyProcessor';
import { teamsBackoff } from './teamsBackoff';
import { ConversationRateLimitedError, TeamsSendError } from './teamsErrors';

/** Teams' per-app, per-tenant rate (about 30 requests a second), held across every bot process by BullMQ's limiter. */
export const TEAMS_APP_RATE = { max: 30, duration: 1000 } as const;

export interface NotifyWorkerOptions {
  concurrency?: number;
  limiter?: { max: number; duration: number };
  backoff?: Parameters<typeof teamsBackoff>[0];
}

/**
 * The notify worker, run in the bot process (it needs botbuilder and cards/). Around the processor:
 *  - a full per-conversation window moves the job to "delayed" until a slot frees (not an attempt, and no worker
 *    waits): DelayedError after job.moveToDelayed;
 *  - a Teams answer that retrying cannot fix (400, 401, 404...) fails the job for good (UnrecoverableError);
 *  - everything else is rethrown and retried with the jittered backoff (or Retry-After).
 * The worker's limiter keeps all bot processes together under Teams' per-app rate.
 */
export function initNotifyWorker(connection: Redis, prefix: string, deps: NotifyProcessorDeps, opts: NotifyWorkerOptions = {}): Worker<NotifyJobData> {
  const worker = new Worker<NotifyJobData>(
    NOTIFY_QUEUE,
    async (job, token) => {
      try {
        return await execNotifyJob(job, deps);
      } catch (err) {
        if (err instanceof ConversationRateLimitedError) {
          // A little jitter, so jobs for one busy conversation do not all wake in the same millisecond.
          await job.moveToDelayed(Date.now() + err.waitMs + Math.floor(Math.random() * 250), token);
          throw new DelayedError();
        }
        if (err instanceof TeamsSendError && !err.retryable) throw new UnrecoverableError(err.message);
        throw err;
      }
    },
    {
      connection,
      prefix,
      concurrency: opts.concurrency ?? 4,
      limiter: opts.limiter ?? TEAMS_APP_RATE,
      settings: { backoffStrategy: teamsBackoff(opts.backoff) },
    },
  );
  worker.on('failed', (job, err) => {
    deps.logger.warn({ queue: NOTIFY_QUEUE, jobId: job?.id, type: job?.data.type, attempt: job?.attemptsMade, errType: err.name, status: (err as { status?: number }).status }, 'notify job failed');
  });
  worker.on('error', (err) => deps.logger.error({ queue: NOTIFY_QUEUE, errType: err.name }, 'notify worker error'));
  return worker;
}
