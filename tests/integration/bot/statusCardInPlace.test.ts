import { Redis } from 'ioredis';
import type { Worker } from 'bullmq';
import { createLogger } from '../../../config/logger';
import { statusChangeNoticeOf } from '../../../domain';
import { initNotifyWorker } from '../../../bot/notifications/notifyWorker';
import { createNotifyQueue, QueueNotifier, type NotifyJobData } from '../../../workers/notifyQueue';
import { testRedisUrl } from '../../support/services';
import { analyst, clinician } from '../app/actors';
import { formValues } from '../app/forms';
import { cardText, channelSubmit, personal, startBotHarness, type BotHarness } from './botHarness';

/**
 * Issue #6 "Status card: ... updated in place as things change": after the clinician submits, the confirmation card is
 * their status card; an approval must update THAT card (one PUT), never post a second copy, and at most one short text
 * goes with it so a phone buzzes.
 */
describe('the requester\'s status card is one card, updated in place (notify worker, connector stub)', () => {
  let h: BotHarness;
  let workerConnection: Redis;
  let worker: Worker<NotifyJobData>;
  let queue: ReturnType<typeof createNotifyQueue>;

  beforeEach(async () => {
    h = await startBotHarness('statusInPlace');
    queue = createNotifyQueue(h.redis, h.prefix);
    h.deps.notifier = new QueueNotifier(queue);
    workerConnection = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
    // Default concurrency (4): the requester's notice and the card refresh may run at the same time.
    worker = initNotifyWorker(
      workerConnection,
      h.prefix,
      { store: h.store, sender: h.sender, postedCards: h.postedCards, staffNames: h.staffNames, queue, now: () => new Date(), logger: createLogger({ level: 'silent' }) },
      { backoff: { baseMs: 50, maxMs: 400 } },
    );
  });
  afterEach(async () => {
    await worker.close();
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    workerConnection.disconnect();
    await h.close();
  });

  async function drained(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const c = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'waiting-children');
      if (Object.values(c).every((n) => n === 0)) return;
      if (Date.now() > deadline) throw new Error(`notify queue not drained: ${JSON.stringify(c)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  const toClinician = () => h.connector.received.filter((r) => r.path.includes(encodeURIComponent(`a:personal-${clinician.aadObjectId}`)));

  async function submitted(): Promise<{ requestId: string; callRef: string }> {
    await h.send(personal(analyst, { text: 'help' })); // the analyst has spoken to the bot (a channel reference exists below)
    const { updated } = await h.send(personal(clinician, { value: formValues('personal-submit-import'), replyToId: 'confirmation-card-1' }));
    const callRef = /ITB-2026-\d{6}/.exec(cardText(updated[0]))![0];
    const [mine] = await h.store.requests.listByRequester(clinician.aadObjectId);
    await drained();
    h.connector.received.length = 0;
    return { requestId: mine!.id, callRef };
  }

  it('approve: exactly one update of the confirmation card (now the status card) and at most one text line', async () => {
    const { requestId, callRef } = await submitted();
    await h.send(channelSubmit(analyst, { verb: 'approve', requestId, callRef }, 'approval-card-1'));
    await drained();
    await new Promise((r) => setTimeout(r, 200));
    const mine = toClinician();
    const puts = mine.filter((r) => r.method === 'PUT');
    expect(puts.map((p) => p.path)).toEqual([expect.stringMatching(/\/activities\/confirmation-card-1$/)]);
    expect(JSON.stringify(puts[0]!.body)).toContain(callRef);
    expect(JSON.stringify(puts[0]!.body)).toMatch(/Approved/);
    const posts = mine.filter((r) => r.method === 'POST');
    // No second copy of the card: anything posted is a text line without attachments.
    expect(posts.filter((p) => (p.body.attachments ?? []).length > 0)).toEqual([]);
    expect(posts.length).toBeLessThanOrEqual(1);
    expect(posts[0]?.body.text).toBe(`${callRef}: Approved. Your status card for it is updated.`);
    expect(await h.postedCards.get(requestId, 'status')).toMatchObject({ activityId: 'confirmation-card-1', version: (await h.store.requests.getSummary(requestId))!.version });
  });

  it('a later change from the workers updates the same card again, and the same notice twice changes nothing more', async () => {
    const { requestId, callRef } = await submitted();
    await h.send(channelSubmit(analyst, { verb: 'approve', requestId, callRef }, 'approval-card-2'));
    await drained();
    h.connector.received.length = 0;
    const moved = await h.store.requests.transition(requestId, 'iepNew', { actor: { type: 'system', component: 'test' }, at: new Date(), reason: 'IEP request created' });
    const change = statusChangeNoticeOf(moved.transition, (await h.store.requests.getSummary(requestId))!.callRef);
    await h.deps.notifier.notifyRequester(requestId, change);
    await h.deps.notifier.notifyRequester(requestId, change);
    await h.deps.notifier.refreshRequestCards(requestId, moved.version);
    await drained();
    const mine = toClinician();
    expect(mine.filter((r) => r.method === 'PUT').map((p) => p.path)).toEqual([expect.stringMatching(/\/activities\/confirmation-card-1$/)]);
    expect(mine.filter((r) => r.method === 'POST').map((p) => p.body.text)).toEqual([`${callRef}: IEP: New. Your status card for it is updated.`]);
  });

  it('with no status card recorded (e.g. it was sent from elsewhere), the first notice posts the card and records it', async () => {
    const { requestId, callRef } = await submitted();
    await h.redis.del(`${h.prefix}:teams:postedCards:${requestId}`);
    await h.send(channelSubmit(analyst, { verb: 'approve', requestId, callRef }, 'approval-card-3'));
    await drained();
    const mine = toClinician();
    expect(mine.filter((r) => r.method === 'PUT')).toEqual([]);
    const posts = mine.filter((r) => r.method === 'POST');
    expect(posts).toHaveLength(1);
    expect(JSON.stringify(posts[0]!.body.attachments)).toContain(callRef);
    expect(await h.postedCards.get(requestId, 'status')).toMatchObject({ activityId: expect.stringMatching(/^stub-/) });
  });
});
