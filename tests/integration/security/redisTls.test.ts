import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { startBot, type RunningBot } from '../../../bot/app';
import { checkProductionRedis, type AppConfig } from '../../../config';
import { freePort } from '../../../sandbox/processes/freePort';
import { createRedisTlsFiles, itbRedisAclRules, startTlsRedis, type RedisTlsFiles } from '../../../sandbox/processes/redisTls';
import type { ServiceHandle } from '../../../sandbox/processes/service';
import { createStore, rotateEncryption, sweepExpiredIdentifiers } from '../../../store';
import { initWorkers } from '../../../workers/lifecycle';
import { createRedisConnection, openProducerConnection, tlsOptions } from '../../../workers/connection';
import { addSelfCheckJob, selfCheckResultKey, type SelfCheckJobData } from '../../../workers/selfCheckQueue';
import type { Queue } from 'bullmq';
import { testConfig } from '../../support/config';
import { capturingLogger } from '../../support/logCapture';
import { analystActor, clinician, importRequest, requesterActor } from '../store/requestFixtures';

/**
 * Redis hardening, proved against a real redis-server that speaks only TLS (certificates made with the openssl CLI)
 * and serves only ACL users: the bot's readiness, a BullMQ job round trip and the store's operations all run over
 * rediss:// as the least-privileged user `itb-bot`, which is refused everything else.
 */

const PREFIX = '{itb}';
const BOT_PASSWORD = `bot-${randomUUID()}`;
const ADMIN_PASSWORD = `admin-${randomUUID()}`;

describe('Redis over TLS with a least-privilege ACL user', () => {
  let dir: string;
  let files: RedisTlsFiles;
  let port: number;
  let redisServer: ServiceHandle;
  let admin: Redis;
  let config: AppConfig;
  let bot: RunningBot | undefined;
  const log = capturingLogger();

  const botUrl = (password = BOT_PASSWORD, scheme = 'rediss') => `${scheme}://itb-bot:${encodeURIComponent(password)}@127.0.0.1:${port}`;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'itb-redis-tls-'));
    files = createRedisTlsFiles(path.join(dir, 'certs'));
    port = await freePort();
    redisServer = await startTlsRedis({
      tlsPort: port,
      dir: path.join(dir, 'data'),
      files,
      users: [
        { name: 'itb-bot', password: BOT_PASSWORD, rules: itbRedisAclRules(PREFIX) },
        // The test's own inspector (ACL LOG, INFO commandstats); production has no such user on the bot's side.
        { name: 'itb-admin', password: ADMIN_PASSWORD, rules: '~* &* +@all' },
      ],
    });
    admin = new Redis(`rediss://itb-admin:${ADMIN_PASSWORD}@127.0.0.1:${port}`, { tls: { ca: fs.readFileSync(files.caCert) }, maxRetriesPerRequest: 1 });
    // Exactly what the bot reads from its environment, plus the CA file (proposed REDIS_TLS_CA_FILE).
    const base = testConfig({ REDIS_URL: botUrl(), REDIS_PREFIX: PREFIX });
    config = { ...base, redis: { ...base.redis, tlsCaFile: files.caCert } } as AppConfig;
  }, 30_000);

  afterAll(async () => {
    await bot?.close();
    await admin?.quit().catch(() => admin.disconnect());
    await redisServer?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  describe('the link', () => {
    it('plain TCP is closed: a redis:// client cannot talk to it', async () => {
      await expect(openProducerConnection({ redis: { url: botUrl(BOT_PASSWORD, 'redis') } }, 1500)).rejects.toThrow();
    });

    it('the server certificate is verified: rediss:// without our CA is refused', async () => {
      await expect(openProducerConnection({ redis: { url: botUrl() } }, 3000)).rejects.toThrow(/self[- ]signed certificate/i);
    });

    it('a CA file with a redis:// URL is a configuration error, not a silent plaintext link', () => {
      expect(() => tlsOptions({ url: botUrl(BOT_PASSWORD, 'redis'), tlsCaFile: files.caCert })).toThrow(/not rediss/);
    });

    it('a wrong password, and the default user, are refused', async () => {
      const wrong = await openProducerConnection({ redis: { url: botUrl('wrong-password'), tlsCaFile: files.caCert } }).catch((e: Error) => e);
      expect((wrong as Error).message).toMatch(/WRONGPASS/);
      expect((wrong as Error).message).not.toContain('wrong-password');
      // The default user is off: a client that does not log in cannot even pass ioredis' ready check (INFO).
      await expect(openProducerConnection({ redis: { url: `rediss://127.0.0.1:${port}`, tlsCaFile: files.caCert } })).rejects.toThrow(/NOAUTH/);
    });
  });

  describe('as itb-bot over rediss://', () => {
    beforeAll(async () => {
      await admin.acl('LOG', 'RESET');
      await admin.config('RESETSTAT');
    });

    it("the bot starts, its /readyz is 200, and production's Redis checks pass through INFO", async () => {
      bot = await startBot(config, log.logger, { port: 0 });
      const res = await fetch(`${bot.url}/readyz`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ ready: true, checks: { redis: 'ok', queues: 'ok' } });
      expect(await checkProductionRedis(bot.redis)).toEqual([]);
      const clients = ((await admin.client('LIST')) as string).trim().split('\n');
      const producer = clients.find((c) => / name=itb-producer /.test(c));
      expect(producer).toMatch(/ user=itb-bot /);
    });

    it('a BullMQ job enqueued by the bot is run by a worker, both as itb-bot over TLS', async () => {
      const workers = initWorkers(config, log.logger);
      try {
        const checkId = randomUUID();
        const queue = bot!.queues[0] as Queue<SelfCheckJobData>;
        await addSelfCheckJob(queue, checkId);
        const deadline = Date.now() + 10_000;
        let done: string | null = null;
        while (!done && Date.now() < deadline) {
          done = await bot!.redis.get(selfCheckResultKey(PREFIX, checkId));
          if (!done) await new Promise((r) => setTimeout(r, 25));
        }
        expect(done).toMatch(/^\d{4}-\d{2}-\d{2}T/);
        expect(await (await queue.getJob(checkId))?.getState()).toBe('completed');
        const counts = await queue.getJobCounts();
        expect(counts.completed).toBeGreaterThanOrEqual(1);
      } finally {
        await workers.close();
      }
    }, 20_000);

    it('the store works as itb-bot: create, read, transition, audit, key rotation, retention', async () => {
      const worker = createRedisConnection(config, 'worker');
      try {
        const store = createStore(worker, config);
        const at = new Date('2026-03-02T10:00:00Z');
        const { id, created } = await store.requests.create({ request: importRequest(), requester: clinician.aadObjectId, actor: requesterActor, at });
        expect(created).toBe(true);
        expect((await store.requests.get(id))?.status).toBe('submitted');
        await store.requests.transition(id, 'cancelled', { actor: analystActor, at: new Date(at.getTime() + 60_000), reason: 'cancelled by analyst' });
        expect((await store.audit.readForRequest(id)).length).toBeGreaterThanOrEqual(2);
        const rotation = await rotateEncryption(store.requests, { batchSize: 10 });
        expect(rotation.scanned).toBe(1);
        const sweep = await sweepExpiredIdentifiers(store.requests, { now: new Date(at.getTime() + 400 * 86_400_000), retentionDays: 30 });
        expect({ purged: sweep.purged, failed: sweep.failedIds }).toEqual({ purged: 1, failed: [] });
      } finally {
        await worker.quit();
      }
    });

    it('nothing the bot, workers or store did was denied (ACL LOG empty), and this is every command they used', async () => {
      const denied = ((await admin.acl('LOG')) as string[][]).map((entry) => {
        const e = Object.fromEntries(entry.flatMap((v, i) => (i % 2 === 0 ? [[v, entry[i + 1]]] : [])));
        return `${e.username}: ${e.reason} ${e.object} (${e.context}) x${e.count}`;
      });
      expect(denied).toEqual([]);
      const stats = await admin.info('commandstats');
      // Less what this test itself ran as itb-admin.
      const adminOnly = new Set(['acl|log', 'client|list', 'config|resetstat']);
      const used = [...stats.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)].filter((m) => !adminOnly.has(m[1]!)).map((m) => `${m[1]}=${m[2]}`).sort();
      console.log(`Redis commands used as itb-bot (readiness, BullMQ round trip, store):\n${used.join(' ')}`);
      expect(used.length).toBeGreaterThan(5);
    });
  });

  describe('least privilege: itb-bot is refused everything else', () => {
    let redis: Redis;
    beforeAll(async () => {
      redis = await openProducerConnection({ redis: { url: botUrl(), tlsCaFile: files.caCert } });
    });
    afterAll(async () => {
      redis.disconnect();
    });

    // Each must fail for real, and ACL DRYRUN must show it is the ACL that forbids it (DEBUG and MODULE are also off in
    // redis.conf by default, which would hide a too-wide ACL).
    it.each([
      ['FLUSHALL', ['flushall']],
      ['FLUSHDB', ['flushdb']],
      ['KEYS', ['keys', '*']],
      ['SCAN (would list other apps\' key names)', ['scan', '0']],
      ['CONFIG GET', ['config', 'get', 'maxmemory-policy']],
      ['CONFIG SET', ['config', 'set', 'appendonly', 'no']],
      ['DEBUG', ['debug', 'sleep', '0']],
      ['ACL LIST', ['acl', 'list']],
      ['MONITOR', ['monitor']],
      ['CLIENT LIST', ['client', 'list']],
      ['CLIENT KILL', ['client', 'kill', 'ID', '1']],
      ['SHUTDOWN', ['shutdown', 'nosave']],
      ['REPLICAOF', ['replicaof', '127.0.0.1', '1']],
      ['MODULE LOAD', ['module', 'load', '/tmp/x.so']],
      ['SCRIPT FLUSH', ['script', 'flush']],
      ['FUNCTION FLUSH', ['function', 'flush']],
      ['PUBLISH', ['publish', 'anything', 'x']],
      ['GET outside the prefix', ['get', 'other-app:secret']],
      ['SET outside the prefix', ['set', 'other-app:secret', 'x']],
    ])('%s: refused by the ACL', async (_name, [command, ...args]) => {
      await expect(redis.call(command!, ...args!)).rejects.toThrow(/NOPERM|not allowed/);
      expect(await admin.call('acl', 'dryrun', 'itb-bot', command!, ...args!)).toMatch(/no permissions/);
    });

    it('a script cannot reach a key outside the prefix either', async () => {
      await expect(redis.eval("return redis.call('SET', 'other-app:secret', 'x')", 0)).rejects.toThrow(/can't access|NOPERM/);
    });

    it('the server is unchanged: AOF still on, nothing written outside the prefix', async () => {
      expect(await admin.config('GET', 'appendonly')).toEqual(['appendonly', 'yes']);
      expect(await admin.exists('other-app:secret')).toBe(0);
    });
  });
});
