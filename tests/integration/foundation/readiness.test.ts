import path from 'node:path';
import { startBot } from '../../../bot/app';
import { freePort } from '../../../sandbox/processes/freePort';
import { startRedis } from '../../../sandbox/processes/redis';
import type { ServiceHandle } from '../../../sandbox/processes/service';
import { testConfig } from '../../support/config';
import { capturingLogger } from '../../support/logCapture';
import { testVarDir } from '../../support/services';

async function statusWithin(url: string, want: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let last = 0;
  while (Date.now() < deadline) {
    last = (await fetch(url)).status;
    if (last === want) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  return last;
}

describe('/readyz follows Redis', () => {
  it('flips to 503 when its Redis is stopped and back to 200 when it returns', async () => {
    // A Redis of this test's own: stopping the run's shared one would break other suites.
    const port = await freePort();
    const dir = path.join(testVarDir(), `readyz-${port}`);
    let redis: ServiceHandle = await startRedis({ port, dir });
    const bot = await startBot(testConfig({ REDIS_URL: `redis://127.0.0.1:${port}` }), capturingLogger().logger, { port: 0 });
    try {
      expect(await statusWithin(`${bot.url}/readyz`, 200, 3000)).toBe(200);
      await redis.stop();
      expect(await statusWithin(`${bot.url}/readyz`, 503, 5000)).toBe(503);
      const body = (await (await fetch(`${bot.url}/readyz`)).json()) as { ready: boolean; checks: { redis: string } };
      expect(body.ready).toBe(false);
      expect(body.checks.redis).toMatch(/unreachable/);
      // /healthz is about the process only: still 200.
      expect((await fetch(`${bot.url}/healthz`)).status).toBe(200);
      redis = await startRedis({ port, dir });
      expect(await statusWithin(`${bot.url}/readyz`, 200, 10_000)).toBe(200);
    } finally {
      await bot.close();
      await redis.stop();
    }
  }, 30_000);
});
