import { approve, askForInformation, submitRequest, type AcceptedRequest } from '../../../app';
import { ALL_CARD_VERBS } from '../../../cards';
import { CARD_ACTIONS } from '../../../bot/cardActions';
import type { Actor } from '../../../domain';
import { analyst, clinician, nonApprover, secondClinician } from '../app/actors';
import { formValues } from '../app/forms';
import { cardText, channelInvoke, channelSubmit, personal, startBotHarness, type BotHarness } from './botHarness';

const WORKER: Actor = { type: 'system', component: 'test-worker' };

describe('requester, status and failure verbs through the bot', () => {
  let h: BotHarness;
  let req: AcceptedRequest;
  beforeEach(async () => {
    h = await startBotHarness('verbs');
    const out = await submitRequest(h.deps, clinician, 'import', formValues('personal-submit-import'), `k-${Math.random()}`);
    if (out.outcome !== 'accepted') throw new Error(JSON.stringify(out));
    req = out;
  });
  afterEach(async () => {
    await h.close();
  });
  const ids = () => ({ requestId: req.requestId, callRef: req.callRef });

  it('every card verb has exactly one handler', () => {
    expect(Object.keys(CARD_ACTIONS).sort()).toEqual([...ALL_CARD_VERBS].sort());
  });

  it('answerInformation: the question card becomes "Answered", the request goes back for approval; a stranger is refused', async () => {
    await askForInformation(h.deps, analyst, req.requestId, 'Which MRI?', 'q');
    const stranger = await h.send(personal(secondClinician, { value: { verb: 'answerInformation', ...ids(), answer: 'x' } }));
    expect(cardText(stranger.sent[0])).toMatch(/Sorry, you can't answer/);
    const empty = await h.send(personal(clinician, { value: { verb: 'answerInformation', ...ids(), answer: '  ' }, replyToId: 'question-card' }));
    expect(cardText(empty.updated[0])).toMatch(/Write your answer/);
    const { updated } = await h.send(personal(clinician, { value: { verb: 'answerInformation', ...ids(), answer: 'The February one' }, replyToId: 'question-card' }));
    expect(updated[0]!.id).toBe('question-card');
    expect(cardText(updated[0])).toMatch(/Answered by you/);
    expect(cardText(updated[0])).toContain('The February one');
    expect((await h.store.requests.getSummary(req.requestId))!.status).toBe('awaitingApproval');
  });

  it('requestCancel -> confirmCancel: cancelled once (three deliveries); keepRequest changes nothing', async () => {
    const ask = await h.send(personal(clinician, { value: { verb: 'requestCancel', ...ids() } }));
    expect(cardText(ask.sent[0])).toContain(`Cancel ${req.callRef}?`);
    const keep = await h.send(personal(clinician, { value: { verb: 'keepRequest', ...ids() }, replyToId: 'cancel-card' }));
    expect(cardText(keep.updated[0])).toContain('Waiting for approval');
    const confirm = personal(clinician, { value: { verb: 'confirmCancel', ...ids() }, replyToId: 'cancel-card', id: 'confirm-1' });
    let last;
    for (let i = 0; i < 3; i++) last = await h.send(confirm);
    expect(cardText(last!.updated[0])).toMatch(/Cancelled by Dr Priya Ramanathan/);
    expect((await h.store.requests.get(req.requestId))!.history.filter((t) => t.to === 'cancelled')).toHaveLength(1);
  });

  it('confirmCancel after approval: too late, explained; by someone else: refused', async () => {
    await approve(h.deps, analyst, req.requestId, 'ap');
    const late = await h.send(personal(clinician, { value: { verb: 'confirmCancel', ...ids() } }));
    expect(cardText(late.sent[0])).toMatch(/Processing has started/);
    const other = await h.send(personal(secondClinician, { value: { verb: 'confirmCancel', ...ids() } }));
    expect(cardText(other.sent[0])).toMatch(/Sorry, you can't cancel this request/);
    expect((await h.store.requests.getSummary(req.requestId))!.status).toBe('approved');
  });

  it('showStatus, lookupStatus (with errors under the box), openMyRequests, openHelp', async () => {
    expect(cardText((await h.send(personal(clinician, { value: { verb: 'showStatus', ...ids() } }))).sent[0])).toContain('Waiting for approval');
    const bad = await h.send(personal(clinician, { value: { verb: 'lookupStatus', callRefQuery: 'S1234567' }, replyToId: 'list-card' }));
    expect(cardText(bad.updated[0])).toMatch(/not a call reference/);
    const good = await h.send(personal(clinician, { value: { verb: 'lookupStatus', callRefQuery: req.callRef } }));
    expect(cardText(good.sent[0])).toContain(req.callRef);
    expect(cardText((await h.send(personal(clinician, { value: { verb: 'openMyRequests' } }))).sent[0])).toContain(req.callRef);
    expect(cardText((await h.send(personal(clinician, { value: { verb: 'openHelp' } }))).sent[0])).toContain('Service desk hours');
    for (const verb of ['openImport', 'openExport', 'openCd']) {
      expect((await h.send(personal(clinician, { value: { verb } }))).sent[0]!.attachments).toHaveLength(1);
    }
  });

  it('failure card: reprocess after a failure (analyst only), back to requester, cancel with a required reason', async () => {
    await approve(h.deps, analyst, req.requestId, 'ap');
    const at = h.deps.now();
    await h.store.requests.transition(req.requestId, 'iepNew', { actor: WORKER, at, reason: 'IEP request created' });
    await h.store.requests.transition(req.requestId, 'iepDeclined', { actor: WORKER, at, reason: 'declined: study not held' });

    const refused = await h.send(channelSubmit(nonApprover, { verb: 'reprocess', ...ids() }));
    expect(cardText(refused.sent[0])).toMatch(/Sorry, you can't re-process/);
    const back = await h.send(channelSubmit(analyst, { verb: 'returnToRequester', ...ids(), question: 'The trust has no CT from February: which date?' }, 'failure-card'));
    expect(cardText(back.updated[0])).toMatch(/Sent back to the requester by Bronwen Achterberg/);
    expect((await h.store.requests.getSummary(req.requestId))!.status).toBe('needsInformation');

    const noReason = await h.send(channelInvoke(analyst, 'cancelRequest', { ...ids(), reason: '' }));
    expect(noReason.sent.find((s) => s.type === 'invokeResponse')?.value).toMatchObject({ status: 422 });
    const cancelled = await h.send(channelSubmit(analyst, { verb: 'cancelRequest', ...ids(), reason: 'Requester no longer needs it' }, 'failure-card'));
    expect(cardText(cancelled.updated[0])).toMatch(/Cancelled by Bronwen Achterberg/);
  });

  it('reprocess from the failure card starts the next flow run', async () => {
    await approve(h.deps, analyst, req.requestId, 'ap');
    const at = h.deps.now();
    await h.store.requests.transition(req.requestId, 'iepNew', { actor: WORKER, at, reason: 'IEP request created' });
    await h.store.requests.transition(req.requestId, 'iepFailed', { actor: WORKER, at, reason: 'IEP status Failed' });
    const { updated } = await h.send(channelSubmit(analyst, { verb: 'reprocess', ...ids() }, 'failure-card'));
    expect(cardText(updated[0])).toMatch(/Re-processed by Bronwen Achterberg/);
    expect(h.flows.started.at(-1)).toEqual({ requestId: req.requestId, lane: 'standard', reprocess: 1 });
  });

  it('verbs for images with no request answer a typed "not available" (501), not a pretend success', async () => {
    const { sent } = await h.send(channelInvoke(analyst, 'matchToRequest', { itemId: 'x', matchCallRef: req.callRef }));
    expect(sent.find((s) => s.type === 'invokeResponse')?.value).toMatchObject({ status: 501, body: { type: 'application/vnd.microsoft.error', value: { code: 'notAvailable' } } });
  });
});
