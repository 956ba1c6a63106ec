import { approve, submitRequest, type AcceptedRequest } from '../../../app';
import { createLogger } from '../../../config/logger';
import { HttpIepClient } from '../../../integrations/iep';
import { startIepSimulator, type IepSimulator } from '../../../sandbox/iep-simulator/iepSimulator';
import { createAnalystWork, type RunningAnalystWork } from '../../../workers/analystWork';
import type { FlowDeps } from '../../../workers/flowDeps';
import { createInboundQueue } from '../../../workers/inboundQueue';
import { pollIncoming, readUnsolicitedItem, unsolicitedItemId } from '../../../workers/unsolicited';
import { testConfig } from '../../support/config';
import { MemoryArchive, study } from '../../unit/iep/memoryArchive';
import { control } from '../iep/iepFixtures';
import { analyst, clinician, nonApprover } from '../app/actors';
import { formValues } from '../app/forms';
import { cardOf, cardText, channelInvoke, channelSubmit, inputIds, startBotHarness, type BotHarness } from './botHarness';

/**
 * Images on IEP with no request (guideline 2.4), from the analysts' action-required card through app/ to the workers'
 * own functions (workers/unsolicited.ts via workers/analystWork.ts), against the IEP simulator over HTTP and real Redis.
 */
describe('action required: images on IEP with no request (Match / Ask the sender / Cancel)', () => {
  let h: BotHarness;
  let sim: IepSimulator;
  let iep: HttpIepClient;
  let running: RunningAnalystWork;
  let itemId: string;
  let txId: string;

  beforeEach(async () => {
    h = await startBotHarness('unsolicited');
    await h.staffNames.remember(analyst.aadObjectId, analyst.displayName!);
    const s = study({ modalities: ['CT'] });
    sim = await startIepSimulator({ archive: new MemoryArchive([s]), clock: { start: new Date('2026-03-11T09:00:00Z'), mode: 'manual' } });
    iep = new HttpIepClient({ baseUrl: sim.baseUrl });
    running = createAnalystWork(h.redis, testConfig({ REDIS_PREFIX: h.prefix }), { notifier: h.notifier, logger: createLogger({ level: 'silent' }), iep });
    h.deps.work = running.work;
    const tx = await control<{ id: string }>(sim.controlUrl, '/incoming', { institutionId: 'kgh', studyInstanceUids: [s.studyInstanceUid] });
    await control(sim.controlUrl, '/clock', { advanceMs: 30 * 60_000 });
    txId = tx.id;
    // The workers' timer raises the item (as the incoming.poll schedule does); the same deps the bot's port uses.
    const raised = await pollIncoming(workDeps());
    expect(raised.raised).toBe(1);
    itemId = unsolicitedItemId(txId);
  });
  afterEach(async () => {
    await running.close();
    await sim.close();
    await h.close();
  });

  /** The port's own FlowDeps (private to it), for the workers' functions the test calls directly. */
  const workDeps = () => (running.work as unknown as { deps: FlowDeps }).deps;

  const click = (verb: string, extra: Record<string, unknown> = {}, cardId = 'action-card-1', who = analyst, id?: string) =>
    h.send(channelSubmit(who, { verb, itemId, requestId: '', callRef: '', ...extra }, cardId, id));

  async function approvedImport(): Promise<AcceptedRequest> {
    const out = await submitRequest(h.deps, clinician, 'import', formValues('personal-submit-import'), `k-${Math.random()}`);
    if (out.outcome !== 'accepted') throw new Error(JSON.stringify(out));
    await approve(h.deps, analyst, out.requestId, `approve-${out.requestId}`);
    return out;
  }

  it('match to an approved import by call reference: the card says who matched it to which request, the download is queued', async () => {
    const req = await approvedImport();
    const { updated } = await click('matchToRequest', { matchCallRef: ` ${req.callRef} ` });
    expect(updated.map((u) => u.id)).toEqual(['action-card-1']);
    const text = cardText(updated[0]);
    expect(text).toMatch(new RegExp(`Matched to ${req.callRef} by Bronwen Achterberg at \\d\\d:\\d\\d`));
    expect(text).toContain('Kettering General Hospital');
    expect(inputIds(cardOf(updated[0]))).toEqual([]); // closed: no buttons, no inputs
    expect((await h.store.requests.getSummary(req.requestId))!.status).toBe('onIep');
    expect(await readUnsolicitedItem(workDeps(), itemId)).toMatchObject({ state: 'matched', requestId: req.requestId });
    const inbound = createInboundQueue(h.redis, h.prefix);
    try {
      expect((await inbound.getJobs(['prioritized', 'waiting'])).map((j) => [j.name, j.data])).toEqual([['import.download', { requestId: req.requestId, run: 0 }]]);
    } finally {
      await inbound.close();
    }
  });

  it('match problems come back under the call reference box on the same card; nothing changes', async () => {
    const notApproved = await submitRequest(h.deps, clinician, 'import', formValues('personal-submit-import', { 'exams[0].description': 'CT chest' }), `k-${Math.random()}`);
    if (notApproved.outcome !== 'accepted') throw new Error('not accepted');
    const cases: Array<[string, RegExp]> = [
      ['not a reference', /Type the call reference of the request/],
      ['ITB-2026-999999', /No request has the call reference ITB-2026-999999/],
      [notApproved.callRef, new RegExp(`${notApproved.callRef} is \\\\"Waiting for approval\\\\": images can be matched only to an approved import`)],
    ];
    for (const [typed, message] of cases) {
      const { updated } = await click('matchToRequest', { matchCallRef: typed });
      const text = cardText(updated[0]);
      expect(text).toMatch(message);
      expect(text).toContain('"verb":"matchToRequest"'); // still open
    }
    expect(await readUnsolicitedItem(workDeps(), itemId)).toMatchObject({ state: 'open' });
  });

  it('ask the sender: one message on the IEP transaction however often it arrives; the card stays open and says who asked', async () => {
    const activity = channelSubmit(analyst, { verb: 'askSender', itemId, requestId: '', callRef: '' }, 'action-card-2', 'ask-1');
    let last;
    for (let i = 0; i < 3; i++) last = await h.send(activity);
    await h.send(channelInvoke(analyst, 'askSender', { itemId }, 'ask-invoke-1'));
    const ours = (await iep.listMessages(txId)).filter((m) => m.author.institutionId === 'uhl');
    expect(ours).toHaveLength(1);
    expect(ours[0]!.text).toMatch(/received these images without a request/);
    const text = cardText(last!.updated[0]);
    expect(text).toMatch(/Asked the sender for the details [^"]*· Bronwen Achterberg/);
    expect(text).toContain('"verb":"matchToRequest"');
  });

  it('cancel needs a reason; with one the sender is told on IEP, the channel hears, and the card shows who, when and why', async () => {
    const missing = await h.send(channelInvoke(analyst, 'cancelUnmatched', { itemId, reason: ' ' }));
    expect(JSON.stringify(missing.sent.find((s) => s.type === 'invokeResponse')?.value)).toMatch(/Enter the reason for cancelling/);
    const invoke = channelInvoke(analyst, 'cancelUnmatched', { itemId, reason: 'Sent on CD instead' }, 'cancel-invoke-1');
    const answers = [await h.send(invoke), await h.send(invoke)];
    for (const a of answers) {
      const response = a.sent.find((s) => s.type === 'invokeResponse');
      expect(response?.value).toMatchObject({ status: 200, body: { type: 'application/vnd.microsoft.card.adaptive' } });
      expect(JSON.stringify(response?.value)).toMatch(/Cancelled by Bronwen Achterberg at \d\d:\d\d/);
    }
    expect(JSON.stringify(answers[0]!.sent)).toContain('Reason: Sent on CD instead');
    expect((await iep.listMessages(txId)).filter((m) => m.author.institutionId === 'uhl' && /cancelled these images/.test(m.text))).toHaveLength(1);
    expect(h.notifier.channel).toContainEqual({ topic: 'unsolicitedImages', requestId: itemId, status: 'cancelled' });
    // Too late to match now: the card explains, under the box.
    const req = await approvedImport();
    const late = await click('matchToRequest', { matchCallRef: req.callRef }, 'action-card-3');
    expect(cardText(late.updated[0])).toMatch(/The images are already cancelled/);
  });

  it('only analysts: a clinician in the channel is refused kindly for each action, audited against the images; nothing happens', async () => {
    for (const verb of ['matchToRequest', 'askSender', 'cancelUnmatched']) {
      const { sent, updated } = await click(verb, { matchCallRef: 'ITB-2026-000001', reason: 'x' }, 'action-card-4', nonApprover);
      expect(updated).toEqual([]);
      expect(cardText(sent[0])).toMatch(/Sorry, you can't .* these images/);
    }
    const denied = (await h.store.audit.readForRequest(itemId)).map((e) => e.event).filter((e) => e.type === 'access.denied');
    expect(denied.map((e) => (e.facts as { action: string }).action)).toEqual(['matchUnsolicited', 'askSender', 'cancelUnsolicited']);
    expect((await iep.listMessages(txId)).filter((m) => m.author.institutionId === 'uhl')).toEqual([]);
    expect(await readUnsolicitedItem(workDeps(), itemId)).toMatchObject({ state: 'open' });
  });
});
