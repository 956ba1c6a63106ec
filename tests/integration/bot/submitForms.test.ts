import { clinician } from '../app/actors';
import { formValues } from '../app/forms';
import { cardOf, cardText, inputValue, personal, startBotHarness, type BotHarness } from './botHarness';

describe('form submissions through the bot (TestAdapter, real Redis, local desk, PAS stand-in)', () => {
  let h: BotHarness;
  beforeEach(async () => {
    h = await startBotHarness('forms');
  });
  afterEach(async () => {
    await h.close();
  });

  it('an import with mistakes comes back as the same card, values kept, each error under its field; nothing is stored', async () => {
    const values = formValues('personal-submit-import', { nhsNumber: '999 234 5676', 'exams[1].description': 'all imaging', comments: 'see *notes* [here](http://evil.example)' });
    const { sent, updated } = await h.send(personal(clinician, { value: values, replyToId: 'form-card-1' }));
    expect(sent).toEqual([]);
    expect(updated).toHaveLength(1);
    expect(updated[0]!.id).toBe('form-card-1');
    const card = cardOf(updated[0]);
    expect(inputValue(card, 'familyName')).toBe('Hartwell');
    expect(inputValue(card, 'exams[1].description')).toBe('all imaging');
    const text = JSON.stringify(card);
    expect(text).toMatch(/not valid: its last digit/);
    expect(text).toMatch(/All imaging' will not be accepted/);
    expect(await h.store.requests.listByRequester(clinician.aadObjectId)).toEqual([]);
  });

  it('a valid import replaces the form with the confirmation (call reference), and the channel is asked to approve', async () => {
    const { updated } = await h.send(personal(clinician, { value: formValues('personal-submit-import'), replyToId: 'form-card-2' }));
    const confirmation = cardText(updated[0]);
    const callRef = /ITB-2026-\d{6}/.exec(confirmation)?.[0];
    expect(callRef).toBeDefined();
    expect(confirmation).toContain('Request received');
    const [mine] = await h.store.requests.listByRequester(clinician.aadObjectId);
    expect(mine).toMatchObject({ callRef, status: 'awaitingApproval' });
    expect(h.notifier.channel).toEqual([expect.objectContaining({ topic: 'approvalNeeded', requestId: mine!.id })]);
    // The confirmation is where the status card will be updated in place.
    expect(await h.postedCards.get(mine!.id, 'status')).toMatchObject({ activityId: 'form-card-2' });
  });

  it('the same Submit delivered three times makes one request with one call reference', async () => {
    const activity = personal(clinician, { value: formValues('personal-submit-import'), replyToId: 'form-card-3', id: 'same-activity-1' });
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await h.send(activity));
    const refs = answers.map((a) => /ITB-2026-\d{6}/.exec(cardText(a.updated[0]))?.[0]);
    expect(new Set(refs).size).toBe(1);
    expect(refs[0]).toBeDefined();
    expect(await h.store.requests.listByRequester(clinician.aadObjectId)).toHaveLength(1);
  });

  it('a double-clicked Submit (two activities, same card and formId) also makes one request', async () => {
    const values = formValues('personal-submit-import');
    await Promise.all([
      h.send(personal(clinician, { value: values, replyToId: 'form-card-4' })),
      h.send(personal(clinician, { value: values, replyToId: 'form-card-4' })),
    ]);
    expect(await h.store.requests.listByRequester(clinician.aadObjectId)).toHaveLength(1);
  });

  it('export and CD forms go through the same path; a patient not on PAS is refused on the S number field', async () => {
    const exp = await h.send(personal(clinician, { value: formValues('personal-submit-export'), replyToId: 'form-card-5' }));
    expect(cardText(exp.updated[0])).toContain('Request received');
    const cd = await h.send(
      personal(clinician, {
        value: { ...formValues('personal-submit-import'), verb: 'submitCdImport', formId: 'cd-1', cdCount: '2', internalPostAddress: 'Ward 7, LRI', urgent: 'false' },
        replyToId: 'form-card-6',
      }),
    );
    expect(cardText(cd.updated[0])).toContain('Request received');
    const unregistered = await h.send(
      personal(clinician, { value: formValues('personal-submit-import', { formId: 'x', sNumber: 'S8912345', nhsNumber: '9991111034', birthDate: '2004-05-18' }), replyToId: 'form-card-7' }),
    );
    expect(cardText(unregistered.updated[0])).toMatch(/not registered on PatientCentre/);
    expect(await h.store.requests.listByRequester(clinician.aadObjectId)).toHaveLength(2);
  });

  it('when PAS cannot be asked the form stays as it is and the person is told it was not accepted', async () => {
    h.pas.setFault({ kind: 'status', status: 503 });
    const { sent, updated } = await h.send(personal(clinician, { value: formValues('personal-submit-import'), replyToId: 'form-card-8' }));
    expect(updated).toEqual([]);
    expect(sent[0]!.text).toMatch(/NOT accepted/);
  });
});
