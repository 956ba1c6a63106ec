import { approve, submitRequest, type AcceptedRequest } from '../../../app';
import { analyst, clinician, nonApprover } from '../app/actors';
import { formValues } from '../app/forms';
import { cardText, channelSubmit, startBotHarness, type BotHarness } from './botHarness';

const SYSTEM = { type: 'system' as const, component: 'test' };

/**
 * A study held in quarantine (issue 5: a check on the patient failed, nothing went to PACS). Its channel card offers
 * Cancel the request (with a reason) and the patient details; matching and asking the sender are for images with no
 * request. TestAdapter, real Redis, local desk.
 */
describe('quarantine card in the channel', () => {
  let h: BotHarness;
  let req: AcceptedRequest;

  beforeEach(async () => {
    h = await startBotHarness('quarantineCard');
    await h.staffNames.remember(analyst.aadObjectId, analyst.displayName!);
    const out = await submitRequest(h.deps, clinician, 'import', formValues('personal-submit-import'), `k-${Math.random()}`);
    if (out.outcome !== 'accepted') throw new Error(JSON.stringify(out));
    req = out;
    await approve(h.deps, analyst, req.requestId, 'approve-1');
    for (const to of ['iepNew', 'onIep', 'iepDownloadRequest', 'iepDownloading'] as const) {
      await h.store.requests.transition(req.requestId, to, { actor: SYSTEM, at: new Date(), reason: `test: ${to}` });
    }
    await h.store.requests.transition(req.requestId, 'quarantined', { actor: SYSTEM, at: new Date(), reason: 'held: patient name differs', note: 'PATIENT_NAME_MISMATCH' });
  });
  afterEach(async () => {
    await h.close();
  });

  const press = (who: typeof analyst, value: Record<string, unknown>) =>
    h.send(channelSubmit(who, { itemId: req.requestId, requestId: req.requestId, callRef: req.callRef, ...value }, 'quarantine-card-1'));

  it('Cancel cancels the request with the reason, updates the card with who and when, and tells the requester', async () => {
    const { updated } = await press(analyst, { verb: 'cancelUnmatched', reason: 'The sender sent another patient\'s CT; asked them to resend.' });
    expect(updated.map((u) => u.id)).toEqual(['quarantine-card-1']);
    expect(cardText(updated[0])).toMatch(/Request cancelled/);
    expect(cardText(updated[0])).toMatch(new RegExp(analyst.displayName!));
    expect((await h.store.requests.getSummary(req.requestId))!.status).toBe('cancelled');
    expect(h.notifier.requester.at(-1)!.change).toMatchObject({ from: 'quarantined', to: 'cancelled' });
    // Pressed again: the card still says cancelled (at most redrawn the same), and nothing changes twice.
    const again = await press(analyst, { verb: 'cancelUnmatched', reason: 'again' });
    for (const u of again.updated) expect(cardText(u)).toMatch(/Request cancelled/);
    expect((await h.store.requests.get(req.requestId))!.history.filter((t) => t.to === 'cancelled')).toHaveLength(1);
  });

  it('refuses a non-approver (audited), and refuses matching or asking the sender on a held study', async () => {
    await press(nonApprover, { verb: 'cancelUnmatched', reason: 'x' });
    expect((await h.store.requests.getSummary(req.requestId))!.status).toBe('quarantined');
    const denied = (await h.store.audit.readForRequest(req.requestId)).filter((e) => e.event.type === 'access.denied');
    expect(denied).toHaveLength(1);
    const { sent } = await press(analyst, { verb: 'matchToRequest', matchCallRef: req.callRef });
    expect(JSON.stringify(sent)).toMatch(/belong to a request already/);
    expect((await h.store.requests.getSummary(req.requestId))!.status).toBe('quarantined');
  });
});
