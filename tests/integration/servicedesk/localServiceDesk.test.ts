import { Redis } from 'ioredis';
import {
  LocalServiceDesk,
  ServiceDeskError,
  ServiceDeskInvalidInputError,
  ServiceDeskStoreError,
  ServiceDeskUnknownCallRefError,
  type ServiceRequestToLog,
} from '../../../integrations/servicedesk';
import { CANARY_MARKERS, demoPatient } from '../../../sandbox/demo';
import { testRedisUrl, uniquePrefix } from '../../support/services';
import { closedPort } from '../pas/peerFixtures';

const canary = demoPatient('canary');

async function failure(fn: () => Promise<unknown>): Promise<ServiceDeskError> {
  let caught: unknown;
  try {
    await fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(ServiceDeskError);
  const err = caught as ServiceDeskError;
  for (const m of CANARY_MARKERS) expect(`${err.message} ${JSON.stringify(err)}`).not.toContain(m);
  return err;
}

const request = (over: Partial<ServiceRequestToLog> = {}): ServiceRequestToLog => ({
  requestId: `req-${Math.random().toString(36).slice(2, 10)}`,
  kind: 'import',
  priority: 'standard',
  summary: 'IEP import from Nottingham University Hospitals: 2 exams, required by 2026-02-03',
  ...over,
});

describe('LocalServiceDesk on real Redis', () => {
  let redis: Redis;
  let prefix: string;
  let desk: LocalServiceDesk;
  let clock: Date;

  beforeAll(() => {
    redis = new Redis(testRedisUrl(), { lazyConnect: false });
  });
  beforeEach(() => {
    prefix = uniquePrefix('sd');
    clock = new Date('2026-03-10T10:00:00Z');
    desk = new LocalServiceDesk(redis, { prefix, now: () => clock });
  });
  afterEach(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
  });
  afterAll(async () => {
    await redis.quit();
  });

  it('logs a request with the next call reference from the INCR sequence, and keeps the record without patient data', async () => {
    await redis.set(`${prefix}:callref:seq`, 41);
    const req = request({ priority: 'blueLight' });
    const logged = await desk.logRequest(req);
    expect(logged).toEqual({ callRef: 'ITB-2026-000042', loggedAt: '2026-03-10T10:00:00.000Z', alreadyLogged: false });
    expect(await redis.get(`${prefix}:callref:seq`)).toBe('42');
    expect(await desk.read('ITB-2026-000042')).toEqual({
      callRef: 'ITB-2026-000042',
      requestId: req.requestId,
      kind: 'import',
      priority: 'blueLight',
      summary: req.summary,
      status: 'logged',
      loggedAt: '2026-03-10T10:00:00.000Z',
      notes: [],
    });
    expect(await redis.hgetall(`${prefix}:servicedesk:request:42`)).toEqual({
      requestId: req.requestId,
      year: '2026',
      kind: 'import',
      priority: 'blueLight',
      summary: req.summary,
      loggedAt: '2026-03-10T10:00:00.000Z',
      status: 'logged',
    });
  });

  it('returns the same call reference when the same request is logged again, even in a later year', async () => {
    const req = request();
    const first = await desk.logRequest(req);
    clock = new Date('2027-01-02T10:00:00Z');
    const again = await desk.logRequest(req);
    expect(again).toEqual({ ...first, alreadyLogged: true });
    expect(await redis.get(`${prefix}:callref:seq`)).toBe('1');
  });

  it('gives 20 concurrent requests 20 distinct references and 20 concurrent repeats of one request a single one', async () => {
    const many = await Promise.all(Array.from({ length: 20 }, () => desk.logRequest(request())));
    expect(new Set(many.map((m) => m.callRef)).size).toBe(20);
    const one = request();
    const repeats = await Promise.all(Array.from({ length: 20 }, () => desk.logRequest(one)));
    expect(new Set(repeats.map((r) => r.callRef)).size).toBe(1);
    expect(repeats.filter((r) => !r.alreadyLogged)).toHaveLength(1);
    expect(await redis.get(`${prefix}:callref:seq`)).toBe('21');
  });

  it('puts the year of logging in the reference (UK time, which is GMT at New Year)', async () => {
    clock = new Date('2026-12-31T23:30:00Z');
    expect((await desk.logRequest(request())).callRef).toMatch(/^ITB-2026-/);
    clock = new Date('2027-01-01T00:30:00Z');
    expect((await desk.logRequest(request())).callRef).toMatch(/^ITB-2027-/);
  });

  it('adds notes in order and resolves once (a second resolve changes nothing)', async () => {
    const { callRef } = await desk.logRequest(request());
    await desk.addNote(callRef, 'Request approved by the service desk');
    clock = new Date('2026-03-10T11:00:00Z');
    await desk.addNote(callRef, 'Images delivered to PACS');
    await desk.resolve(callRef, 'Images available on PACS; requester told');
    clock = new Date('2026-03-11T09:00:00Z');
    await desk.resolve(callRef, 'a second closing note');
    const rec = await desk.read(callRef);
    expect(rec?.notes).toEqual([
      { at: '2026-03-10T10:00:00.000Z', text: 'Request approved by the service desk' },
      { at: '2026-03-10T11:00:00.000Z', text: 'Images delivered to PACS' },
    ]);
    expect(rec).toMatchObject({ status: 'resolved', resolvedAt: '2026-03-10T11:00:00.000Z', resolution: 'Images available on PACS; requester told' });
  });

  it('refuses notes and resolutions for unknown or malformed call references, permanently', async () => {
    const { callRef } = await desk.logRequest(request());
    const otherYear = callRef.replace('2026', '2025');
    for (const ref of ['ITB-2026-999999', otherYear, 'nonsense', canary.sNumber]) {
      const err = await failure(() => desk.addNote(ref, 'note'));
      expect(err).toBeInstanceOf(ServiceDeskUnknownCallRefError);
      expect(err.retryable).toBe(false);
      await expect(desk.resolve(ref, 'done')).rejects.toBeInstanceOf(ServiceDeskUnknownCallRefError);
    }
    expect(await desk.read('ITB-2026-999999')).toBeUndefined();
    expect((await desk.read(callRef))?.notes).toEqual([]);
  });

  it('refuses patient identifiers in the summary or a note, stores nothing, and does not quote them', async () => {
    const err = await failure(() => desk.logRequest(request({ summary: `CT head for ${canary.sNumber}` })));
    expect(err).toBeInstanceOf(ServiceDeskInvalidInputError);
    expect(err.retryable).toBe(false);
    expect(await redis.get(`${prefix}:callref:seq`)).toBeNull();
    const { callRef } = await desk.logRequest(request());
    const noteErr = await failure(() => desk.addNote(callRef, `NHS ${canary.nhsNumber}`));
    expect(noteErr).toBeInstanceOf(ServiceDeskInvalidInputError);
    expect(noteErr.message).toContain(callRef);
    expect((await desk.read(callRef))?.notes).toEqual([]);
  });

  it('nothing with patient data reaches Redis across a whole log, note, resolve cycle', async () => {
    const { callRef } = await desk.logRequest(request({ kind: 'trauma', priority: 'clinicalEmergency', summary: 'Trauma transfer to NUH Radiology PACS: 1 study' }));
    await desk.addNote(callRef, 'On IEP at 02:14');
    await desk.resolve(callRef, 'Delivered');
    const keys = await redis.keys(`${prefix}*`);
    const dump = JSON.stringify(await Promise.all(keys.map(async (k) => ((await redis.type(k)) === 'hash' ? redis.hgetall(k) : (await redis.type(k)) === 'list' ? redis.lrange(k, 0, -1) : redis.get(k)))));
    for (const m of CANARY_MARKERS) expect(dump).not.toContain(m);
    expect(dump).toContain('clinicalEmergency');
  });
});

describe('LocalServiceDesk when Redis is down', () => {
  it('fails with a retryable ServiceDeskStoreError', async () => {
    const port = await closedPort();
    const redis = new Redis({ host: '127.0.0.1', port, lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => null });
    redis.on('error', () => undefined);
    const desk = new LocalServiceDesk(redis, { prefix: uniquePrefix('sd-down') });
    const err = await failure(() => desk.logRequest(request()));
    expect(err).toBeInstanceOf(ServiceDeskStoreError);
    expect(err.retryable).toBe(true);
    expect(err.message).toContain('Redis');
    redis.disconnect();
  });
});
