import { submitRequest, type AcceptedRequest } from '../../../app';
import { isCallRef, type CallRef } from '../../../domain';
import type { ServiceDesk } from '../../../integrations/servicedesk';
import { ServiceDeskUnreachableError } from '../../../integrations/servicedesk';
import { analyst, clinician, nonApprover, radiologist } from './actors';
import { CLOSED_WEEKNIGHT, startAppHarness, type AppHarness } from './appHarness';
import { formValues, traumaValues } from './forms';

function expectAccepted(o: { outcome: string }): asserts o is AcceptedRequest {
  if (o.outcome !== 'accepted') throw new Error(`expected accepted, got ${JSON.stringify(o)}`);
}

describe('submitRequest on real Redis, the local service desk and the PAS stand-in', () => {
  let h: AppHarness;
  beforeEach(async () => {
    h = await startAppHarness('submit');
  });
  afterEach(async () => {
    await h.close();
  });

  it('stores an import, logs it with the desk (call reference), moves it to awaiting approval and tells the channel', async () => {
    const out = await submitRequest(h.deps, clinician, 'import', formValues('personal-submit-import'), 'k1');
    expectAccepted(out);
    expect(isCallRef(out.callRef)).toBe(true);
    expect(out.callRef).toMatch(/^ITB-2026-\d{6}$/);
    expect(out).toMatchObject({ kind: 'import', status: 'awaitingApproval', priority: 'standard', lane: 'standard', replayed: false });
    expect(out.outOfHours).toBeUndefined();

    const stored = await h.store.requests.get(out.requestId);
    expect(stored).toMatchObject({ status: 'awaitingApproval', callRef: out.callRef, requester: clinician.aadObjectId, organisation: 'Kettering General Hospital' });
    expect(stored!.history.map((t) => t.to)).toEqual(['logged', 'awaitingApproval']);
    expect(stored!.request).toMatchObject({ kind: 'import', patient: { sNumber: 'S1234567', nhsNumber: '9992345675' } });

    // guideline 2.7a: the logged service request names our request, and carries no patient data.
    const desk = await h.desk.read(out.callRef);
    expect(desk).toMatchObject({ requestId: out.requestId, kind: 'import', priority: 'standard' });
    expect(desk!.summary).toBe('IEP import from Kettering General Hospital: 2 exams, required by 2026-03-20');
    expect(desk!.summary).not.toMatch(/Hartwell|S1234567|9992345675|1958/i);

    expect(h.notifier.channel).toEqual([{ topic: 'approvalNeeded', requestId: out.requestId, callRef: out.callRef, kind: 'import', status: 'awaitingApproval' }]);
    const audit = (await h.store.audit.readForRequest(out.requestId)).map((e) => e.event.type);
    expect(audit).toEqual(['request.submitted', 'request.statusChanged', 'request.logged', 'request.statusChanged']);
  });

  it('makes one request for a submission Teams delivers three times at once, with one call reference', async () => {
    const values = formValues('personal-submit-import');
    const outs = await Promise.all([1, 2, 3].map(() => submitRequest(h.deps, clinician, 'import', values, 'same-card')));
    outs.forEach(expectAccepted);
    const accepted = outs as AcceptedRequest[];
    expect(new Set(accepted.map((o) => o.requestId)).size).toBe(1);
    expect(new Set(accepted.map((o) => o.callRef)).size).toBe(1);
    expect(accepted.filter((o) => !o.replayed)).toHaveLength(1);
    expect(await h.store.requests.listByRequester(clinician.aadObjectId)).toHaveLength(1);
    const stored = await h.store.requests.get(accepted[0]!.requestId);
    expect(stored!.history.map((t) => t.to)).toEqual(['logged', 'awaitingApproval']);
    // A fourth delivery later gets the same answer.
    const again = await submitRequest(h.deps, clinician, 'import', values, 'same-card');
    expectAccepted(again);
    expect(again).toMatchObject({ requestId: accepted[0]!.requestId, callRef: accepted[0]!.callRef, replayed: true });
  });

  it('refuses a patient not registered on PAS with an error on the S number, storing nothing (guideline 2.7d)', async () => {
    const values = formValues('personal-submit-import', { sNumber: 'S8912345', nhsNumber: '9991111034', familyName: 'Fenwick-Adeyemi', givenName: 'Noah', birthDate: '2004-05-18' });
    const out = await submitRequest(h.deps, clinician, 'import', values, 'k-unreg');
    expect(out).toEqual({ outcome: 'invalid', errors: [{ field: 'sNumber', message: expect.stringMatching(/not registered on PatientCentre/) }] });
    expect(await h.store.requests.listByRequester(clinician.aadObjectId)).toEqual([]);
    expect(h.notifier.channel).toEqual([]);
  });

  it('refuses a date of birth that does not match PAS for that S number (wrong patient)', async () => {
    const out = await submitRequest(h.deps, clinician, 'import', formValues('personal-submit-import', { birthDate: '1958-03-15' }), 'k-dob');
    expect(out).toEqual({ outcome: 'invalid', errors: [{ field: 'birthDate', message: expect.stringMatching(/does not match the PatientCentre record/) }] });
  });

  it('returns every field error at once and stores nothing when the form is incomplete', async () => {
    const out = await submitRequest(h.deps, clinician, 'import', formValues('personal-submit-import', { sNumber: 'X1', 'exams[0].description': 'all imaging', requiredBy: '2026-03-01' }), 'k-bad');
    expect(out.outcome).toBe('invalid');
    const fields = (out as { errors: Array<{ field: string }> }).errors.map((e) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['sNumber', 'exams[0].description', 'requiredBy']));
    expect(await h.store.requests.listByRequester(clinician.aadObjectId)).toEqual([]);
  });

  it('does not accept the request when PAS cannot be asked, and says so', async () => {
    h.pas.setFault({ kind: 'status', status: 503 });
    const out = await submitRequest(h.deps, clinician, 'import', formValues('personal-submit-import'), 'k-pas');
    expect(out).toEqual({ outcome: 'unavailable', message: expect.stringMatching(/NOT accepted.*PatientCentre/) });
    expect(await h.store.requests.listByRequester(clinician.aadObjectId)).toEqual([]);
  });

  it('keeps the request "submitted" when the desk fails after the store write, and the same submission resumes it', async () => {
    let failures = 1;
    const flaky: ServiceDesk = {
      logRequest: async (r) => {
        if (failures-- > 0) throw new ServiceDeskUnreachableError('ECONNREFUSED', { requestId: r.requestId, peer: 'local' });
        return h.desk.logRequest(r);
      },
      addNote: (c, n) => h.desk.addNote(c, n),
      resolve: (c, r) => h.desk.resolve(c, r),
    };
    h.deps.serviceDesk = flaky;
    const first = await submitRequest(h.deps, clinician, 'import', formValues('personal-submit-import'), 'k-desk');
    expect(first).toMatchObject({ outcome: 'unavailable', message: expect.stringMatching(/saved.*Submit again/) });
    expect(first).not.toHaveProperty('callRef');
    const requestId = (first as { requestId: string }).requestId;
    expect(await h.store.requests.getSummary(requestId)).toMatchObject({ status: 'submitted' });
    expect((await h.store.requests.getSummary(requestId))!.callRef).toBeUndefined();
    expect(h.notifier.channel).toEqual([]);

    const second = await submitRequest(h.deps, clinician, 'import', formValues('personal-submit-import'), 'k-desk');
    expectAccepted(second);
    expect(second.requestId).toBe(requestId);
    expect(second.status).toBe('awaitingApproval');
    expect(await h.store.requests.listByRequester(clinician.aadObjectId)).toHaveLength(1);
  });

  it('logs and sends for approval in one store write, and finishes a submission an earlier attempt left at "logged"', async () => {
    // A first attempt that stopped after step 4 (as a bot from before steps 4 and 5 shared a write could leave it):
    // the same submission finishes step 5 under its own key, once, and tells the channel.
    const stopped = await submitRequest(h.deps, clinician, 'import', formValues('personal-submit-import'), 'k-logged');
    expectAccepted(stopped);
    const history = (await h.store.requests.get(stopped.requestId))!.history;
    expect(history.map((t) => [t.from, t.to, t.at])).toEqual([
      ['submitted', 'logged', history[0]!.at],
      ['logged', 'awaitingApproval', history[0]!.at],
    ]);
    expect((await h.store.requests.getSummary(stopped.requestId))!.version).toBe(3);

    const made = await h.store.requests.create({ request: (await h.store.requests.get(stopped.requestId))!.request!, requester: clinician.aadObjectId, actor: { type: 'user', aadObjectId: clinician.aadObjectId, role: 'requester' }, at: new Date(), idempotencyKey: 'submit:k-older' });
    await h.store.requests.transition(made.id, 'logged', { actor: { type: 'system', component: 'intake' }, at: new Date(), reason: 'logged with the service desk', callRef: 'ITB-2026-009999' as CallRef, idempotencyKey: 'k-older:logged' });
    const finished = await submitRequest(h.deps, clinician, 'import', formValues('personal-submit-import'), 'k-older');
    expectAccepted(finished);
    expect(finished).toMatchObject({ requestId: made.id, callRef: 'ITB-2026-009999', status: 'awaitingApproval', replayed: true });
    expect((await h.store.requests.get(made.id))!.history.map((t) => t.to)).toEqual(['logged', 'awaitingApproval']);
    expect(h.notifier.channel.filter((n) => n.requestId === made.id)).toHaveLength(1);
  });

  it('accepts a standard request out of hours and says when it will be processed (guideline 2.9)', async () => {
    h.setNow(CLOSED_WEEKNIGHT);
    const values = formValues('personal-submit-import', { requiredBy: '2026-03-20' });
    const out = await submitRequest(h.deps, clinician, 'import', values, 'k-ooh');
    expectAccepted(out);
    expect(out.outOfHours).toEqual({ nextOpening: 'Wednesday 08:00', traumaRoute: false, note: expect.stringContaining('processed from Wednesday 08:00') });
  });

  it('points a Blue Light export to Nottingham out of hours to the trauma route (guideline 2.8)', async () => {
    h.setNow(new Date('2026-03-14T21:30:00Z')); // Saturday 21:30: weekend hours end at 20:00
    const values = formValues('personal-submit-export', { destinationOrganisation: 'Nottingham University Hospitals NHS Trust', requiredBy: '2026-03-14' });
    const out = await submitRequest(h.deps, clinician, 'export', values, 'k-bl');
    expectAccepted(out);
    expect(out.outOfHours).toMatchObject({ nextOpening: 'Sunday 08:00', traumaRoute: true, note: expect.stringMatching(/trauma/) });
    const elsewhere = await submitRequest(h.deps, clinician, 'export', formValues('personal-submit-export', { requiredBy: '2026-03-14' }), 'k-bl2');
    expectAccepted(elsewhere);
    expect(elsewhere.outOfHours).toMatchObject({ nextOpening: 'Sunday 08:00', traumaRoute: false, note: expect.stringMatching(/processed first when it opens/) });
  });

  it('refuses a trauma transfer from someone who is not the on-call radiologist, kindly, and audits it', async () => {
    for (const who of [clinician, analyst, nonApprover]) {
      const out = await submitRequest(h.deps, who, 'trauma', traumaValues(), `k-tr-${who.aadObjectId}`);
      expect(out).toEqual({ outcome: 'denied', message: expect.stringMatching(/on-call radiologist/) });
    }
    const denials = (await h.store.audit.readGlobal()).map((e) => e.event).filter((e) => e.type === 'access.denied');
    expect(denials).toHaveLength(3);
    expect(denials[0]).toMatchObject({ actor: { aadObjectId: clinician.aadObjectId }, facts: { action: 'submitTrauma' } });
    expect(h.flows.started).toEqual([]);
  });

  it('sends a radiologist\'s trauma transfer straight to the flow at clinical-emergency priority, any hour, no approval', async () => {
    h.setNow(new Date('2026-03-11T03:10:00Z'));
    const out = await submitRequest(h.deps, radiologist, 'trauma', traumaValues(), 'k-tr');
    expectAccepted(out);
    expect(out).toMatchObject({ kind: 'trauma', status: 'logged', lane: 'clinicalEmergency' });
    expect(out.outOfHours).toBeUndefined();
    expect(h.flows.started).toEqual([{ requestId: out.requestId, lane: 'clinicalEmergency' }]);
    expect(h.notifier.channel).toEqual([expect.objectContaining({ topic: 'traumaSent', requestId: out.requestId })]);
    expect((await h.desk.read(out.callRef))!.priority).toBe('clinicalEmergency');
  });

  it('uses London today for dates: a scan dated today is fine just after midnight BST', async () => {
    h.setNow(new Date('2026-06-09T23:30:00Z')); // 00:30 BST on 10 June
    const values = formValues('personal-submit-import', { 'exams[0].date': '2026-06-10', requiredBy: '2026-06-10' });
    const out = await submitRequest(h.deps, clinician, 'import', values, 'k-bst');
    expectAccepted(out);
  });
});

