import { approve, DECISION_REASONS, submitRequest, type AcceptedRequest } from '../../../app';
import type { ImportRequest } from '../../../domain';
import { analyst, clinician, nonApprover } from '../app/actors';
import { formValues } from '../app/forms';
import { cardOf, cardText, channelInvoke, channelSubmit, inputIds, inputValue, startBotHarness, type BotHarness } from './botHarness';

const SYSTEM = { type: 'system' as const, component: 'test' };
const DECLINE = 'declined by the sending organisation (studyNotHeld)';

/**
 * Issue #8 journey 5 / guideline 2.5b: the sending trust declines; on the failure card the analyst edits what the
 * decline was about and presses "Save and re-send"; the server validates, saves the body, re-processes.
 */
describe('edit and re-send from the failure card (TestAdapter, real Redis, local desk, PAS stand-in)', () => {
  let h: BotHarness;
  let req: AcceptedRequest;

  beforeEach(async () => {
    h = await startBotHarness('editResend');
    await h.staffNames.remember(analyst.aadObjectId, analyst.displayName!);
    const out = await submitRequest(h.deps, clinician, 'import', formValues('personal-submit-import'), `k-${Math.random()}`);
    if (out.outcome !== 'accepted') throw new Error(JSON.stringify(out));
    req = out;
    await approve(h.deps, analyst, req.requestId, 'approve-1');
    await h.store.requests.transition(req.requestId, 'iepNew', { actor: SYSTEM, at: new Date(), reason: 'IEP request created' });
    await h.store.requests.transition(req.requestId, 'iepDeclined', { actor: SYSTEM, at: new Date(), reason: DECLINE });
  });
  afterEach(async () => {
    await h.close();
  });

  const open = (who = analyst, failureCardId = 'failure-card-1') => channelSubmit(who, { verb: 'openEditRequest', requestId: req.requestId, callRef: req.callRef }, failureCardId);
  const body = async () => (await h.store.requests.get(req.requestId))!.request as ImportRequest;

  async function editCard(): Promise<Record<string, unknown>> {
    const { sent } = await h.send(open());
    const card = cardOf(sent.find((s) => cardText(s).includes('Edit and re-send')));
    if (!card) throw new Error('no edit card');
    return card;
  }

  /** What "Save and re-send" sends: the edit card's Submit data and its inputs as typed. */
  function saveData(card: Record<string, unknown>, inputs: Record<string, string>): Record<string, unknown> {
    const submit = (card.actions as Array<{ data: Record<string, unknown> }>)[0]!.data;
    const current = Object.fromEntries(inputIds(card).map((id) => [id, String(inputValue(card, id) ?? '')]));
    return { ...submit, ...current, ...inputs };
  }

  it('"Edit and re-send" posts the edit card, prefilled from the stored request, with no patient identifiers', async () => {
    const card = await editCard();
    const text = JSON.stringify(card);
    expect(inputValue(card, 'exams[0].description')).toBe('CT head');
    expect(inputValue(card, 'exams[1].examCode')).toBe('MLSPI');
    expect(inputValue(card, 'sourceOrganisation')).toBe('Kettering General Hospital');
    expect(inputValue(card, 'consultant')).toBe('Dr Priya Ramanathan');
    expect(inputIds(card)).not.toContain('sNumber');
    expect(text).not.toMatch(/Hartwell|S1234567|9992345675|1958-03-14/i);
    expect(text).toContain('"failureCardId":"failure-card-1"');
    expect(text).toContain('Reason given by the sending trust');
  });

  it('someone who is not an approver is refused kindly, audited, and sees no form', async () => {
    const { sent } = await h.send(open(nonApprover));
    expect(sent.map(cardText).join('')).not.toContain('Save and re-send');
    expect(cardText(sent[0])).toMatch(/Sorry, you can't edit this request/);
    const saved = await h.send(channelSubmit(nonApprover, { verb: 'saveAndResend', requestId: req.requestId, callRef: req.callRef, 'exams[0].description': 'CT chest' }, 'edit-card-x'));
    expect(cardText(saved.sent[0])).toMatch(/Sorry, you can't edit and re-send this request/);
    const denied = (await h.store.audit.readForRequest(req.requestId)).filter((e) => e.event.type === 'access.denied');
    expect(denied.map((e) => e.event.facts)).toEqual([expect.objectContaining({ action: 'editAndResend' }), expect.objectContaining({ action: 'editAndResend' })]);
    expect((await h.store.requests.getSummary(req.requestId))!.status).toBe('iepDeclined');
    expect((await body()).exams[0]!.description).toBe('CT head');
  });

  it('errors come back on the same card, each under its field, values kept; nothing is saved', async () => {
    const card = await editCard();
    const data = saveData(card, { 'exams[1].description': 'all imaging', requestingClinician: '' });
    const { updated, sent } = await h.send(channelSubmit(analyst, data, 'edit-card-1'));
    expect(sent).toEqual([]);
    expect(updated.map((u) => u.id)).toEqual(['edit-card-1']);
    const again = cardOf(updated[0]);
    expect(inputValue(again, 'exams[1].description')).toBe('all imaging');
    expect(JSON.stringify(again)).toMatch(/Error: .*All imaging' will not be accepted/);
    expect(JSON.stringify(again)).toMatch(/Error: 2 answers need your attention/);
    expect(JSON.stringify(again)).toContain('"formId":"' + String(data.formId) + '"');
    expect((await h.store.requests.getSummary(req.requestId))!.status).toBe('iepDeclined');
    expect((await body()).exams[1]!.description).toBe('MRI lumbar spine');
  });

  it('save: the body is changed (never the patient), the request is re-processed, both cards say who and when', async () => {
    const card = await editCard();
    const data = saveData(card, {
      'exams[1].description': 'MRI whole spine',
      'exams[2].date': '2026-02-25',
      'exams[2].description': 'X-ray left wrist',
      sourceOrganisation: 'Nottingham City Hospital [Nottingham University Hospitals]',
      consultant: 'Mr Ade Okafor',
      // Forged patient fields in the submission are ignored: the patient is never taken from card data.
      sNumber: 'S7654321',
      familyName: 'Forged',
    });
    const { updated } = await h.send(channelSubmit(analyst, data, 'edit-card-2'));
    expect(updated.map((u) => u.id).sort()).toEqual(['edit-card-2', 'failure-card-1']);
    for (const u of updated) expect(cardText(u)).toMatch(/Edited and re-sent by Bronwen Achterberg at \d\d:\d\d/);
    expect(cardText(updated[0])).toContain('Changed: exams, sending trust, consultant.');
    expect(cardText(updated[0])).not.toContain('"verb":"reprocess"');

    const stored = await h.store.requests.get(req.requestId);
    const edited = stored!.request as ImportRequest;
    expect(edited.exams.map((e) => e.description)).toEqual(['CT head', 'MRI whole spine', 'X-ray left wrist']);
    expect(edited.sourceOrganisation).toBe('Nottingham City Hospital [Nottingham University Hospitals]');
    expect(edited.clinician.consultant).toBe('Mr Ade Okafor');
    expect(edited.patient).toMatchObject({ sNumber: 'S1234567', familyName: 'Hartwell' });
    expect(stored!.organisation).toBe('Nottingham City Hospital [Nottingham University Hospitals]');
    expect(stored!.examCount).toBe(3);
    const last = stored!.history.at(-1)!;
    expect(last).toMatchObject({ from: 'iepDeclined', to: 'approved', why: DECISION_REASONS.editedAndReprocessed, note: 'Changed: exams, sending trust, consultant.' });
    expect(h.flows.started.at(-1)).toEqual({ requestId: req.requestId, lane: 'standard', reprocess: 1 });
    const audit = (await h.store.audit.readForRequest(req.requestId)).map((e) => e.event);
    expect(audit).toContainEqual(expect.objectContaining({ type: 'request.statusChanged', actor: expect.objectContaining({ aadObjectId: analyst.aadObjectId }), facts: expect.objectContaining({ from: 'iepDeclined', to: 'approved', why: DECISION_REASONS.editedAndReprocessed }) }));
    // The edit itself: who, and which parts in words; never the values.
    expect(audit.filter((e) => e.type === 'request.amended')).toEqual([
      expect.objectContaining({ actor: expect.objectContaining({ aadObjectId: analyst.aadObjectId }), facts: { kind: 'import', fields: ['exams', 'sending trust', 'consultant'] } }),
    ]);
    expect(JSON.stringify(audit)).not.toMatch(/Okafor|whole spine/);
    expect(h.notifier.requester.at(-1)!.change).toMatchObject({ from: 'iepDeclined', to: 'approved' });
    expect((await h.desk.read(req.callRef))!.notes.at(-1)!.text).toMatch(/Edited in Teams by a service-desk analyst \(exams, sending trust, consultant\) and re-processed/);
  });

  it('the same Save delivered three times (Teams retry) and an invoke retried: one edit, one re-process', async () => {
    const card = await editCard();
    const data = saveData(card, { 'exams[0].description': 'CT head and neck' });
    const activity = channelSubmit(analyst, data, 'edit-card-3', 'same-save-1');
    for (let i = 0; i < 3; i++) await h.send(activity);
    const invoke = channelInvoke(analyst, 'saveAndResend', data, 'same-invoke-1');
    const answers = [];
    for (let i = 0; i < 2; i++) answers.push(await h.send(invoke));
    for (const a of answers) {
      expect(a.sent.find((s) => s.type === 'invokeResponse')?.value).toMatchObject({ status: 200, body: { type: 'application/vnd.microsoft.card.adaptive' } });
      expect(JSON.stringify(a.sent)).toMatch(/Edited and re-sent by Bronwen Achterberg/);
    }
    const stored = await h.store.requests.get(req.requestId);
    expect(stored!.history.filter((t) => t.why === DECISION_REASONS.editedAndReprocessed)).toHaveLength(1);
    expect((stored!.request as ImportRequest).exams[0]!.description).toBe('CT head and neck');
    // The starter is asked again on each repeat (it is idempotent by contract), always for the same run: re-process 1.
    expect(new Set(h.flows.started.filter((s) => s.reprocess !== undefined).map((s) => s.reprocess))).toEqual(new Set([1]));
  });

  it('after the re-send, "Edit and re-send" on the old card explains it is too late (409 on invoke)', async () => {
    const card = await editCard();
    await h.send(channelSubmit(analyst, saveData(card, {}), 'edit-card-4'));
    const { sent } = await h.send(channelInvoke(analyst, 'openEditRequest', { requestId: req.requestId, callRef: req.callRef }));
    expect(sent.find((s) => s.type === 'invokeResponse')?.value).toMatchObject({ status: 409, body: { value: { code: 'notNow' } } });
    expect(JSON.stringify(sent)).toMatch(/cannot be edited now/);
  });
});
