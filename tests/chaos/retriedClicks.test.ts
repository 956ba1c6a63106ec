import type { Queue } from 'bullmq';
import { submitRequest, type AcceptedRequest } from '../../app';
import { createFlowQueue, type FlowJobData } from '../../workers/flowQueue';
import { createFlowProducer, type FlowProducer } from '../../workers/flowProducer';
import { createNotifyQueue, QueueNotifier, type NotifyJobData } from '../../workers/notifyQueue';
import { analyst, clinician } from '../integration/app/actors';
import { formValues } from '../integration/app/forms';
import { channelInvoke, channelSubmit, startBotHarness, type BotHarness } from '../integration/bot/botHarness';
import { testConfig } from '../support/config';

jest.setTimeout(300_000);

const APPROVALS = 200;

/**
 * Retried clicks (issue 9): 200 approvals, each delivered three times as Teams does - the same Action.Submit
 * activity, or the same Action.Execute invoke (Teams re-sends an invoke it has no answer to within its timeout, so
 * the copies may overlap the first: half the requests get their three copies at once, half one after another).
 * Through the bot's activity handler, with the real flow starter (BullMQ flow queue) and the real notify queue on
 * the run's Redis: exactly 200 approvals, 200 flows started, one desk note and one requester notice per request.
 */
describe('retried clicks: 200 approvals delivered 3 times each', () => {
  let h: BotHarness;
  let producer: FlowProducer;
  let notify: Queue<NotifyJobData>;
  let flowQueue: Queue<FlowJobData>;
  const requests: AcceptedRequest[] = [];

  beforeAll(async () => {
    h = await startBotHarness('retried');
    producer = createFlowProducer(h.redis, testConfig({ REDIS_PREFIX: h.prefix }));
    notify = createNotifyQueue(h.redis, h.prefix);
    flowQueue = createFlowQueue(h.redis, h.prefix);
    // The bot's wiring: the workers' FlowStarter and the queue notifier instead of the harness's recorders.
    h.deps.flows = producer.flows;
    h.deps.notifier = new QueueNotifier(notify);
    for (let i = 0; i < APPROVALS; i++) {
      const out = await submitRequest(h.deps, clinician, 'import', formValues('personal-submit-import'), `retried-${i}`);
      if (out.outcome !== 'accepted') throw new Error(JSON.stringify(out));
      requests.push(out);
    }
  });
  afterAll(async () => {
    await flowQueue?.close();
    await notify?.close();
    await producer?.close();
    await h?.close();
  });

  it('exactly 200 approvals and 200 flows started', async () => {
    let statusErrors = 0;
    const deliver = async (req: AcceptedRequest, i: number) => {
      const invoke = i % 2 === 0;
      const data = { requestId: req.requestId, callRef: req.callRef };
      // One activity, delivered three times: same activity id, same card.
      const activity = invoke
        ? channelInvoke(analyst, 'approve', data, `retry-invoke-${i}`)
        : channelSubmit(analyst, { verb: 'approve', ...data }, `approval-card-${i}`, `retry-submit-${i}`);
      const copies = () => h.send(structuredClone(activity));
      const answers = i % 4 < 2 ? await Promise.all([copies(), copies(), copies()]) : [await copies(), await copies(), await copies()];
      for (const a of answers) {
        const response = a.sent.find((s) => s.type === 'invokeResponse')?.value as { status?: number } | undefined;
        if (invoke && response?.status !== 200) statusErrors++;
      }
    };
    // Four approvals in flight at a time, like a busy desk.
    for (let i = 0; i < requests.length; i += 4) await Promise.all(requests.slice(i, i + 4).map((r, k) => deliver(r, i + k)));

    let approvals = 0;
    let notes = 0;
    for (const r of requests) {
      const stored = await h.store.requests.get(r.requestId);
      approvals += stored!.history.filter((t) => t.to === 'approved').length;
      expect(stored!.status).toBe('approved');
      notes += (await h.desk.read(r.callRef))!.notes.length;
    }
    const flowJobs = await flowQueue.getJobs(['waiting', 'prioritized', 'delayed', 'active', 'completed', 'failed']);
    const flowsPerRequest = new Map<string, number>();
    for (const j of flowJobs) flowsPerRequest.set(j.data.requestId, (flowsPerRequest.get(j.data.requestId) ?? 0) + 1);
    const notices = (await notify.getJobs(['waiting', 'prioritized', 'delayed', 'active', 'completed', 'failed'])).filter((j) => j.data.type === 'requesterStatus');
    console.log(
      `RETRIED CLICKS: ${APPROVALS} approvals x 3 deliveries (${APPROVALS * 3} activities, half invokes, half concurrent copies) -> ` +
        `${approvals} approvals, ${flowJobs.length} flows started (${flowsPerRequest.size} requests), ${notes} desk notes, ${notices.length} requester notices, ${statusErrors} non-200 invoke answers`,
    );
    expect(approvals).toBe(APPROVALS);
    expect(flowJobs.length).toBe(APPROVALS);
    expect(flowsPerRequest.size).toBe(APPROVALS);
    expect(notes).toBe(APPROVALS);
    expect(notices.length).toBe(APPROVALS);
    expect(statusErrors).toBe(0);
  });
});
