/**
 * The bot process: `node dist/bot/main.js`. Stateless behind a load balancer; run several against one Redis.
 */
import { loadConfig, checkProductionConfig, checkProductionRedis, ConfigError } from '../config';
import { createLogger } from '../config/logger';
import { loadDotEnv } from '../config/dotenv';
import { openProducerConnection } from '../workers/connection';
import { startBot } from './app';

async function main(): Promise<void> {
  loadDotEnv();
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`itb-bot: refusing to start: ${err.message}`);
      process.exit(1);
    }
    throw err;
  }
  const logger = createLogger({ level: config.logLevel, name: 'itb-bot' });
  const problems = checkProductionConfig(config);
  if (config.mode === 'production' && problems.length === 0) {
    try {
      const probe = await openProducerConnection(config);
      problems.push(...(await checkProductionRedis(probe)));
      probe.disconnect();
    } catch (err) {
      problems.push(`REDIS_URL: Redis is unreachable (${(err as Error).message})`);
    }
  }
  if (problems.length) {
    console.error(`itb-bot: refusing to start: ${problems.join('; ')}`);
    process.exit(1);
  }
  if (config.mode === 'sandbox') {
    logger.warn({ host: config.bot.host }, 'SANDBOX mode: bot authentication is OFF; bound to loopback only. Never expose this port.');
    if (config.bot.host !== '127.0.0.1' && config.bot.host !== '::1' && config.bot.host !== 'localhost') {
      console.error(`itb-bot: refusing to start: BOT_HOST=${config.bot.host}; sandbox mode (no authentication) may only bind to 127.0.0.1`);
      process.exit(1);
    }
  }
  const bot = await startBot(config, logger);
  logger.info({ url: bot.url, mode: config.mode }, 'bot listening');
  const stop = async (signal: string) => {
    logger.info({ signal, inFlight: bot.server.inFlight() }, 'bot stopping');
    await bot.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

void main().catch((err: Error) => {
  console.error(`itb-bot: ${err.message}`);
  process.exit(1);
});
