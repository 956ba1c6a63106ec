import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { freePort } from '../../../sandbox/processes/freePort';
import { startRedis } from '../../../sandbox/processes/redis';
import type { ServiceHandle } from '../../../sandbox/processes/service';
import { testRedisUrl, testVarDir } from '../../support/services';

const ROOT = path.resolve(__dirname, '../../..');
const BOT_MAIN = path.join(ROOT, 'dist', 'bot', 'main.js');

// Each case starts a whole bot process (every module loaded) and runBot allows it 15 s: on a loaded 2-core CI box
// that takes longer than jest's default 5 s per test, which is a timing artefact, not the behaviour under test.
jest.setTimeout(30_000);

/** Runs the compiled bot process with exactly `env` (plus PATH) and returns its exit code and stderr. */
function runBot(env: Record<string, string>, timeoutMs = 15_000): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BOT_MAIN], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const t = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(t);
      resolve({ code, stderr });
    });
  });
}

const KEY = `k1:${Buffer.alloc(32, 7).toString('base64')}`;
const GOOD: Record<string, string> = {
  ITB_MODE: 'production',
  MICROSOFT_APP_ID: '00000000-0000-0000-0000-0000000b0701',
  MICROSOFT_APP_PASSWORD: 'not-a-real-secret',
  MICROSOFT_APP_TENANT_ID: '3b6c2a10-7d4e-4f0b-8c1a-9e2d5f6a7b80',
  ALLOWED_TENANT_ID: '3b6c2a10-7d4e-4f0b-8c1a-9e2d5f6a7b80',
  ITB_ENCRYPTION_KEYS: KEY,
  APPROVER_AAD_OBJECT_IDS: 'c9024da4-7ef1-42a5-b4d4-a703d7be7128',
  SERVICE_DESK_CHANNEL_ID: '19:itb-iep-requests@thread.tacv2',
  BOT_PORT: '0',
  LOG_LEVEL: 'silent',
};
const without = (name: string) => Object.fromEntries(Object.entries(GOOD).filter(([k]) => k !== name));

describe('production start-up refuses unsafe settings', () => {
  beforeAll(() => {
    if (!fs.existsSync(BOT_MAIN)) throw new Error(`${BOT_MAIN} missing: script/test builds it (script/bootstrap)`);
  });

  it.each([
    ['MICROSOFT_APP_ID', without('MICROSOFT_APP_ID')],
    ['MICROSOFT_APP_PASSWORD', without('MICROSOFT_APP_PASSWORD')],
    ['MICROSOFT_APP_TENANT_ID', without('MICROSOFT_APP_TENANT_ID')],
    ['ALLOWED_TENANT_ID', without('ALLOWED_TENANT_ID')],
    ['ITB_ENCRYPTION_KEYS', without('ITB_ENCRYPTION_KEYS')],
    ['SERVICE_DESK_CHANNEL_ID', without('SERVICE_DESK_CHANNEL_ID')],
    ['APPROVER_AAD_OBJECT_IDS', without('APPROVER_AAD_OBJECT_IDS')],
    ['ITB_MODE', { ...GOOD, ITB_MODE: 'prod' }],
    ['ITB_ENCRYPTION_KEYS', { ...GOOD, ITB_ENCRYPTION_KEYS: 'k1:c2hvcnQ=' }],
  ])('exits non-zero with one clear line naming %s', async (variable, env) => {
    const { code, stderr } = await runBot({ ...env, REDIS_URL: testRedisUrl() });
    expect(code).toBe(1);
    const lines = stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/refusing to start/);
    expect(lines[0]).toContain(variable);
    expect(stderr).not.toContain('not-a-real-secret');
  });

  it('exits non-zero when Redis is unreachable', async () => {
    const { code, stderr } = await runBot({ ...GOOD, REDIS_URL: `redis://127.0.0.1:${await freePort()}` });
    expect(code).toBe(1);
    expect(stderr).toMatch(/refusing to start: REDIS_URL: Redis is unreachable/);
  });

  describe('against a Redis of its own', () => {
    const started: ServiceHandle[] = [];
    afterAll(async () => {
      await Promise.all(started.map((h) => h.stop()));
    });
    async function redisWith(opts: { appendonly?: boolean; maxmemoryPolicy?: string }): Promise<string> {
      const port = await freePort();
      started.push(await startRedis({ port, dir: path.join(testVarDir(), `prod-redis-${port}`), ...opts }));
      return `redis://127.0.0.1:${port}`;
    }

    it('refuses a Redis with eviction on', async () => {
      const { code, stderr } = await runBot({ ...GOOD, REDIS_URL: await redisWith({ maxmemoryPolicy: 'allkeys-lru' }) });
      expect(code).toBe(1);
      expect(stderr).toMatch(/maxmemory-policy is "allkeys-lru"; it must be noeviction/);
    });

    it('refuses a Redis with persistence off', async () => {
      const { code, stderr } = await runBot({ ...GOOD, REDIS_URL: await redisWith({ appendonly: false }) });
      expect(code).toBe(1);
      expect(stderr).toMatch(/persistence is off: appendonly must be yes/);
    });

    it('starts with every setting right and a safe Redis, and stops cleanly on SIGTERM', async () => {
      const url = await redisWith({});
      const child = spawn(process.execPath, [BOT_MAIN], { env: { PATH: process.env.PATH ?? '', ...GOOD, LOG_LEVEL: 'info', REDIS_URL: url }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      child.stdout.on('data', (d) => (stdout += d));
      const exit = new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
      const deadline = Date.now() + 10_000;
      while (!stdout.includes('bot listening') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(stdout).toContain('bot listening');
      child.kill('SIGTERM');
      expect(await exit).toBe(0);
    }, 20_000);
  });
});
