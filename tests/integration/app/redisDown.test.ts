import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { submitRequest } from '../../../app';
import { SANDBOX_ENCRYPTION_KEY } from '../../../config/encryptionKeys';
import { LocalServiceDesk } from '../../../integrations/servicedesk';
import { freePort } from '../../../sandbox/processes/freePort';
import { startRedis } from '../../../sandbox/processes/redis';
import type { ServiceHandle } from '../../../sandbox/processes/service';
import { createStore } from '../../../store';
import { openProducerConnection } from '../../../workers/connection';
import { clinician } from './actors';
import { startAppHarness, type AppHarness } from './appHarness';
import { formValues } from './forms';

describe('submit while Redis is down (our own redis-server, stopped by PID)', () => {
  let redisProc: ServiceHandle | undefined;
  let h: AppHarness;
  let redis: Redis;
  let dir: string;
  let port: number;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'itb-app-redis-'));
    port = await freePort();
    redisProc = await startRedis({ port, dir });
    h = await startAppHarness('down');
    // The bot's producer settings: no offline queue, so an outage is a quick, clear failure rather than a hang.
    redis = await openProducerConnection({ redis: { url: `redis://127.0.0.1:${port}` } });
    h.deps.store = createStore(redis, { redis: { url: `redis://127.0.0.1:${port}`, prefix: h.prefix }, encryptionKeys: [SANDBOX_ENCRYPTION_KEY] });
    h.deps.serviceDesk = new LocalServiceDesk(redis, { prefix: h.prefix, now: () => h.deps.now() });
  });
  afterAll(async () => {
    redis.disconnect();
    await h.close();
    await redisProc?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('says "not accepted, please try again" and never gives a call reference; nothing was numbered', async () => {
    const ok = await submitRequest(h.deps, clinician, 'import', formValues('personal-submit-import'), 'before');
    expect(ok.outcome).toBe('accepted');

    await redisProc!.stop();
    const t0 = Date.now();
    const out = await submitRequest(h.deps, clinician, 'import', formValues('personal-submit-import'), 'during');
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(out).toEqual({ outcome: 'unavailable', message: expect.stringMatching(/NOT accepted.*no call reference was made.*try again/s) });
    expect(JSON.stringify(out)).not.toMatch(/ITB-\d{4}-\d+/);

    // Back up from its AOF: still one request and one call reference issued.
    redisProc = await startRedis({ port, dir });
    await new Promise((r) => setTimeout(r, 300));
    const check = new Redis(`redis://127.0.0.1:${port}`);
    try {
      expect(await check.get(`${h.prefix}:callref:seq`)).toBe('1');
      expect(await check.zcard(`${h.prefix}:requests:byRequester:${clinician.aadObjectId}`)).toBe(1);
    } finally {
      check.disconnect();
    }
  });
});
