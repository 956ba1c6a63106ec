/**
 * The bot in its own process for script/bench bot, so its peak RSS and CPU are its own and the load generator does
 * not share its event loop:
 *   REDIS_URL=... PAS_FHIR_BASE_URL=... ALLOWED_TENANT_ID=... node dist/bench/botServerChild.js
 * Starts the real bot (bot/app.ts startBot: HTTP endpoint, CloudAdapter, store, local service desk, notify worker)
 * in sandbox mode on a free loopback port, logging at info to /dev/null (production logs at info; the cost of
 * writing the lines is kept, the terminal is not flooded), and beside it the baseline: a restify server with the same
 * body parser and a POST /api/messages that does nothing. Prints one JSON line { botUrl, baselineUrl }, then runs
 * until SIGTERM, when it closes the bot gracefully and exits.
 * BENCH_BOT_NO_NOTIFY=1 (diagnosis only, never for quoted figures) starts the bot without its notify worker, to tell
 * the acknowledgement path's CPU from the approval cards' that follow it.
 */
import pino from 'pino';
import restify from 'restify';
import { startBot } from '../bot/app';
import { loadConfig } from '../config';
import { createLogger } from '../config/logger';

async function main(): Promise<void> {
  const config = loadConfig({ ...process.env, ITB_MODE: 'sandbox', BOT_HOST: '127.0.0.1', BOT_PORT: '0', LOG_LEVEL: 'info' });
  const logger = createLogger({ level: config.logLevel, name: 'itb-bot' }, pino.destination({ dest: '/dev/null', sync: false }));
  const bot = await startBot(config, logger, { port: 0, ...(process.env.BENCH_BOT_NO_NOTIFY ? { conversation: { notifyWorker: false } } : {}) });

  const baseline = restify.createServer({ name: 'bench-baseline', handleUncaughtExceptions: false });
  baseline.use(restify.plugins.bodyParser({ maxBodySize: config.bot.maxBodyBytes, mapParams: false, mapFiles: false }));
  baseline.post('/api/messages', (_req, res, next) => {
    res.send(200);
    next();
  });
  await new Promise<void>((resolve) => baseline.listen(0, '127.0.0.1', () => resolve()));
  const addr = baseline.address();
  console.log(JSON.stringify({ botUrl: bot.url, baselineUrl: `http://127.0.0.1:${addr.port}` }));

  process.once('SIGTERM', () => {
    void (async () => {
      baseline.close();
      await bot.close();
      process.exit(0);
    })();
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
