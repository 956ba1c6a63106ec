/**
 * The worker process: `node dist/workers/main.js`. Scale out by running more of these against the same Redis;
 * capacity limits are BullMQ global concurrency, so they hold across processes.
 */
import { loadConfig, checkProductionConfig, checkProductionRedis } from '../config';
import { createLogger } from '../config/logger';
import { loadDotEnv } from '../config/dotenv';
import { createRedisConnection } from './connection';
import { startWorkers, closeWorkers } from './lifecycle';
import { serveWorkerMetrics } from './metricsServer';

async function main(): Promise<void> {
  loadDotEnv();
  const config = loadConfig();
  const logger = createLogger({ level: config.logLevel, name: 'itb-workers' });
  const problems = checkProductionConfig(config);
  if (config.mode === 'production') {
    const probe = createRedisConnection(config, 'producer');
    problems.push(...(await checkProductionRedis(probe)));
    probe.disconnect();
  }
  if (problems.length) {
    console.error(`itb-workers: refusing to start: ${problems.join('; ')}`);
    process.exit(1);
  }
  const running = startWorkers(config, logger);
  // GET /metrics and /healthz when ITB_WORKER_METRICS_PORT is set (docs/operations.md "Monitoring"). Called before
  // awaiting anything: it listens to the workers' events at once, so the first jobs are counted too.
  const listening = serveWorkerMetrics(running, config.workerMetrics, logger);
  listening.catch(() => undefined); // reported by the await below, not as an unhandled rejection meanwhile
  await running.ready;
  const monitoring = await listening;
  logger.info({ queues: running.workers.map((w) => w.name), mode: config.mode }, 'workers started');
  const stop = async (signal: string) => {
    logger.info({ signal }, 'workers stopping');
    await Promise.all([monitoring?.close(), closeWorkers()]);
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

void main().catch((err: Error) => {
  console.error(`itb-workers: ${err.message}`);
  process.exit(1);
});
