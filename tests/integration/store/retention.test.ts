import { Queue, QueueEvents, type Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { createRedisConnection } from '../../../workers/connection';
import { testRedisUrl } from '../../support/services';
import type { CallRef } from '../../../domain';
import { InvalidChangeError, RETENTION_ACTOR, sweepExpiredIdentifiers, type Store } from '../../../store';
import {
  addRetentionJob,
  createRetentionQueue,
  initRetentionWorker,
  RETENTION_CRON,
  RETENTION_QUEUE,
  RETENTION_SCHEDULER_ID,
  scheduleRetentionJob,
  type RetentionJobData,
  type RetentionJobResult,
} from '../../../workers/retentionQueue';
import { analystActor, clinician, importRequest, patientOf, requesterActor, systemActor } from './requestFixtures';
import { connect, dropPrefix, freshKey, storeFor, testPrefix } from './storeHarness';

const DAY = 24 * 60 * 60 * 1000;
const T0 = new Date('2026-03-10T10:00:00.000Z');
const later = (ms: number) => new Date(T0.getTime() + ms);

describe('retention: patient identifiers purged N days after a request ends', () => {
  let redis: Redis;
  let prefix: string;
  let store: Store;

  beforeAll(() => {
    redis = connect();
  });
  beforeEach(() => {
    prefix = testPrefix('retention');
    store = storeFor(redis, prefix, [freshKey('keyA')]);
  });
  afterEach(async () => {
    await dropPrefix(redis, prefix);
  });
  afterAll(async () => {
    await redis.quit();
  });

  /** A request taken to a terminal status at `endedAt` (or left open when undefined), with a sealed note on the way. */
  async function requestEndingAt(endedAt: Date | undefined, n: number): Promise<{ id: string; callRef: CallRef }> {
    const callRef = `ITB-2026-${String(100 + n).padStart(6, '0')}` as CallRef;
    const { id } = await store.requests.create({ request: importRequest(), requester: clinician.aadObjectId, actor: requesterActor, at: T0 });
    await store.requests.transition(id, 'logged', { actor: systemActor, at: T0, reason: 'logged with the service desk', callRef });
    await store.requests.transition(id, 'awaitingApproval', { actor: systemActor, at: T0, reason: 'sent to the channel' });
    if (endedAt) await store.requests.transition(id, 'rejected', { actor: analystActor, at: endedAt, reason: 'rejected by analyst', note: `not for ${patientOf('canary').familyName}` });
    return { id, callRef };
  }

  it('purges only requests that ended 30 or more days ago, keeping the call reference, history and audit', async () => {
    const old = await requestEndingAt(later(0), 1);
    const recent = await requestEndingAt(later(5 * DAY), 2);
    const open = await requestEndingAt(undefined, 3);
    const auditBefore = (await store.audit.readForRequest(old.id)).map((a) => a.event);

    expect(await sweepExpiredIdentifiers(store.requests, { retentionDays: 30, now: later(30 * DAY - 1) })).toMatchObject({ purged: 0 });
    const now = later(30 * DAY);
    expect(await sweepExpiredIdentifiers(store.requests, { retentionDays: 30, now })).toEqual({ purged: 1, skipped: 0, failedIds: [], cutoff: later(0) });

    const purged = await store.requests.get(old.id);
    expect(purged?.request).toBeUndefined();
    expect(purged).toMatchObject({ status: 'rejected', callRef: old.callRef, kind: 'import', organisation: 'Kettering General Hospital NHS Foundation Trust', examCount: 2, purgedAt: now.toISOString() });
    expect(purged?.history.map((t) => [t.to, t.why, t.note])).toEqual([
      ['logged', 'logged with the service desk', undefined],
      ['awaitingApproval', 'sent to the channel', undefined],
      ['rejected', 'rejected by analyst', undefined],
    ]);
    const raw = await redis.hgetall(`${prefix}:request:${old.id}`);
    expect(Object.keys(raw).filter((f) => f === 'body' || f.startsWith('note:') || f === 'patientTokens')).toEqual([]);
    expect(await store.requests.findByCallRef(old.callRef)).toBe(old.id);
    // The audit is whole, plus one event saying when and under which rule the identifiers went.
    const auditAfter = (await store.audit.readForRequest(old.id)).map((a) => a.event);
    expect(auditAfter.slice(0, auditBefore.length)).toEqual(auditBefore);
    expect(auditAfter.slice(auditBefore.length)).toEqual([
      { type: 'request.identifiersPurged', at: now.toISOString(), actor: RETENTION_ACTOR, requestId: old.id, callRef: old.callRef, facts: { kind: 'import', retentionDays: 30 } },
    ]);
    // The patient can no longer be found through this request; the others are untouched.
    expect(await store.requests.findByPatient({ sNumber: patientOf('canary').sNumber })).toEqual([recent.id, open.id].sort());
    expect((await store.requests.get(recent.id))?.history[2]?.note).toBe(`not for ${patientOf('canary').familyName}`);
    expect((await store.requests.get(open.id))?.request).toEqual(importRequest());
    // Only the recent one is still waiting (the queue holds requests whose identifiers are still kept).
    expect(await store.requests.listEndedBefore(now)).toEqual([recent.id]);
    // Idempotent: a second sweep at the same time does nothing; the recent one goes when its 30 days are up.
    expect((await sweepExpiredIdentifiers(store.requests, { retentionDays: 30, now })).purged).toBe(0);
    expect((await sweepExpiredIdentifiers(store.requests, { retentionDays: 30, now: later(35 * DAY) })).purged).toBe(1);
    await expect(store.requests.purgeIdentifiers(open.id, { at: now, actor: RETENTION_ACTOR, retentionDays: 30 })).rejects.toBeInstanceOf(InvalidChangeError);
  });

  it('works through a backlog in batches and steps over a record it cannot purge', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push((await requestEndingAt(later(i * 1000), i)).id);
    // A hand-damaged record: its status is not one the store knows.
    await redis.hset(`${prefix}:request:${ids[0]}`, 'status', 'mangled');
    const result = await sweepExpiredIdentifiers(store.requests, { retentionDays: 30, now: later(40 * DAY), batchSize: 2 });
    expect(result).toMatchObject({ purged: 6, failedIds: [ids[0]] });
    expect(await store.requests.listEndedBefore(later(40 * DAY))).toEqual([ids[0]]);
    // maxPurges bounds one run.
    await redis.hset(`${prefix}:request:${ids[0]}`, 'status', 'rejected');
    await requestEndingAt(later(0), 8);
    await requestEndingAt(later(0), 9);
    const bounded = await sweepExpiredIdentifiers(store.requests, { retentionDays: 30, now: later(40 * DAY), maxPurges: 2 });
    expect(bounded.purged).toBe(2);
    expect((await store.requests.listEndedBefore(later(40 * DAY))).length).toBe(1);
  });

  describe('the BullMQ queue', () => {
    let queue: Queue<RetentionJobData, RetentionJobResult>;
    let events: QueueEvents;
    let worker: Worker<RetentionJobData, RetentionJobResult> | undefined;
    let workerConnection: Redis;
    let eventsConnection: Redis;

    beforeEach(async () => {
      // The project's worker connections (maxRetriesPerRequest null, as BullMQ's blocking reads require).
      const config = { redis: { url: testRedisUrl(), prefix } };
      workerConnection = createRedisConnection(config, 'worker');
      eventsConnection = createRedisConnection(config, 'worker');
      queue = createRetentionQueue(redis, prefix);
      events = new QueueEvents(RETENTION_QUEUE, { connection: eventsConnection, prefix });
      await events.waitUntilReady();
    });
    afterEach(async () => {
      await worker?.close();
      worker = undefined;
      await events.close();
      await queue.obliterate({ force: true });
      await queue.close();
      await Promise.all([workerConnection.quit(), eventsConnection.quit()]);
    });

    it('a job added by a producer is run by the worker and purges what is due', async () => {
      const { id, callRef } = await requestEndingAt(later(0), 1);
      worker = initRetentionWorker(workerConnection, prefix, { store: store.requests, retentionDays: 30, now: () => later(31 * DAY) });
      const job = await addRetentionJob(queue, 'run-1');
      expect(job.opts.priority).toBeGreaterThan(10);
      expect(Object.keys(job.data)).toEqual(['trigger']);
      const result = (await job.waitUntilFinished(events, 10_000)) as RetentionJobResult;
      expect(result).toEqual({ purged: 1, skipped: 0, failedIds: [], cutoff: later(DAY).toISOString() });
      expect((await store.requests.get(id))?.request).toBeUndefined();
      expect(await store.requests.findByCallRef(callRef)).toBe(id);
    });

    it('schedules one daily job at 03:15 London time however many times it is scheduled', async () => {
      await scheduleRetentionJob(queue);
      await scheduleRetentionJob(queue);
      const schedulers = await queue.getJobSchedulers();
      expect(schedulers).toHaveLength(1);
      expect(schedulers[0]).toMatchObject({ key: RETENTION_SCHEDULER_ID, pattern: RETENTION_CRON, tz: 'Europe/London' });
      const delayed = await queue.getDelayed();
      expect(delayed).toHaveLength(1);
      expect(delayed[0]!.data).toEqual({ trigger: 'schedule' });
      expect(delayed[0]!.opts.priority).toBeGreaterThan(0);
    });
  });
});
