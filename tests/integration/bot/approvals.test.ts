import { submitRequest, type AcceptedRequest } from '../../../app';
import { analyst, clinician, nonApprover, secondAnalyst } from '../app/actors';
import { formValues } from '../app/forms';
import { cardText, channelInvoke, channelSubmit, personal, startBotHarness, type BotHarness } from './botHarness';

describe('the approval card\'s verbs through the bot (Action.Submit and Action.Execute)', () => {
  let h: BotHarness;
  let req: AcceptedRequest;
  beforeEach(async () => {
    h = await startBotHarness('approve');
    await h.staffNames.remember(clinician.aadObjectId, clinician.displayName);
    const out = await submitRequest(h.deps, clinician, 'import', formValues('personal-submit-import'), `k-${Math.random()}`);
    if (out.outcome !== 'accepted') throw new Error(JSON.stringify(out));
    req = out;
  });
  afterEach(async () => {
    await h.close();
  });

  const approveData = () => ({ verb: 'approve', requestId: req.requestId, callRef: req.callRef });

  it('approve (Action.Submit in the channel): the clicked card becomes "Approved by <name> at <time>" for everyone', async () => {
    const { updated } = await h.send(channelSubmit(analyst, approveData(), 'approval-card-1'));
    expect(updated).toHaveLength(1);
    expect(updated[0]!.id).toBe('approval-card-1');
    const text = cardText(updated[0]);
    expect(text).toMatch(/Approved by Bronwen Achterberg at \d\d:\d\d/);
    expect(text).not.toContain('"verb":"approve"');
    expect(text).not.toMatch(/Hartwell|S1234567|9992345675/i);
    expect((await h.store.requests.getSummary(req.requestId))!.status).toBe('approved');
    expect(h.flows.started).toEqual([{ requestId: req.requestId, lane: 'standard' }]);
  });

  it('the same Action.Submit activity delivered three times changes the state once', async () => {
    const activity = channelSubmit(analyst, approveData(), 'approval-card-1', 'redelivered-1');
    for (let i = 0; i < 3; i++) await h.send(activity);
    const stored = await h.store.requests.get(req.requestId);
    expect(stored!.history.filter((t) => t.to === 'approved')).toHaveLength(1);
    expect((await h.desk.read(req.callRef))!.notes).toHaveLength(1);
  });

  it('Action.Execute invoke retried by Teams (same activity three times): one change, each answered 200 with the card', async () => {
    const activity = channelInvoke(analyst, 'approve', { requestId: req.requestId, callRef: req.callRef }, 'invoke-1');
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await h.send(activity));
    for (const a of answers) {
      const response = a.sent.find((s) => s.type === 'invokeResponse');
      expect(response?.value).toMatchObject({ status: 200, body: { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive' } });
      expect(JSON.stringify(response?.value)).toMatch(/Approved by Bronwen Achterberg/);
    }
    expect((await h.store.requests.get(req.requestId))!.history.filter((t) => t.to === 'approved')).toHaveLength(1);
  });

  it('an approver by service-desk team membership (TeamsInfo.getTeamMember) may approve too', async () => {
    await h.send(channelSubmit(secondAnalyst, approveData(), 'approval-card-2'));
    expect((await h.store.requests.getSummary(req.requestId))!.status).toBe('approved');
  });

  it('someone else in the channel is refused kindly (a card, not a bare error), audited, and nothing changes', async () => {
    const { sent, updated } = await h.send(channelSubmit(nonApprover, approveData(), 'approval-card-3'));
    expect(updated).toEqual([]);
    expect(cardText(sent[0])).toMatch(/Sorry, you can't approve this request/);
    expect(cardText(sent[0])).toMatch(/Only the service-desk analysts/);
    expect((await h.store.requests.getSummary(req.requestId))!.status).toBe('awaitingApproval');
    const denied = (await h.store.audit.readForRequest(req.requestId)).filter((e) => e.event.type === 'access.denied');
    expect(denied).toHaveLength(1);
  });

  it('a refused Action.Execute is answered with a typed invoke error (403, application/vnd.microsoft.error), not thrown', async () => {
    const { sent } = await h.send(channelInvoke(nonApprover, 'approve', { requestId: req.requestId, callRef: req.callRef }));
    const response = sent.find((s) => s.type === 'invokeResponse');
    expect(response?.value).toMatchObject({ status: 403, body: { statusCode: 403, type: 'application/vnd.microsoft.error', value: { code: 'denied' } } });
  });

  it('ids in card data are hints: a forged requestId is "not found", never someone else\'s request', async () => {
    const { sent } = await h.send(channelSubmit(analyst, { verb: 'approve', requestId: 'no-such-request', callRef: req.callRef }));
    expect(sent[0]!.text).toMatch(/can't find/);
    expect((await h.store.requests.getSummary(req.requestId))!.status).toBe('awaitingApproval');
  });

  it('reject needs a reason (typed 422 on invoke); with one the card shows the decision and the requester hears', async () => {
    const missing = await h.send(channelInvoke(analyst, 'reject', { requestId: req.requestId, callRef: req.callRef, reason: '' }));
    expect(missing.sent.find((s) => s.type === 'invokeResponse')?.value).toMatchObject({ status: 422, body: { value: { code: 'invalid' } } });
    const { updated } = await h.send(channelSubmit(analyst, { verb: 'reject', requestId: req.requestId, callRef: req.callRef, reason: 'Exam dates missing' }, 'approval-card-4'));
    expect(cardText(updated[0])).toMatch(/Rejected by Bronwen Achterberg/);
    expect(h.notifier.requester.at(-1)!.change.to).toBe('rejected');
  });

  it('needs information: the question goes to the requester and shows on the card, waiting for the answer', async () => {
    const { updated } = await h.send(channelSubmit(analyst, { verb: 'askForInformation', requestId: req.requestId, callRef: req.callRef, question: 'Which MRI?' }, 'approval-card-5'));
    const text = cardText(updated[0]);
    expect(text).toContain('Which MRI?');
    expect(text).toMatch(/Waiting for the requester/);
    expect(h.notifier.requester.at(-1)!.change.to).toBe('needsInformation');
  });

  it('show patient details: an approver gets them 1:1 (never in the channel); a non-approver is refused', async () => {
    await h.send(personal(analyst, { text: 'help' })); // the analyst's personal chat with the bot exists
    const before = h.connector.received.length;
    const { sent } = await h.send(channelSubmit(analyst, { verb: 'showPatientDetails', requestId: req.requestId, callRef: req.callRef }));
    expect(sent.map((s) => s.text)).toEqual(['I have sent you the patient details in our private chat.']);
    expect(JSON.stringify(sent)).not.toMatch(/HARTWELL|S1234567/i);
    const [oneToOne] = (await h.connector.waitFor(before + 1)).slice(before);
    expect(oneToOne!.path).toContain(encodeURIComponent(`a:personal-${analyst.aadObjectId}`));
    expect(JSON.stringify(oneToOne!.body)).toMatch(/HARTWELL/);
    const refused = await h.send(channelSubmit(nonApprover, { verb: 'showPatientDetails', requestId: req.requestId, callRef: req.callRef }));
    expect(cardText(refused.sent[0])).toMatch(/Sorry, you can't see the patient details/);
    expect(h.connector.received.length).toBe(before + 1);
  });
});
