import { UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { approve, submitRequest, type AcceptedRequest } from '../../../app';
import { SANDBOX_ENCRYPTION_KEY } from '../../../config/encryptionKeys';
import { createFlowProducer, type FlowProducer } from '../../../workers/flowProducer';
import { stepJobId } from '../../../workers/flowRef';
import { createInboundQueue } from '../../../workers/inboundQueue';
import { testRedisUrl } from '../../support/services';
import { analyst, clinician, nonApprover } from '../app/actors';
import { formValues } from '../app/forms';
import { cardText, channelSubmit, startBotHarness, type BotHarness } from './botHarness';

const SYSTEM = { type: 'system' as const, component: 'test' };

/**
 * UHL PACS stayed down past the download step's attempts (tests/chaos/peersDown): the request is at iepDownloading, its
 * job failed, the channel got a "step failed" card. The analyst's Re-process runs the same step again (same run, no new
 * IEP request); real Redis and real BullMQ queues, the bot through botbuilder's TestAdapter.
 */
describe('Re-process on a failed step while the request is mid-flow', () => {
  let h: BotHarness;
  let producer: FlowProducer;
  let req: AcceptedRequest;
  let inbound: ReturnType<typeof createInboundQueue>;
  const jobId = () => stepJobId({ requestId: req.requestId, run: 0 }, 'import.download');

  beforeEach(async () => {
    h = await startBotHarness('retryStep');
    await h.staffNames.remember(analyst.aadObjectId, analyst.displayName!);
    producer = createFlowProducer(h.redis, { mode: 'sandbox', redis: { url: testRedisUrl(), prefix: h.prefix }, encryptionKeys: [SANDBOX_ENCRYPTION_KEY] });
    h.deps.steps = producer.steps;
    const out = await submitRequest(h.deps, clinician, 'import', formValues('personal-submit-import'), `k-${Math.random()}`);
    if (out.outcome !== 'accepted') throw new Error(JSON.stringify(out));
    req = out;
    await approve(h.deps, analyst, req.requestId, 'approve-1');
    for (const to of ['iepNew', 'onIep', 'iepDownloadRequest', 'iepDownloading'] as const) {
      await h.store.requests.transition(req.requestId, to, { actor: SYSTEM, at: new Date(), reason: `test: ${to}` });
    }
    // The download step's last attempt failed (PACS unreachable), as BullMQ leaves it.
    inbound = createInboundQueue(h.redis, h.prefix, 1, 10);
    await inbound.add('import.download', { requestId: req.requestId, run: 0 }, { jobId: jobId() });
    const connection = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
    await new Promise<void>((resolve) => {
      const w = new Worker(inbound.name, async (): Promise<void> => {
        throw new UnrecoverableError('PACS_UNREACHABLE');
      }, { connection, prefix: h.prefix });
      w.on('failed', () => void w.close().then(() => connection.disconnect()).then(() => resolve()));
    });
  });
  afterEach(async () => {
    await inbound.close();
    await producer.close();
    await h.close();
  });

  const state = async () => (await inbound.getJob(jobId()))!.getState();
  const press = (who = analyst) => h.send(channelSubmit(who, { verb: 'reprocess', requestId: req.requestId, callRef: req.callRef }, 'failure-card-1'));

  it('runs the failed download again in the same run; the card says who retried which step; the status is unchanged', async () => {
    expect(await state()).toBe('failed');
    const { updated } = await press();
    expect(await state()).toBe('waiting');
    expect(updated.map((u) => u.id)).toEqual(['failure-card-1']);
    expect(cardText(updated[0])).toMatch(/Failed step retried/);
    expect(cardText(updated[0])).toMatch(/import\.download/);
    const summary = (await h.store.requests.getSummary(req.requestId))!;
    expect(summary.status).toBe('iepDownloading');
    const audit = (await h.store.audit.readForRequest(req.requestId)).map((e) => e.event);
    expect(audit).toContainEqual(expect.objectContaining({ type: 'flow.stepRetried', facts: { steps: 'import.download', status: 'iepDownloading' } }));
    // Pressed again (or Teams retrying): nothing failed any more, so nothing is queued twice.
    const again = await press();
    expect(again.updated).toEqual([]);
    expect(JSON.stringify(again.sent)).toMatch(/Nothing has failed on this request now/);
  });

  it('refuses someone who is not an approver, audits it, and leaves the job failed', async () => {
    const { sent } = await press(nonApprover);
    expect(JSON.stringify(sent)).toMatch(/re-process this request/i);
    expect(await state()).toBe('failed');
    const denied = (await h.store.audit.readForRequest(req.requestId)).filter((e) => e.event.type === 'access.denied');
    expect(denied.map((e) => e.event.facts)).toContainEqual(expect.objectContaining({ action: 'reprocess' }));
  });
});
