import { loadConfig, type AppConfig } from '../../config';

/** A sandbox config for in-process tests: port 0, the run's Redis, a prefix of the test's own. */
export function testConfig(overrides: Record<string, string> = {}): AppConfig {
  return loadConfig({ ITB_MODE: 'sandbox', LOG_LEVEL: 'info', BOT_PORT: '0', REDIS_URL: process.env.ITB_TEST_REDIS_URL ?? 'redis://127.0.0.1:1', ...overrides });
}
