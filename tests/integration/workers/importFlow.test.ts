import { reprocess, cancel } from '../../../app';
import { holdsStudy, seedStudy, control } from '../iep/iepFixtures';
import { gatewayOrthanc, remoteOrthanc, uhlOrthanc } from '../../support/services';
import { analyst, FlowHarness, importOf, MIN } from './support/flowHarness';

jest.setTimeout(90_000);

/** The PatientID UHL PACS holds for a study (after the IRWF.b rewrite it must be our S number). */
async function patientIdInUhl(studyUid: string): Promise<string | undefined> {
  const uhl = uhlOrthanc().restUrl;
  const ids = (await (await fetch(`${uhl}/tools/find`, { method: 'POST', body: JSON.stringify({ Level: 'Study', Query: { StudyInstanceUID: studyUid } }) })).json()) as string[];
  if (ids.length === 0) return undefined;
  const study = (await (await fetch(`${uhl}/studies/${ids[0]}`)).json()) as { PatientMainDicomTags: { PatientID: string } };
  return study.PatientMainDicomTags.PatientID;
}

async function instancesInUhl(studyUid: string): Promise<number> {
  const uhl = uhlOrthanc().restUrl;
  const ids = (await (await fetch(`${uhl}/tools/find`, { method: 'POST', body: JSON.stringify({ Level: 'Instance', Query: { StudyInstanceUID: studyUid } }) })).json()) as string[];
  return ids.length;
}

describe('import flow: IEP request -> On IEP -> gateway download -> DICOM engine -> UHL PACS -> RIS -> available', () => {
  let h: FlowHarness;
  beforeAll(async () => {
    h = await FlowHarness.start('import');
    await h.startWorkers();
  });
  afterAll(async () => {
    await h.close();
  });

  it('completes an approved import end to end, once, with the requester told with the call reference', async () => {
    const p = h.patients[0]!;
    const uid = await seedStudy(remoteOrthanc().restUrl, p, '2026-02-10', 'CT', 3);
    const { requestId, callRef } = await h.submit(importOf(p, '2026-02-10', 'standard', 'CTHEAD'));
    await h.approve(requestId);
    await h.waitFor(requestId, 'completed', { simStepMs: 2 * MIN, timeoutMs: 40_000 });

    // In UHL PACS under our S number (Appendix 1 step 4), every instance, and no longer on the gateway.
    expect(await patientIdInUhl(uid)).toBe(p.sNumber);
    expect(await instancesInUhl(uid)).toBe(3);
    expect(await holdsStudy(gatewayOrthanc().restUrl, uid)).toBe(false);

    // One RIS entry for the one exam, event date = acquisition date (2.3f), call reference in OBR-19.
    const ris = h.ris.messages().filter((m) => m.hl7.includes(callRef));
    expect(ris).toHaveLength(1);
    const obr = ris[0]!.hl7.split('\r').find((s) => s.startsWith('OBR|'))!.split('|');
    expect(obr[4]).toBe('CTHEAD^CT head');
    expect(obr[7]).toBe('20260210');
    expect(obr[19]).toBe(callRef);

    const stored = await h.store.requests.get(requestId);
    expect(stored!.history.map((t) => t.to)).toEqual([
      'logged', 'awaitingApproval', 'approved', 'iepNew', 'iepStarted', 'onIep', 'iepDownloadRequest', 'iepDownloading', 'iepDelivered', 'registeredOnRis', 'completed',
    ]);
    const notices = await h.settledNotices();
    const told = notices.filter((n) => n.type === 'requesterStatus' && n.requestId === requestId).map((n) => (n.type === 'requesterStatus' ? n.change : undefined));
    expect(told).toContainEqual(expect.objectContaining({ to: 'completed', callRef }));
    // Ids only in every job payload (STYLE): nothing of the patient.
    const payloads = JSON.stringify(notices) + JSON.stringify(await h.running!.deps!.queues.flow.getJobs(['completed']).then((js) => js.map((j) => j.data)));
    for (const marker of [p.familyName, p.nhsNumber, p.sNumber, p.birthDate]) expect(payloads).not.toContain(marker);

    const audit = (await h.store.audit.readForRequest(requestId, { count: 200 })).map((e) => e.event.type);
    expect(audit).toEqual(expect.arrayContaining(['iep.transactionCreated', 'iep.statusSeen', 'pacs.stored', 'ris.registered']));
  });

  it('a Decline tells the requester and the analysts the reason; the analyst re-processes and the next run completes', async () => {
    const p = h.patients[1]!;
    await seedStudy(remoteOrthanc().restUrl, p, '2026-02-11', 'CT', 2);
    const { requestId } = await h.submit(importOf(p, '2026-02-11'));
    await control(h.sim.controlUrl, '/faults', { fault: { kind: 'decline', code: 'clinicallyInappropriate' }, match: { externalReference: requestId } });
    await h.approve(requestId);
    await h.waitFor(requestId, 'iepDeclined', { simStepMs: 2 * MIN });

    const stored = await h.store.requests.get(requestId);
    const declined = stored!.history.at(-1)!;
    expect(declined.why).toBe('declined by the sending organisation (clinicallyInappropriate)');
    const notices = await h.settledNotices();
    expect(notices).toContainEqual({ type: 'channel', notice: expect.objectContaining({ topic: 'iepDeclined', requestId, status: 'iepDeclined' }) });
    expect(notices).toContainEqual(expect.objectContaining({ type: 'requesterStatus', requestId, change: expect.objectContaining({ to: 'iepDeclined' }) }));

    // Re-process (guideline 2.5b): run 1, a new IEP request under `<id>.r1`, which the sending trust accepts.
    const out = await reprocess(h.app(), analyst, requestId, `reprocess:${requestId}`);
    expect(out.outcome).toBe('done');
    await h.waitFor(requestId, 'completed', { simStepMs: 2 * MIN, timeoutMs: 40_000 });
    const flowState = h.running!.deps!.flowState;
    const first = h.sim.portal.get((await flowState.get({ requestId, run: 0 })).iepTransactionId!);
    const second = h.sim.portal.get((await flowState.get({ requestId, run: 1 })).iepTransactionId!);
    expect([first.externalReference, first.status]).toEqual([requestId, 'Decline']);
    expect([second.externalReference, second.status]).toEqual([`${requestId}.r1`, 'Delivered']);
    const history = (await h.store.requests.get(requestId))!.history.map((t) => t.to);
    expect(history.filter((s) => s === 'iepNew')).toHaveLength(2);
    expect(history.at(-1)).toBe('completed');
  });

  it('a Failed download reaches requester and analysts; cancelling stops the flow', async () => {
    const p = h.patients[2]!;
    await seedStudy(remoteOrthanc().restUrl, p, '2026-02-12', 'CT', 1);
    const { requestId } = await h.submit(importOf(p, '2026-02-12'));
    await control(h.sim.controlUrl, '/faults', { fault: { kind: 'fail', when: 'Downloading', reason: 'Gateway queue error' }, match: { externalReference: requestId } });
    await h.approve(requestId);
    await h.waitFor(requestId, 'iepFailed', { simStepMs: 2 * MIN, timeoutMs: 30_000 });
    const stored = await h.store.requests.get(requestId);
    expect(stored!.history.at(-1)).toMatchObject({ to: 'iepFailed', why: 'the IEP transfer failed', note: 'Gateway queue error' });
    // The channel notice is enqueued just after the status is written (advance, then notifyChannel).
    const channelFailed = { type: 'channel', notice: expect.objectContaining({ topic: 'iepFailed', requestId }) };
    expect(await h.settledNotices()).toContainEqual(channelFailed);

    const out = await cancel(h.app(), analyst, requestId, `cancel:${requestId}`);
    expect(out.outcome).toBe('done');
    expect(await h.status(requestId)).toBe('cancelled');
  });
});
