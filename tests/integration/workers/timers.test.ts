import { Job } from 'bullmq';
import { answerInformation, askForInformation } from '../../../app';
import type { AppActor } from '../../../app/appActor';
import { advanceSharedClock, setSharedClock } from '../../../workers/clock';
import { dueIndexKey, promoteDueTimers } from '../../../workers/dueTimers';
import { execTimerQueueJob } from '../../../workers/timerQueue';
import { seedStudy } from '../iep/iepFixtures';
import { remoteOrthanc } from '../../support/services';
import { analyst, clinicianId, FlowHarness, importOf, MIN } from './support/flowHarness';

jest.setTimeout(60_000);

const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const clinician: AppActor = { aadObjectId: clinicianId, roles: ['requester'] };

async function until(what: () => Promise<boolean>, ms = 8_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await what())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 40));
  }
}

describe('timers: delayed jobs on a shared Redis clock that tests move, surviving restarts', () => {
  let h: FlowHarness;
  beforeAll(async () => {
    h = await FlowHarness.start('timers', { patients: 8 });
    await h.startWorkers();
  });
  afterAll(async () => {
    await h.close();
  });
  beforeEach(async () => {
    await setSharedClock(h.redis, h.prefix, new Date('2026-03-11T10:00:00Z'));
    await h.clock.sync();
  });

  const channelTopics = async (requestId: string) =>
    (await h.notices()).flatMap((n) => (n.type === 'channel' && n.notice.requestId === requestId ? [n.notice.topic] : []));
  const promote = () => {
    const q = h.running!.deps!.queues;
    return promoteDueTimers(h.redis, h.prefix, [q.flow, q.outbound, q.outboundEmergency!, q.inbound, q.timers], h.clock);
  };

  it('Blue Light not completed: channel escalation at 3 h, overdue at 4 h, across a worker restart', async () => {
    const p = h.patients[0]!;
    await seedStudy(remoteOrthanc().restUrl, p, '2026-02-20', 'CT', 1);
    const { requestId } = await h.submit(importOf(p, '2026-02-20', 'blueLight'));
    await h.approve(requestId);
    await h.waitFor(requestId, 'iepNew'); // the sending trust is slow (the simulator's clock is not moved)

    await advanceSharedClock(h.redis, h.prefix, 2 * HOUR + 59 * MIN);
    await promote();
    await new Promise((r) => setTimeout(r, 300));
    expect(await channelTopics(requestId)).not.toContain('blueLightAtRisk');

    // Timers are jobs in Redis: a restart of every worker loses none.
    await h.stopWorkers();
    await h.startWorkers();
    await advanceSharedClock(h.redis, h.prefix, 2 * MIN);
    expect(await promote()).toBeGreaterThanOrEqual(1);
    await until(async () => (await channelTopics(requestId)).includes('blueLightAtRisk'));

    await advanceSharedClock(h.redis, h.prefix, HOUR);
    await promote();
    await until(async () => (await h.notices()).length > 0 && (await h.notifyQueue.getJob(`channel.blueLightAtRisk.${requestId}.iepNew.overdue`)) !== undefined);
    expect((await channelTopics(requestId)).filter((t) => t === 'blueLightAtRisk')).toHaveLength(2);
  });

  it('a Blue Light request completed within 3 h is not escalated', async () => {
    const p = h.patients[1]!;
    await seedStudy(remoteOrthanc().restUrl, p, '2026-02-21', 'CT', 1);
    const { requestId } = await h.submit(importOf(p, '2026-02-21', 'blueLight'));
    await h.approve(requestId);
    await h.waitFor(requestId, 'completed', { simStepMs: 2 * MIN, timeoutMs: 40_000 });
    await advanceSharedClock(h.redis, h.prefix, 5 * HOUR);
    expect(await promote()).toBeGreaterThanOrEqual(2);
    await new Promise((r) => setTimeout(r, 400));
    expect(await channelTopics(requestId)).not.toContain('blueLightAtRisk');
  });

  it('missing details: cancelled with notice after 2 weeks; an answer in time keeps the request', async () => {
    const [a, b] = [h.patients[2]!, h.patients[3]!];
    const late = await h.submit(importOf(a, '2026-02-22'));
    const answered = await h.submit(importOf(b, '2026-02-22'));
    const app = h.app();
    for (const r of [late, answered]) expect((await askForInformation(app, analyst, r.requestId, 'Which exam dates?', `ask:${r.requestId}`)).outcome).toBe('done');
    // The app does not arm timers; the workers' sweep does, from the store's status index.
    await execTimerQueueJob({ name: 'timers.arm', data: {} }, h.running!.deps!);
    await advanceSharedClock(h.redis, h.prefix, 5 * DAY);
    await h.clock.sync();
    expect((await answerInformation(app, clinician, answered.requestId, 'CT head of 22 February', `answer:${answered.requestId}`)).outcome).toBe('done');

    await advanceSharedClock(h.redis, h.prefix, 8 * DAY + 20 * HOUR);
    await promote();
    await new Promise((r) => setTimeout(r, 300));
    expect(await h.status(late.requestId)).toBe('needsInformation'); // 13 days 20 h: not yet

    // The domain counts London dates: due on the 14th day, when the desk opens.
    await advanceSharedClock(h.redis, h.prefix, 1 * DAY);
    await promote();
    await until(async () => (await h.status(late.requestId)) === 'cancelled');
    const last = (await h.store.requests.get(late.requestId))!.history.at(-1)!;
    expect(last).toMatchObject({ from: 'needsInformation', to: 'cancelled', why: 'no details within 2 weeks (2.4d)' });
    // The step writes the status first and enqueues its notices after: read them once they have settled (a read right
    // after the status change could land between the two; seen once on a clean-clone CI run).
    const notices = await h.settledNotices();
    expect(notices.flatMap((n) => (n.type === 'channel' && n.notice.requestId === late.requestId ? [n.notice.topic] : []))).toContain('informationOverdue');
    expect(notices).toContainEqual(expect.objectContaining({ type: 'requesterStatus', requestId: late.requestId, change: expect.objectContaining({ to: 'cancelled' }) }));
    expect(await h.status(answered.requestId)).toBe('awaitingApproval');
  });

  it('On IEP for 12 days without a download: a warning to the channel', async () => {
    const p = h.patients[4]!;
    const { requestId } = await h.submit(importOf(p, '2026-02-23'));
    // As an earlier worker would have left it: approved, IEP request made, On IEP, download not yet done.
    const actor = { type: 'system', component: 'test' } as const;
    for (const to of ['approved', 'iepNew', 'onIep'] as const) await h.store.requests.transition(requestId, to, { actor, at: h.clock.now(), reason: 'test setup' });
    await execTimerQueueJob({ name: 'timers.arm', data: {} }, h.running!.deps!);
    await advanceSharedClock(h.redis, h.prefix, 11 * DAY);
    await promote();
    await new Promise((r) => setTimeout(r, 300));
    expect(await channelTopics(requestId)).not.toContain('stepFailed');
    await advanceSharedClock(h.redis, h.prefix, 1 * DAY + MIN);
    await promote();
    await until(async () => (await channelTopics(requestId)).includes('stepFailed'));
    expect(await h.settledNotices()).toContainEqual({ type: 'channel', notice: expect.objectContaining({ topic: 'stepFailed', requestId, status: 'onIep' }) });
  });

  it('a timer that fires early (promoted before its time) re-delays itself to its dueAt and does nothing', async () => {
    const p = h.patients[5]!;
    const { requestId } = await h.submit(importOf(p, '2026-02-24', 'blueLight'));
    await h.running!.flows!.start(requestId, { lane: 'blueLight' }); // arms the Blue Light timers (flow step finds "awaitingApproval")
    const timers = h.running!.deps!.queues.timers;
    const delayed = (await timers.getDelayed()).filter((j) => (j.data as { requestId?: string }).requestId === requestId);
    expect(delayed.map((j) => j.name).sort()).toEqual(['blueLight.atRisk', 'blueLight.overdue']);
    const atRisk = delayed.find((j) => j.name === 'blueLight.atRisk')!;
    await atRisk.promote();
    await until(async () => (await Job.fromId(timers, atRisk.id!))!.getState().then((s) => s === 'delayed'));
    expect(await channelTopics(requestId)).not.toContain('blueLightAtRisk');
    // Still listed at its due time for promoteDueTimers.
    expect(await h.redis.zscore(dueIndexKey(h.prefix), `timers|${atRisk.id}`)).not.toBeNull();
  });

  it('standard work out of hours waits for the next opening; Batch waits for the overnight window', async () => {
    await setSharedClock(h.redis, h.prefix, new Date('2026-03-10T22:00:00Z')); // Tuesday 22:00: closed
    await h.clock.sync();
    const [s, b] = [h.patients[6]!, h.patients[7]!];
    const standard = await h.submit(importOf(s, '2026-02-25'));
    await h.approve(standard.requestId);
    await new Promise((r) => setTimeout(r, 400));
    expect(await h.status(standard.requestId)).toBe('approved');
    const waiting = await h.running!.deps!.queues.flow.getJob(`${standard.requestId}.import.request`);
    expect(await waiting!.getState()).toBe('delayed');

    await setSharedClock(h.redis, h.prefix, new Date('2026-03-11T08:00:00Z')); // Wednesday 08:00: open
    await promote();
    await h.waitFor(standard.requestId, 'iepNew');

    // Batch at 10:00: waits for 20:00 (domain BATCH_WINDOW).
    await setSharedClock(h.redis, h.prefix, new Date('2026-03-11T10:00:00Z'));
    await h.clock.sync();
    const batch = await h.submit(importOf(b, '2026-02-25', 'batch'));
    await h.approve(batch.requestId);
    await new Promise((r) => setTimeout(r, 400));
    expect(await h.status(batch.requestId)).toBe('approved');
    await setSharedClock(h.redis, h.prefix, new Date('2026-03-11T19:59:00Z'));
    await promote();
    await new Promise((r) => setTimeout(r, 300));
    expect(await h.status(batch.requestId)).toBe('approved');
    await setSharedClock(h.redis, h.prefix, new Date('2026-03-11T20:00:00Z'));
    await promote();
    await h.waitFor(batch.requestId, 'iepNew');
  });
});
