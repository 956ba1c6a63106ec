import type { Redis } from 'ioredis';
import { encryptionKeyUsage, rotateEncryption, UnknownEncryptionKeyError } from '../../../store';
import { analystActor, clinician, cdImportRequest, exportRequest, importRequest, patientOf, requesterActor, traumaRequest } from './requestFixtures';
import { connect, dropPrefix, freshKey, storeFor, testPrefix } from './storeHarness';

const T0 = new Date('2026-03-10T10:00:00.000Z');
const at = (m: number) => new Date(T0.getTime() + m * 60_000);

describe('encryption key rotation', () => {
  let redis: Redis;
  let prefix: string;
  const keyA = freshKey('keyA');
  const keyB = freshKey('keyB');

  beforeAll(() => {
    redis = connect();
  });
  beforeEach(() => {
    prefix = testPrefix('rotate');
  });
  afterEach(async () => {
    await dropPrefix(redis, prefix);
  });
  afterAll(async () => {
    await redis.quit();
  });

  it('write with key A, add key B as active, read old records, rotate in batches, then key A can be removed', async () => {
    const withA = storeFor(redis, prefix, [keyA]).requests;
    const bodies = [importRequest(), exportRequest(), traumaRequest(), cdImportRequest(), importRequest('ameliaHartwell')];
    const ids: string[] = [];
    for (const [i, request] of bodies.entries()) {
      const { id } = await withA.create({ request, requester: clinician.aadObjectId, actor: requesterActor, at: at(i) });
      ids.push(id);
    }
    // One note under key A, and one request ended and purged (nothing left to rotate).
    await withA.transition(ids[0]!, 'cancelled', { actor: analystActor, at: at(10), reason: 'cancelled by analyst', note: 'duplicate request' });
    await withA.transition(ids[4]!, 'cancelled', { actor: requesterActor, at: at(10), reason: 'cancelled by requester' });
    await withA.purgeIdentifiers(ids[4]!, { at: at(11), actor: analystActor, retentionDays: 0 });

    // Key B goes first (active), key A stays after it: old records still read, new ones are sealed with B.
    const withBoth = storeFor(redis, prefix, [keyB, keyA]).requests;
    for (const [i, id] of ids.slice(0, 4).entries()) expect((await withBoth.get(id))?.request).toEqual(bodies[i]);
    expect((await withBoth.get(ids[0]!))?.history[0]?.note).toBe('duplicate request');
    const { id: fresh } = await withBoth.create({ request: importRequest('dhruvPatelkar'), requester: clinician.aadObjectId, actor: requesterActor, at: at(20) });
    expect(await redis.hget(`${prefix}:request:${fresh}`, 'body')).toMatch(/^v1\.keyB\./);
    // A lookup finds records indexed under either key during the changeover.
    expect(await withBoth.findByPatient({ sNumber: patientOf('canary').sNumber })).toEqual([ids[0]].sort());
    expect(await encryptionKeyUsage(withBoth)).toEqual({ keyA: 4, keyB: 1 });

    const batches: number[] = [];
    const report = await rotateEncryption(withBoth, { batchSize: 2, onBatch: (p) => batches.push(p.scanned) });
    expect(report).toEqual({
      activeKeyId: 'keyB',
      scanned: 6,
      reencrypted: 4,
      alreadyCurrent: 1,
      purged: 1,
      recordsByKeyIdBefore: { keyA: 4, keyB: 1 },
    });
    expect(batches).toEqual([2, 4, 6]);
    expect(await encryptionKeyUsage(withBoth)).toEqual({ keyB: 5 });
    // Running it again finds nothing to do.
    expect(await rotateEncryption(withBoth)).toMatchObject({ reencrypted: 0, alreadyCurrent: 5, purged: 1 });

    // Key A removed: everything still reads, notes included, and the patient index answers under key B alone.
    const withB = storeFor(redis, prefix, [keyB]).requests;
    for (const [i, id] of ids.slice(0, 4).entries()) expect((await withB.get(id))?.request).toEqual(bodies[i]);
    expect((await withB.get(ids[0]!))?.history[0]?.note).toBe('duplicate request');
    expect((await withB.get(ids[4]!))?.request).toBeUndefined();
    expect(await withB.findByPatient({ sNumber: patientOf('canary').sNumber, nhsNumber: patientOf('canary').nhsNumber! })).toEqual([ids[0]]);
    expect(await withB.findByPatient({ sNumber: patientOf('export').sNumber })).toEqual([ids[1]]);
    // No token made with key A is left in the index.
    const tokenA = withBoth.cipher.lookupToken('sNumber', patientOf('canary').sNumber, 'keyA');
    expect(await redis.exists(`${prefix}:requests:byPatient:${tokenA}`)).toBe(0);
    // Rotation bumped versions like any write, so a writer holding an old version gets a conflict, not a lost update.
    expect((await withB.getSummary(ids[1]!))?.version).toBe(2);
  });

  it('removing a key before rotating leaves its records unreadable with a clear, typed error', async () => {
    const { id } = await storeFor(redis, prefix, [keyA]).requests.create({ request: importRequest(), requester: clinician.aadObjectId, actor: requesterActor, at: T0 });
    const withBOnly = storeFor(redis, prefix, [keyB]).requests;
    const err = await withBOnly.get(id).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnknownEncryptionKeyError);
    expect((err as Error).message).toContain('"keyA"');
    // The clear facts stay readable, so the request can still be listed and its call reference quoted.
    expect((await withBOnly.getSummary(id))?.kind).toBe('import');
    await expect(rotateEncryption(withBOnly)).rejects.toBeInstanceOf(UnknownEncryptionKeyError);
  });
});
