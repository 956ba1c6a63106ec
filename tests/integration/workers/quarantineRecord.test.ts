import type { Redis } from 'ioredis';
import type { AcceptedFinding } from '../../../integrations/dicom/acceptedFindings';
import { QuarantineRecords } from '../../../workers/quarantineRecord';
import { uniquePrefix } from '../../support/services';
import { connect, dropPrefix, freshKey, storeFor } from '../store/storeHarness';

const NAME: AcceptedFinding[] = [{ code: 'PATIENT_NAME_MISMATCH', field: 'patientName', against: 'request', text: 'Patient\'s name in the images is "MAIDEN, Ann" but the request says "TESTER, Ann".' }];
const OTHER: AcceptedFinding[] = [{ ...NAME[0]!, text: 'Patient\'s name in the images is "OTHER, Ann" but the request says "TESTER, Ann".' }];
const TWO: AcceptedFinding[] = [...NAME, { code: 'MULTIPLE_PATIENTS', text: 'The delivery holds 2 different patients.' }];
const by = { aadObjectId: 'aad-analyst', at: new Date('2026-03-11T10:00:00Z') };

/** The quarantine record on real Redis: versions, compare-and-set release, sealed texts. */
describe('QuarantineRecords', () => {
  let redis: Redis;
  let prefix: string;
  let records: QuarantineRecords;
  beforeAll(() => {
    redis = connect();
  });
  beforeEach(() => {
    prefix = uniquePrefix('qrec');
    records = new QuarantineRecords(redis, prefix, storeFor(redis, prefix, [freshKey('k1')]).requests.cipher);
  });
  afterEach(async () => {
    await dropPrefix(redis, prefix);
  });
  afterAll(async () => {
    await redis.quit();
  });

  it('the same findings again keep their version and the release ordered for it; other findings get a new version and void it', async () => {
    const v1 = await records.recordHeld('r1', 0, NAME, new Date());
    expect(await records.recordHeld('r1', 0, NAME, new Date())).toBe(v1);
    expect(await records.orderRelease('r1', v1, by, 'Phoned the sender.')).toMatchObject({ outcome: 'ordered' });
    expect(await records.recordHeld('r1', 0, NAME, new Date())).toBe(v1); // a retried step
    expect(await records.orderedRelease('r1')).toEqual({ version: v1, findings: NAME, confirmation: 'Phoned the sender.' });
    const v2 = await records.recordHeld('r1', 0, OTHER, new Date());
    expect(v2).not.toBe(v1);
    expect(await records.orderedRelease('r1')).toBeUndefined();
    expect((await records.read('r1'))!.release).toBeUndefined();
  });

  it('a release names the current version, once; a stale one, or findings a check cannot settle, release nothing', async () => {
    const v1 = await records.recordHeld('r1', 0, NAME, new Date());
    expect(await records.orderRelease('r1', 'stale', by, 'x')).toMatchObject({ outcome: 'stale' });
    expect(await records.orderRelease('r2', v1, by, 'x')).toEqual({ outcome: 'stale' });
    expect(await records.orderRelease('r1', v1, by, 'first')).toMatchObject({ outcome: 'ordered', held: { release: { version: v1, by: 'aad-analyst' } } });
    expect(await records.orderRelease('r1', v1, { ...by, aadObjectId: 'someone-else' }, 'second')).toMatchObject({ outcome: 'alreadyOrdered', held: { release: { by: 'aad-analyst' } } });
    expect(await records.confirmation('r1')).toBe('first');
    const v3 = await records.recordHeld('r3', 0, TWO, new Date());
    expect(await records.orderRelease('r3', v3, by, 'x')).toMatchObject({ outcome: 'notReleasable' });
    expect(await records.orderedRelease('r3')).toBeUndefined();
  });

  it('keeps the values and the confirmation sealed: the raw record holds codes and the version only', async () => {
    const v1 = await records.recordHeld('r1', 0, NAME, new Date());
    await records.orderRelease('r1', v1, by, 'Registered under her maiden name.');
    const raw = JSON.stringify(await redis.hgetall(`${prefix}:quarantine:r1`));
    expect(raw).toContain('PATIENT_NAME_MISMATCH');
    expect(raw).not.toMatch(/MAIDEN|TESTER|maiden name/);
    expect((await records.read('r1'))!.facts).toEqual([{ code: 'PATIENT_NAME_MISMATCH', field: 'patientName', against: 'request' }]);
    expect(await records.findings('r1')).toEqual(NAME);
  });
});
