import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Redis } from 'ioredis';
import type { CallRef } from '../../../domain';
import { ConflictError, GUARDED_WRITE_LUA, runGuardedWrite, type Store } from '../../../store';
import { testRedisUrl } from '../../support/services';
import { clinician, importRequest, requesterActor } from './requestFixtures';
import { connect, dropPrefix, freshKey, storeFor, testPrefix } from './storeHarness';

/**
 * A second OS process writing to the same Redis with ioredis and the very same Lua script the store uses. Plain
 * JavaScript (no TypeScript loader is installed), written to a temp dir; ioredis is required by absolute path.
 */
const CHILD_SOURCE = `
const { Redis } = require(${JSON.stringify(require.resolve('ioredis'))});
const LUA = ${JSON.stringify(GUARDED_WRITE_LUA)};
const redis = new Redis(process.argv[2], { maxRetriesPerRequest: 1 });
redis.defineCommand('guardedWrite', { numberOfKeys: 2, lua: LUA });
const write = (key, version, commands) => redis.guardedWrite(key, key, 'update', String(version), '', '', '0', JSON.stringify(commands));
process.on('message', async (msg) => {
  try {
    if (msg.type === 'race') {
      // Fire at the agreed instant (plus a little jitter, so either side may be first).
      await new Promise((r) => setTimeout(r, Math.max(0, msg.fireAt - Date.now()) + Math.random() * 3));
      const reply = await write(msg.key, msg.version, [['HSET', msg.key, 'updatedAt', msg.at, 'lastWriter', 'child']]);
      process.send({ type: 'raced', trial: msg.trial, reply });
    } else if (msg.type === 'increment') {
      let conflicts = 0;
      for (let i = 0; i < msg.times; i++) {
        for (;;) {
          const [version, count] = await redis.hmget(msg.key, 'version', 'counter');
          const reply = await write(msg.key, version, [['HSET', msg.key, 'counter', String(Number(count) + 1)]]);
          if (reply[0] === 'ok') break;
          conflicts++;
        }
      }
      process.send({ type: 'incremented', conflicts });
    } else if (msg.type === 'stop') {
      await redis.quit();
      process.exit(0);
    }
  } catch (err) {
    process.send({ type: 'error', message: String(err && err.message) });
  }
});
process.send({ type: 'ready' });
`;

function nextMessage<T>(child: ChildProcess, type: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (msg: { type: string; message?: string }) => {
      if (msg.type === type || msg.type === 'error') {
        child.off('message', onMessage);
        if (msg.type === 'error') reject(new Error(`child: ${msg.message}`));
        else resolve(msg as T);
      }
    };
    child.on('message', onMessage);
  });
}

const T0 = new Date('2026-03-10T10:00:00.000Z');

describe('optimistic concurrency across connections and processes', () => {
  let redis: Redis;
  let other: Redis;
  let prefix: string;
  let storeA: Store;
  let storeB: Store;
  let child: ChildProcess | undefined;
  let dir: string;

  beforeAll(async () => {
    redis = connect();
    other = connect();
    prefix = testPrefix('race');
    const keys = [freshKey('keyA')];
    storeA = storeFor(redis, prefix, keys);
    storeB = storeFor(other, prefix, keys);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'itb-store-race-'));
    const script = path.join(dir, 'racer.js');
    fs.writeFileSync(script, CHILD_SOURCE);
    child = fork(script, [testRedisUrl()], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    await nextMessage(child, 'ready');
  });
  afterAll(async () => {
    if (child?.pid !== undefined && child.exitCode === null) {
      const exited = new Promise((r) => child!.once('exit', r));
      child.send({ type: 'stop' });
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, 2000)))]);
      clearTimeout(timer);
      if (child.exitCode === null) process.kill(child.pid, 'SIGKILL');
    }
    fs.rmSync(dir, { recursive: true, force: true });
    await dropPrefix(redis, prefix);
    await Promise.all([redis.quit(), other.quit()]);
  });

  const create = (store: Store) => store.requests.create({ request: importRequest(), requester: clinician.aadObjectId, actor: requesterActor, at: T0 });

  it('two connections updating the same version: exactly one wins, the other gets ConflictError (200 trials)', async () => {
    for (let trial = 0; trial < 200; trial++) {
      const { id } = await create(storeA);
      const results = await Promise.allSettled([
        storeA.requests.update(id, 1, { at: T0, callRef: 'ITB-2026-000001' as CallRef }),
        storeB.requests.update(id, 1, { at: T0, callRef: 'ITB-2026-000002' as CallRef }),
      ]);
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(1);
      expect(lost[0]!.reason).toBeInstanceOf(ConflictError);
      const summary = await storeA.requests.getSummary(id);
      expect(summary?.version).toBe(2);
      // The winner's write is the one stored, whole.
      const winner = results[0]!.status === 'fulfilled' ? 'ITB-2026-000001' : 'ITB-2026-000002';
      expect(summary?.callRef).toBe(winner);
    }
  });

  it('twenty writers on one version: one wins, nineteen conflict', async () => {
    const { id } = await create(storeA);
    const stores = [storeA, storeB];
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => stores[i % 2]!.requests.update(id, 1, { at: new Date(T0.getTime() + i * 1000) })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected' && r.reason instanceof ConflictError)).toHaveLength(19);
    expect((await storeA.requests.getSummary(id))?.version).toBe(2);
  });

  it('a child process and this process racing on the same version: exactly one wins every time (60 trials)', async () => {
    const wins = { parent: 0, child: 0 };
    for (let trial = 0; trial < 60; trial++) {
      const { id } = await create(storeA);
      const key = `${prefix}:request:${id}`;
      const fireAt = Date.now() + 15;
      const raced = nextMessage<{ reply: [string, string?] }>(child!, 'raced');
      child!.send({ type: 'race', trial, key, version: 1, at: '2026-03-10T11:00:00.000Z', fireAt });
      await new Promise((r) => setTimeout(r, Math.max(0, fireAt - Date.now())));
      const parent = await storeA.requests.update(id, 1, { at: T0, callRef: 'ITB-2026-000003' as CallRef }).then(
        () => 'ok' as const,
        (err: unknown) => err,
      );
      const childReply = (await raced).reply;
      const parentWon = parent === 'ok';
      const childWon = childReply[0] === 'ok';
      expect(parentWon !== childWon).toBe(true);
      if (parentWon) expect(childReply[0]).toBe('conflict');
      else expect(parent).toBeInstanceOf(ConflictError);
      const hash = await redis.hgetall(key);
      expect(hash.version).toBe('2');
      expect(hash.lastWriter === 'child').toBe(childWon);
      expect(hash.callRef === 'ITB-2026-000003').toBe(parentWon);
      wins[parentWon ? 'parent' : 'child']++;
    }
    expect(wins.parent + wins.child).toBe(60);
  });

  it('no lost updates: two processes each incrementing a field 150 times through the guarded write end at 300', async () => {
    const { id } = await create(storeA);
    const key = `${prefix}:request:${id}`;
    await redis.hset(key, 'counter', '0');
    const childDone = nextMessage<{ conflicts: number }>(child!, 'incremented');
    child!.send({ type: 'increment', key, times: 150 });
    let parentConflicts = 0;
    for (let i = 0; i < 150; i++) {
      for (;;) {
        const [version, count] = await redis.hmget(key, 'version', 'counter');
        const r = await runGuardedWrite(redis, { recordKey: key, mode: 'update', expectedVersion: Number(version), commands: [['HSET', key, 'counter', String(Number(count) + 1)]] });
        if (r.result === 'ok') break;
        parentConflicts++;
      }
    }
    const { conflicts } = await childDone;
    expect(await redis.hget(key, 'counter')).toBe('300');
    expect(await redis.hget(key, 'version')).toBe('301');
    // Both sides really interleaved: somebody had to retry (read -> someone else wrote -> conflict -> re-read).
    expect(parentConflicts + conflicts).toBeGreaterThan(0);
  });
});
