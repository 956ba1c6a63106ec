import {
  answerInformation,
  approve,
  askForInformation,
  cancel,
  DECISION_REASONS,
  myRequests,
  patientDetails,
  reject,
  reprocess,
  statusOf,
  submitRequest,
  type AcceptedRequest,
  type DecisionDone,
} from '../../../app';
import type { Actor } from '../../../domain';
import { analyst, clinician, nonApprover, radiologist, secondAnalyst, secondClinician } from './actors';
import { startAppHarness, type AppHarness } from './appHarness';
import { formValues, traumaValues } from './forms';

const WORKER: Actor = { type: 'system', component: 'test-worker' };

function done(o: { outcome: string }): DecisionDone {
  if (o.outcome !== 'done') throw new Error(`expected done, got ${JSON.stringify(o)}`);
  return o as DecisionDone;
}

async function denials(h: AppHarness): Promise<Array<{ facts: unknown; actor: unknown; requestId: string }>> {
  return (await h.store.audit.readGlobal({ count: 1000 })).map((e) => e.event as never).filter((e: { type: string }) => e.type === 'access.denied');
}

describe('decisions on a request (real Redis, local desk, PAS stand-in)', () => {
  let h: AppHarness;
  let req: AcceptedRequest;
  beforeEach(async () => {
    h = await startAppHarness('decide');
    const out = await submitRequest(h.deps, clinician, 'import', formValues('personal-submit-import'), `k-${Math.random()}`);
    if (out.outcome !== 'accepted') throw new Error(JSON.stringify(out));
    req = out;
  });
  afterEach(async () => {
    await h.close();
  });

  it('approve: an approver approves once, the flow starts in its lane, the requester hears, cards refresh, the desk gets a note', async () => {
    const out = done(await approve(h.deps, analyst, req.requestId, 'approve:card-1'));
    expect(out).toMatchObject({ alreadyDone: false, callRef: req.callRef, transition: { from: 'awaitingApproval', to: 'approved', by: { aadObjectId: analyst.aadObjectId, role: 'analyst' } } });
    expect(h.flows.started).toEqual([{ requestId: req.requestId, lane: 'standard' }]);
    expect(h.notifier.requester).toEqual([{ requestId: req.requestId, change: expect.objectContaining({ to: 'approved', callRef: req.callRef }) }]);
    expect(h.notifier.refreshes).toEqual([{ requestId: req.requestId, version: out.version }]);
    expect((await h.desk.read(req.callRef))!.notes.map((n) => n.text)).toEqual(['Approved in Teams by a service-desk analyst.']);
  });

  it('approve delivered three times at once (Teams invoke retries) changes the state once and answers the same', async () => {
    const outs = (await Promise.all([1, 2, 3].map(() => approve(h.deps, analyst, req.requestId, 'approve:card-1')))).map(done);
    expect(outs.filter((o) => !o.alreadyDone)).toHaveLength(1);
    expect(new Set(outs.map((o) => o.transition.at)).size).toBe(1);
    const stored = await h.store.requests.get(req.requestId);
    expect(stored!.history.filter((t) => t.to === 'approved')).toHaveLength(1);
    // Every delivery asks for the same (idempotent) flow start; nothing asks for a second run.
    expect(new Set(h.flows.started.map((s) => JSON.stringify(s)))).toEqual(new Set([JSON.stringify({ requestId: req.requestId, lane: 'standard' })]));
    expect((await h.desk.read(req.callRef))!.notes).toHaveLength(1);
  });

  it('a second approver clicking later is told it was already approved, by whom and when', async () => {
    const first = done(await approve(h.deps, analyst, req.requestId, 'approve:card-1:a'));
    const second = done(await approve(h.deps, secondAnalyst, req.requestId, 'approve:card-1:b'));
    expect(second).toMatchObject({ alreadyDone: true, transition: { at: first.transition.at, by: { aadObjectId: analyst.aadObjectId } } });
  });

  it('refuses approve, reject and ask from someone who is not an approver, audits each, and changes nothing', async () => {
    expect(await approve(h.deps, nonApprover, req.requestId, 'x1')).toEqual({ outcome: 'denied', message: expect.stringMatching(/Only service-desk approvers/) });
    expect((await reject(h.deps, clinician, req.requestId, 'no', 'x2')).outcome).toBe('denied');
    // Even with the required text missing, a stranger gets the denial, not a form to fill in.
    expect((await askForInformation(h.deps, radiologist, req.requestId, '', 'x3')).outcome).toBe('denied');
    expect((await h.store.requests.getSummary(req.requestId))!.status).toBe('awaitingApproval');
    const audited = await denials(h);
    expect(audited.map((d) => (d.facts as { action: string }).action)).toEqual(['approve', 'reject', 'askForInformation']);
    expect(audited.every((d) => d.requestId === req.requestId)).toBe(true);
    expect(h.flows.started).toEqual([]);
  });

  it('reject needs a reason; the reason is stored encrypted with the transition, not in the audit or the desk', async () => {
    expect(await reject(h.deps, analyst, req.requestId, '   ', 'r1')).toEqual({ outcome: 'invalid', errors: [{ field: 'reason', message: expect.any(String) }] });
    const out = done(await reject(h.deps, analyst, req.requestId, 'Please name the exam for Mrs Hartwell', 'r2'));
    expect(out.transition.to).toBe('rejected');
    const stored = await h.store.requests.get(req.requestId);
    expect(stored!.history.at(-1)).toMatchObject({ to: 'rejected', note: 'Please name the exam for Mrs Hartwell' });
    const raw = JSON.stringify(await h.store.audit.readForRequest(req.requestId));
    expect(raw).not.toContain('Hartwell');
    const desk = await h.desk.read(req.callRef);
    expect(desk).toMatchObject({ status: 'resolved' });
    expect(JSON.stringify(desk)).not.toContain('Hartwell');
    expect(h.notifier.requester.at(-1)!.change).toMatchObject({ to: 'rejected' });
    expect(JSON.stringify(h.notifier.requester)).not.toContain('Hartwell');
  });

  it('ask -> the requester sees the question on their status, answers, and it goes back for approval; only they may answer', async () => {
    done(await askForInformation(h.deps, analyst, req.requestId, 'Which hospital did the MRI?', 'q1'));
    const view = await statusOf(h.deps, clinician, req.callRef);
    expect(view).toMatchObject({ outcome: 'found', openQuestion: 'Which hospital did the MRI?', canCancel: true, request: { status: 'needsInformation' } });
    expect(await answerInformation(h.deps, secondClinician, req.requestId, 'Kettering', 'a0')).toEqual({ outcome: 'denied', message: expect.any(String) });
    expect(await answerInformation(h.deps, clinician, req.requestId, '', 'a1')).toEqual({ outcome: 'invalid', errors: [{ field: 'answer', message: expect.any(String) }] });
    const answered = done(await answerInformation(h.deps, clinician, req.requestId, 'Kettering General, February', 'a2'));
    expect(answered.transition).toMatchObject({ from: 'needsInformation', to: 'awaitingApproval', why: DECISION_REASONS.informationSupplied });
    // The requester made the change themselves: no notice to them, but the channel card refreshes.
    expect(h.notifier.requester.map((r) => r.change.to)).toEqual(['needsInformation']);
    expect(h.notifier.refreshes.at(-1)).toEqual({ requestId: req.requestId, version: answered.version });
    done(await approve(h.deps, analyst, req.requestId, 'ap'));
  });

  it('cancel: the requester before processing; not after approval; never someone else; an analyst may', async () => {
    expect(await cancel(h.deps, secondClinician, req.requestId, 'c0')).toEqual({ outcome: 'denied', message: expect.stringMatching(/Only the person who made/) });
    done(await approve(h.deps, analyst, req.requestId, 'ap'));
    expect(await cancel(h.deps, clinician, req.requestId, 'c1')).toEqual({ outcome: 'notNow', status: 'approved', message: expect.stringMatching(/processing has started/) });
    const byAnalyst = done(await cancel(h.deps, analyst, req.requestId, 'c2'));
    expect(byAnalyst.transition).toMatchObject({ to: 'cancelled', why: DECISION_REASONS.cancelledByAnalyst });
    expect(h.notifier.requester.at(-1)!.change.to).toBe('cancelled');
    expect((await denials(h)).map((d) => (d.facts as { action: string }).action)).toEqual(['cancel']);
  });

  it('cancel by the requester, three times: cancelled once, then "already cancelled"', async () => {
    const outs = (await Promise.all([1, 2, 3].map(() => cancel(h.deps, clinician, req.requestId, 'cancel:card-9')))).map(done);
    expect(outs.filter((o) => !o.alreadyDone)).toHaveLength(1);
    const later = done(await cancel(h.deps, clinician, req.requestId, 'cancel:other-card'));
    expect(later.alreadyDone).toBe(true);
    expect((await h.store.requests.get(req.requestId))!.history.filter((t) => t.to === 'cancelled')).toHaveLength(1);
    expect((await h.desk.read(req.callRef))!.status).toBe('resolved');
  });

  it('re-process after IEP failed: back to approved and the flow starts its first re-process run (guideline 2.5b)', async () => {
    done(await approve(h.deps, analyst, req.requestId, 'ap'));
    const at = h.deps.now();
    await h.store.requests.transition(req.requestId, 'iepNew', { actor: WORKER, at, reason: 'IEP request created' });
    await h.store.requests.transition(req.requestId, 'iepFailed', { actor: WORKER, at, reason: 'IEP status Failed' });
    expect((await reprocess(h.deps, clinician, req.requestId, 'rp0')).outcome).toBe('denied');
    // An old approval card clicked now does not approve (re-process) by the back door.
    expect(done(await approve(h.deps, analyst, req.requestId, 'ap-old')).alreadyDone).toBe(true);
    expect((await h.store.requests.getSummary(req.requestId))!.status).toBe('iepFailed');
    const outs = (await Promise.all([1, 2].map(() => reprocess(h.deps, analyst, req.requestId, 'rp1')))).map(done);
    expect(outs.filter((o) => !o.alreadyDone)).toHaveLength(1);
    expect(h.flows.started.at(-1)).toEqual({ requestId: req.requestId, lane: 'standard', reprocess: 1 });
    expect((await h.store.requests.get(req.requestId))!.history.map((t) => t.to)).toEqual(['logged', 'awaitingApproval', 'approved', 'iepNew', 'iepFailed', 'approved']);
  });

  it('status: the requester and analysts see it; another clinician gets the same answer as for an unknown reference', async () => {
    expect(await statusOf(h.deps, clinician, req.callRef.toLowerCase())).toMatchObject({ outcome: 'found', request: { id: req.requestId } });
    expect(await statusOf(h.deps, analyst, req.callRef)).toMatchObject({ outcome: 'found', canCancel: false });
    const stranger = await statusOf(h.deps, secondClinician, req.callRef);
    const unknown = await statusOf(h.deps, secondClinician, 'ITB-2026-999999');
    expect(stranger).toEqual({ outcome: 'notFound', message: expect.any(String) });
    expect(stranger).toEqual({ ...unknown, message: unknown.outcome === 'notFound' ? unknown.message.replace('ITB-2026-999999', req.callRef) : '' });
    expect(await statusOf(h.deps, clinician, 'S1234567')).toEqual({ outcome: 'notFound', message: expect.stringMatching(/not a call reference/) });
    const timeline = (await statusOf(h.deps, clinician, req.callRef)) as { timeline: Array<Record<string, unknown>> };
    expect(timeline.timeline.every((t) => !('note' in t))).toBe(true);
  });

  it('my requests: own for a requester, every open request for an analyst', async () => {
    const other = await submitRequest(h.deps, secondClinician, 'export', formValues('personal-submit-export'), 'k-other');
    expect(other.outcome).toBe('accepted');
    const mine = await myRequests(h.deps, clinician);
    expect(mine).toMatchObject({ outcome: 'list', scope: 'own' });
    expect((mine as { requests: Array<{ id: string }> }).requests.map((r) => r.id)).toEqual([req.requestId]);
    const all = await myRequests(h.deps, analyst);
    expect(all).toMatchObject({ outcome: 'list', scope: 'open' });
    expect((all as { requests: Array<{ id: string }> }).requests.map((r) => r.id).sort()).toEqual([req.requestId, (other as AcceptedRequest).requestId].sort());
  });

  it('patient details: approvers only, and every read is audited', async () => {
    expect(await patientDetails(h.deps, clinician, req.requestId)).toEqual({ outcome: 'denied', message: expect.any(String) });
    const details = await patientDetails(h.deps, analyst, req.requestId);
    expect(details).toMatchObject({ outcome: 'details', request: { patient: { sNumber: 'S1234567' } } });
    const events = (await h.store.audit.readForRequest(req.requestId)).map((e) => e.event);
    expect(events.filter((e) => e.type === 'request.viewed')).toEqual([expect.objectContaining({ facts: { view: 'details' }, actor: { type: 'user', aadObjectId: analyst.aadObjectId, role: 'analyst' } })]);
    expect(events.filter((e) => e.type === 'access.denied')).toHaveLength(1);
  });

  it('trauma: the radiologist may re-send a failed transfer; it goes back to logged with re-process run 1', async () => {
    const tr = await submitRequest(h.deps, radiologist, 'trauma', traumaValues(), 'k-trauma');
    if (tr.outcome !== 'accepted') throw new Error(JSON.stringify(tr));
    const at = h.deps.now();
    await h.store.requests.transition(tr.requestId, 'iepNew', { actor: WORKER, at, reason: 'IEP transfer created' });
    await h.store.requests.transition(tr.requestId, 'iepFailed', { actor: WORKER, at, reason: 'IEP status Failed' });
    const out = done(await reprocess(h.deps, radiologist, tr.requestId, 'tr-rp'));
    expect(out.transition).toMatchObject({ from: 'iepFailed', to: 'logged' });
    expect(h.flows.started.at(-1)).toEqual({ requestId: tr.requestId, lane: 'clinicalEmergency', reprocess: 1 });
    expect(await approve(h.deps, analyst, tr.requestId, 'tr-ap')).toMatchObject({ outcome: 'notNow' });
  });
});
