import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cancel, reprocess } from '../../../app';
import type { AppActor } from '../../../app/appActor';
import { generateStudy } from '../../../sandbox/dicom-generator/generateStudy';
import { confirmExportStudies } from '../../../workers/steps/exportFind';
import { QueueFlowStarter } from '../../../workers/flowStarter';
import { seedStudy } from '../iep/iepFixtures';
import { uhlOrthanc } from '../../support/services';
import { analyst, exportOf, FlowHarness, MIN, radiologistId, traumaOf } from './support/flowHarness';

const radiologist: AppActor = { aadObjectId: radiologistId, roles: ['requester', 'radiologist'] };

/** Stores a one-instance CT with a given Study Instance UID in an Orthanc (patient id as UHL holds it). */
async function seedStudyWithUid(orthancUrl: string, patientId: string, studyInstanceUid: string): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'itb-uid-'));
  try {
    const study = generateStudy({ outDir: dir, patient: { id: patientId, name: 'TRAUMA^SYNTHETIC', birthDate: '1970-01-01' }, studyDate: '2026-03-11', modality: 'CT', instances: 1, rows: 8, cols: 8, studyInstanceUid });
    for (const f of study.files) expect((await fetch(`${orthancUrl}/instances`, { method: 'POST', body: fs.readFileSync(f) })).ok).toBe(true);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

jest.setTimeout(90_000);

/** The simulator's ledger of deliveries (what reached which node). */
async function deliveries(h: FlowHarness): Promise<Array<{ transactionId: string; deliveryNode: string; priority: string; studyInstanceUids: string[] }>> {
  return ((await (await fetch(`${h.sim.controlUrl}/deliveries`)).json()) as { deliveries: never[] }).deliveries;
}

describe('outbound flows: export (find, confirm, send, follow) and trauma (clinical emergency to NUH)', () => {
  let h: FlowHarness;
  beforeAll(async () => {
    h = await FlowHarness.start('outbound');
    await h.startWorkers();
  });
  afterAll(async () => {
    await h.close();
  });

  it('export: finds the one study on UHL PACS, sends it to the destination node, tells the site contact and the requester', async () => {
    const p = h.patients[0]!;
    // At UHL the Patient ID is the S number.
    const uid = await seedStudy(uhlOrthanc().restUrl, { ...p, remoteId: p.sNumber }, '2026-01-20', 'CT', 2);
    await seedStudy(uhlOrthanc().restUrl, { ...p, remoteId: p.sNumber }, '2025-06-01', 'CT', 1); // another date: not asked for
    const { requestId, callRef } = await h.submit(exportOf(p, ['2026-01-20']));
    await h.approve(requestId);
    await h.waitFor(requestId, 'completed', { simStepMs: 5 * MIN, timeoutMs: 40_000 });

    const { iepTransactionId } = await h.running!.deps!.flowState.get({ requestId, run: 0 });
    const tx = h.sim.portal.get(iepTransactionId!);
    expect(tx).toMatchObject({ type: 'transfer', externalReference: requestId, priority: 'Normal', deliveryNode: 'NUH Radiology PACS', status: 'Delivered' });
    expect((await deliveries(h)).filter((d) => d.transactionId === tx.id)).toEqual([expect.objectContaining({ studyInstanceUids: [uid] })]);
    // Appendix 3: the site contact hears, with the call reference, on the IEP transaction.
    const messages = await h.running!.deps!.iep.listMessages(tx.id);
    expect(messages.map((m) => m.text)).toEqual([`Images for UHL call reference ${callRef} are on IEP for you to download.`]);
    expect((await h.store.requests.get(requestId))!.history.map((t) => t.to)).toEqual([
      'logged', 'awaitingApproval', 'approved', 'iepNew', 'iepStarted', 'onIep', 'iepDelivered', 'completed',
    ]);
    expect(await h.settledNotices()).toContainEqual(expect.objectContaining({ type: 'requesterStatus', requestId, change: expect.objectContaining({ to: 'completed', callRef }) }));
  });

  it('export: an ambiguous match waits for the analyst, who confirms the list; only the confirmed study goes', async () => {
    const p = h.patients[1]!;
    const local = { ...p, remoteId: p.sNumber };
    const a = await seedStudy(uhlOrthanc().restUrl, local, '2026-01-21', 'CT', 1);
    const b = await seedStudy(uhlOrthanc().restUrl, local, '2026-01-21', 'CT', 1);
    const { requestId } = await h.submit(exportOf(p, ['2026-01-21']));
    await h.approve(requestId);
    const deps = h.running!.deps!;
    for (let i = 0; i < 100 && !(await deps.flowState.get({ requestId, run: 0 })).candidates; i++) await new Promise((r) => setTimeout(r, 50));
    const { candidates } = await deps.flowState.get({ requestId, run: 0 });
    expect(candidates!.map((c) => c.studyInstanceUid).sort()).toEqual([a, b].sort());
    expect(await h.status(requestId)).toBe('approved');
    expect(await h.settledNotices()).toContainEqual({ type: 'channel', notice: expect.objectContaining({ topic: 'stepFailed', requestId, status: 'approved' }) });

    // Only a study found for this patient may be chosen.
    expect(await confirmExportStudies(deps, requestId, ['2.25.1234'])).toEqual({ outcome: 'refused', reason: 'a chosen study was not found for this request' });
    expect(await confirmExportStudies(deps, requestId, [b])).toEqual({ outcome: 'queued', studyCount: 1 });
    await h.waitFor(requestId, 'completed', { simStepMs: 5 * MIN, timeoutMs: 40_000 });
    const { iepTransactionId } = await deps.flowState.get({ requestId, run: 0 });
    expect((await deliveries(h)).filter((d) => d.transactionId === iepTransactionId)).toEqual([expect.objectContaining({ studyInstanceUids: [b] })]);
  });

  it('export cancelled by an analyst while IEP uploads: the outbound thread is given back at once', async () => {
    const p = h.patients[4]!;
    await seedStudy(uhlOrthanc().restUrl, { ...p, remoteId: p.sNumber }, '2026-01-22', 'CT', 1);
    const { requestId } = await h.submit(exportOf(p, ['2026-01-22']));
    await h.approve(requestId);
    await h.waitFor(requestId, 'iepNew'); // the simulator's clock stands still: the upload never ends by itself
    const job = await h.running!.deps!.queues.outbound.getJob(`${requestId}.outbound.send`);
    expect(await job!.getState()).toBe('active');
    expect((await cancel(h.app(), analyst, requestId, `cancel:${requestId}`)).outcome).toBe('done');
    for (let i = 0; i < 100 && (await job!.getState()) === 'active'; i++) await new Promise((r) => setTimeout(r, 50));
    expect(await job!.getState()).toBe('completed');
    expect(await h.status(requestId)).toBe('cancelled');
  });

  it('trauma: no approval, clinical-emergency priority to NUH Radiology PACS, only the picked studies', async () => {
    const p = h.patients[2]!;
    const local = { ...p, remoteId: p.sNumber };
    const head = await seedStudy(uhlOrthanc().restUrl, local, '2026-03-11', 'CT', 1);
    const other = await seedStudy(uhlOrthanc().restUrl, local, '2026-03-11', 'CR', 1);
    const { requestId, callRef } = await h.submit(traumaOf(p, [head]));
    // Started as a bot process that built its queues before the emergency queue existed: still routed to it.
    const deps = h.running!.deps!;
    const botStarter = new QueueFlowStarter({ store: deps.store, flowState: deps.flowState, clock: deps.clock, redis: deps.redis, prefix: deps.prefix, queues: { flow: deps.queues.flow, outbound: deps.queues.outbound, inbound: deps.queues.inbound, timers: deps.queues.timers } });
    await botStarter.start(requestId, { lane: 'clinicalEmergency' });
    expect(await deps.queues.outboundEmergency!.getJob(`${requestId}.outbound.send`)).toBeDefined();
    expect(await deps.queues.outbound.getJob(`${requestId}.outbound.send`)).toBeUndefined();
    await h.waitFor(requestId, 'completed', { simStepMs: 2 * MIN, timeoutMs: 40_000 });
    const { iepTransactionId } = await h.running!.deps!.flowState.get({ requestId, run: 0 });
    expect(h.sim.portal.get(iepTransactionId!)).toMatchObject({ priority: 'Clinical emergency', deliveryNode: 'NUH Radiology PACS', institution: { id: 'nuh' } });
    const sent = (await deliveries(h)).filter((d) => d.transactionId === iepTransactionId);
    expect(sent).toEqual([expect.objectContaining({ priority: 'Clinical emergency', studyInstanceUids: [head] })]);
    expect(sent[0]!.studyInstanceUids).not.toContain(other);
    expect(await h.settledNotices()).toContainEqual(expect.objectContaining({ type: 'requesterStatus', requestId, change: expect.objectContaining({ to: 'completed', callRef }) }));
  });

  it('trauma failure reaches the radiologist at once and the channel (CD fallback is on the card); the radiologist re-sends', async () => {
    const p = h.patients[3]!;
    // A study neither on the IEP node nor in UHL PACS: IEP fails the transfer.
    const missing = `2.25.${Date.now()}${Math.floor(Math.random() * 1e6)}`;
    const { requestId } = await h.submit(traumaOf(p, [missing]));
    await h.running!.flows!.start(requestId, { lane: 'clinicalEmergency' });
    await h.waitFor(requestId, 'iepFailed', { simStepMs: 1 * MIN });
    const notices = await h.settledNotices();
    expect(notices).toContainEqual(expect.objectContaining({ type: 'requesterStatus', requestId, change: expect.objectContaining({ to: 'iepFailed', kind: 'trauma' }) }));
    expect(notices).toContainEqual({ type: 'channel', notice: expect.objectContaining({ topic: 'iepFailed', requestId, kind: 'trauma' }) });
    expect((await h.store.requests.get(requestId))!.history.at(-1)).toMatchObject({ note: 'Not every study was received on the IEP node.' });
    // The study reaches UHL PACS after all; the radiologist re-sends (a trauma re-process goes back to logged, run 1).
    await seedStudyWithUid(uhlOrthanc().restUrl, p.sNumber, missing);
    const out = await reprocess(h.app(), radiologist, requestId, `resend:${requestId}`);
    expect(out.outcome).toBe('done');
    await h.waitFor(requestId, 'completed', { simStepMs: 2 * MIN, timeoutMs: 40_000 });
    const { iepTransactionId } = await h.running!.deps!.flowState.get({ requestId, run: 1 });
    expect(h.sim.portal.get(iepTransactionId!)).toMatchObject({ externalReference: `${requestId}.r1`, status: 'Delivered' });
  });
});
