import type { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { AppConfig } from '../config';
import type { Logger } from '../config/logger';
import { createRedisConnection } from './connection';
import { initSelfCheckWorker } from './selfCheckQueue';

export interface RunningWorkers {
  workers: Worker[];
  /** Closes workers (letting active jobs finish) and then their connections. Idempotent. */
  close(): Promise<void>;
}

/**
 * Starts every worker of this process. Config is passed in explicitly (STYLE: no globals). Workers get their own
 * blocking connection (maxRetriesPerRequest null); job processors share one for their own reads and writes.
 */
export function initWorkers(config: AppConfig, logger: Logger): RunningWorkers {
  const blocking = createRedisConnection(config, 'worker');
  const commands: Redis = createRedisConnection(config, 'worker');
  const workers: Worker[] = [initSelfCheckWorker(blocking, commands, config.redis.prefix)];
  for (const w of workers) {
    w.on('failed', (job, err) => logger.warn({ queue: w.name, jobId: job?.id, attempt: job?.attemptsMade, err: { message: err.message } }, 'job failed'));
    w.on('error', (err) => logger.error({ queue: w.name, err: { message: err.message } }, 'worker error'));
  }
  let closing: Promise<void> | undefined;
  return {
    workers,
    close() {
      // Workers before their connections (and before queues, which the bot closes): active jobs finish first.
      closing ??= (async () => {
        await Promise.all(workers.map((w) => w.close()));
        await Promise.all([blocking.quit().catch(() => blocking.disconnect()), commands.quit().catch(() => commands.disconnect())]);
      })();
      return closing;
    },
  };
}

let running: RunningWorkers | undefined;

/** Process-wide convenience over initWorkers for workers/main.ts. */
export function startWorkers(config: AppConfig, logger: Logger): RunningWorkers {
  running ??= initWorkers(config, logger);
  return running;
}

export async function closeWorkers(): Promise<void> {
  await running?.close();
  running = undefined;
}
