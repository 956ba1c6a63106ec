import { CloudAdapter, ConfigurationBotFrameworkAuthentication, ConfigurationServiceClientCredentialFactory } from 'botbuilder';
import { Redis } from 'ioredis';
import type { Job, Worker } from 'bullmq';
import { approve, submitRequest, type AcceptedRequest } from '../../../app';
import { createLogger } from '../../../config/logger';
import { ConversationRateLimiter } from '../../../bot/notifications/conversationRateLimiter';
import { initNotifyWorker } from '../../../bot/notifications/notifyWorker';
import { PostedCards } from '../../../bot/notifications/postedCards';
import { ProactiveSender } from '../../../bot/notifications/proactiveSender';
import { StaffNames } from '../../../bot/staffNames';
import type { StatusChangeNotice } from '../../../domain';
import { createNotifyQueue, QueueNotifier, type NotifyJobData } from '../../../workers/notifyQueue';
import { ConnectorStub } from '../../support/connectorStub';
import { testRedisUrl } from '../../support/services';
import { analyst, clinician } from '../app/actors';
import { startAppHarness, type AppHarness } from '../app/appHarness';
import { formValues } from '../app/forms';
import { CHANNEL_ID } from './botHarness';

/** Proactive sends over the real HTTP path: notify queue -> worker -> ProactiveSender -> CloudAdapter -> connector stub. */
describe('notifications: the notify worker sending to a connector stub', () => {
  let h: AppHarness;
  let connector: ConnectorStub;
  let serviceUrl: string;
  let workerConnection: Redis;
  let worker: Worker<NotifyJobData>;
  let queue: ReturnType<typeof createNotifyQueue>;
  let notifier: QueueNotifier;
  let postedCards: PostedCards;
  let req: AcceptedRequest;
  const arrivals: number[] = [];

  beforeEach(async () => {
    h = await startAppHarness('notify');
    connector = new ConnectorStub();
    serviceUrl = await connector.start();
    const logger = createLogger({ level: 'silent' });
    const creds = new ConfigurationServiceClientCredentialFactory({ MicrosoftAppId: '', MicrosoftAppPassword: '', MicrosoftAppType: 'MultiTenant' });
    const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}, creds));
    const sender = new ProactiveSender({ adapter, appId: '', conversations: h.store.conversations, limiter: new ConversationRateLimiter(h.redis, h.prefix), logger });
    queue = createNotifyQueue(h.redis, h.prefix);
    notifier = new QueueNotifier(queue);
    postedCards = new PostedCards(h.redis, h.prefix);
    const staffNames = new StaffNames(h.redis, h.prefix);
    workerConnection = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
    worker = initNotifyWorker(workerConnection, h.prefix, { store: h.store, sender, postedCards, staffNames, queue, now: () => new Date(), logger }, { backoff: { baseMs: 50, maxMs: 400 } });
    const bot = { id: '28:00000000-0000-0000-0000-0000000b0701', name: 'Imaging Transfer Bot' };
    await h.store.conversations.saveForUser(clinician.aadObjectId, { channelId: 'msteams', serviceUrl, bot, user: { id: '29:clinician', name: 'Dr Priya Ramanathan' }, conversation: { id: 'a:clinician-chat', conversationType: 'personal' } });
    await h.store.conversations.saveForChannel({ channelId: 'msteams', serviceUrl, bot, conversation: { id: CHANNEL_ID, conversationType: 'channel', isGroup: true } });
    const out = await submitRequest(h.deps, clinician, 'import', formValues('personal-submit-import'), `k-${Math.random()}`);
    if (out.outcome !== 'accepted') throw new Error(JSON.stringify(out));
    req = out;
    arrivals.length = 0;
  });
  afterEach(async () => {
    await worker.close();
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    workerConnection.disconnect();
    await connector.stop();
    await h.close();
  });

  function notice(to: StatusChangeNotice['to'], at = new Date().toISOString()): StatusChangeNotice {
    return { requestId: req.requestId, callRef: req.callRef, kind: 'import', from: 'awaitingApproval', to, at, why: 'test' };
  }

  async function finished(jobId: string, timeoutMs = 8000): Promise<Job<NotifyJobData>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const job = await queue.getJob(jobId);
      const state = job ? await job.getState() : 'missing';
      // Re-read once it has finished: the snapshot taken before the state check may predate the result.
      if (job && (state === 'completed' || state === 'failed')) return (await queue.getJob(jobId))!;
      if (Date.now() > deadline) throw new Error(`job ${jobId} still ${state}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  const jobIdOf = (n: StatusChangeNotice) => `status.${n.requestId}.${n.to}.${n.at.replace(/:/g, '.')}`;

  it('sends the requester a status card into their chat, records it for updates, and audits the send', async () => {
    const n = notice('approved');
    await notifier.notifyRequester(req.requestId, n);
    const job = await finished(jobIdOf(n));
    expect(job.returnvalue).toBe('requester:sent');
    const [sent] = await connector.waitFor(1);
    expect(sent!.method).toBe('POST');
    expect(sent!.path).toMatch(/^\/v3\/conversations\/a%3Aclinician-chat\/activities/);
    expect(JSON.stringify(sent!.body)).toContain(req.callRef);
    expect(await postedCards.get(req.requestId, 'status')).toMatchObject({ activityId: 'stub-1', conversationId: 'a:clinician-chat' });
    const audit = (await h.store.audit.readForRequest(req.requestId)).map((e) => e.event);
    expect(audit).toContainEqual(expect.objectContaining({ type: 'notification.sent', facts: { audience: 'requester', topic: 'status:approved' } }));
  });

  it('a decline reaches the requester and the channel in the sending trust\'s own words (2.5a), not our code', async () => {
    const SYSTEM = { type: 'system', component: 'test' } as const;
    await approve(h.deps, analyst, req.requestId, 'approve-decline');
    await h.store.requests.transition(req.requestId, 'iepNew', { actor: SYSTEM, at: new Date(), reason: 'IEP request created' });
    const trustWords = 'The requested study does not exist at this organisation.';
    await h.store.requests.transition(req.requestId, 'iepDeclined', { actor: SYSTEM, at: new Date(), reason: 'declined by the sending organisation (studyNotHeld)', note: trustWords });
    const n = { ...notice('iepDeclined'), from: 'iepNew' as const };
    await notifier.notifyRequester(req.requestId, n);
    await notifier.notifyChannel({ topic: 'iepDeclined', requestId: req.requestId, callRef: req.callRef, kind: 'import', status: 'iepDeclined' });
    const sent = await connector.waitFor(2, 8000);
    const toRequester = sent.find((r) => r.path.includes('a%3Aclinician-chat'));
    const toChannel = sent.find((r) => r.path.includes(encodeURIComponent(CHANNEL_ID)));
    expect(JSON.stringify(toRequester?.body)).toContain(`The sending trust declined the request: \\"${trustWords}\\"`);
    expect(JSON.stringify(toChannel?.body)).toContain(trustWords);
    expect(JSON.stringify(toChannel?.body)).not.toContain('(studyNotHeld)');
  });

  it('the same notice enqueued twice is sent once (job id = the notice key)', async () => {
    const n = notice('approved');
    await notifier.notifyRequester(req.requestId, n);
    await notifier.notifyRequester(req.requestId, n);
    await finished(jobIdOf(n));
    await new Promise((r) => setTimeout(r, 300));
    expect(connector.received.filter((r) => r.method === 'POST' && r.path.includes('clinician-chat'))).toHaveLength(1);
  });

  it('retries 429, 412, 502 and 504 with backoff and then delivers once', async () => {
    connector.nextStatuses.push(429, 412, 502, 504);
    const n = notice('approved');
    await notifier.notifyRequester(req.requestId, n);
    const job = await finished(jobIdOf(n));
    expect(await job.getState()).toBe('completed');
    // botbuilder's HTTP pipeline retries some 5xx itself; our backoff covers the rest. Every fault was met, one send landed.
    expect(job.attemptsMade).toBeGreaterThanOrEqual(3);
    expect(connector.nextStatuses).toEqual([]);
    expect(connector.received.filter((r) => r.method === 'POST' && r.path.includes('clinician-chat'))).toHaveLength(1);
  });

  it('a 400 is not retried: the job fails for good after one attempt', async () => {
    connector.nextStatuses.push(400);
    const n = notice('approved');
    await notifier.notifyRequester(req.requestId, n);
    const job = await finished(jobIdOf(n));
    expect({ state: await job.getState(), attempts: job.attemptsMade, reason: job.failedReason }).toEqual({ state: 'failed', attempts: 1, reason: 'Teams answered 400' });
    expect(job.failedReason).toBe('Teams answered 400');
  });

  it('a 403 (app removed) is recorded on the stored reference, audited, and the channel is told; later notices do not call Teams', async () => {
    connector.nextStatuses.push(403);
    const n = notice('approved');
    await notifier.notifyRequester(req.requestId, n);
    const job = await finished(jobIdOf(n));
    expect({ value: job.returnvalue, failed: job.failedReason }).toEqual({ value: 'requester:appRemoved', failed: undefined });
    expect(await h.store.conversations.getForUser(clinician.aadObjectId)).toMatchObject({ undeliverable: { status: 403 } });
    const [told] = await connector.waitFor(1);
    expect(told!.path).toContain(encodeURIComponent(CHANNEL_ID));
    expect(told!.body.text).toMatch(new RegExp(`could not tell the requester of ${req.callRef}.*removed the app`));
    expect((await h.store.audit.readForRequest(req.requestId)).map((e) => e.event)).toContainEqual(
      expect.objectContaining({ type: 'notification.failed', facts: { audience: 'requester', reason: 'appRemoved' } }),
    );
    const later = notice('rejected', new Date(Date.now() + 1000).toISOString());
    await notifier.notifyRequester(req.requestId, later);
    expect((await finished(jobIdOf(later))).returnvalue).toBe('requester:appRemoved');
    await connector.waitFor(2);
    expect(connector.received.filter((r) => r.path.includes('clinician-chat'))).toHaveLength(0);
  });

  it('posts the approval card to the channel, then updates that same message in place when the request changes', async () => {
    await notifier.notifyChannel({ topic: 'approvalNeeded', requestId: req.requestId, callRef: req.callRef, kind: 'import', status: 'awaitingApproval' });
    await connector.waitFor(1);
    expect(connector.received[0]!.method).toBe('POST');
    expect(JSON.stringify(connector.received[0]!.body)).toContain(`Approval needed: ${req.callRef}`);
    await finished('channel.approvalNeeded.' + req.requestId + '.awaitingApproval');
    expect(await postedCards.get(req.requestId, 'approval')).toMatchObject({ activityId: 'stub-1' });

    h.deps.notifier = notifier;
    await approve(h.deps, analyst, req.requestId, 'approve-1');
    const updates = await connector.waitFor(3, 8000);
    const put = updates.find((r) => r.method === 'PUT');
    expect(put!.path).toBe(`/v3/conversations/${encodeURIComponent(CHANNEL_ID)}/activities/stub-1`);
    expect(JSON.stringify(put!.body)).toMatch(/Approved by/);
  });

  it('keeps within 7 messages a second per conversation: the rest wait in "delayed" and all arrive', async () => {
    const poll = setInterval(() => {
      while (arrivals.length < connector.received.length) arrivals.push(Date.now());
    }, 5);
    try {
      // Ten distinct notices to one channel (a notice's key includes its status, so the statuses differ).
      const statuses = ['iepNew', 'iepStarted', 'onIep', 'iepDownloadRequest', 'iepDownloading', 'iepDelivered', 'deliveredToPacs', 'registeredOnRis', 'completed', 'approved'] as const;
      for (const s of statuses) await notifier.notifyChannel({ topic: 'blueLightAtRisk', requestId: req.requestId, callRef: req.callRef, kind: 'import', status: s });
      await connector.waitFor(10, 10_000);
    } finally {
      clearInterval(poll);
    }
    while (arrivals.length < connector.received.length) arrivals.push(Date.now());
    for (let i = 7; i < arrivals.length; i++) expect(arrivals[i]! - arrivals[i - 7]!).toBeGreaterThanOrEqual(950);
    expect(arrivals[9]! - arrivals[0]!).toBeGreaterThanOrEqual(950);
    expect((await queue.getJobCounts('failed')).failed).toBe(0);
  });
});
