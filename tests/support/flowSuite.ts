import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { CallRef } from '../../domain';
import { generateStudy } from '../../sandbox/dicom-generator/generateStudy';
import type { FlowDeps } from '../../workers/flowDeps';
import { pointCdImportAt } from '../../workers/steps/cdImport';
import { holdsStudy, seedStudy, type TestPatient } from '../integration/iep/iepFixtures';
import { cdImportOf, exportOf, importOf, MIN } from '../integration/workers/support/flowHarness';
import { CapacitySampler, sampleThreads, type ThreadSample } from './capacitySampler';
import type { FlowRig } from './flowRig';
import { remoteOrthanc, uhlOrthanc } from './services';

/** What one run of the suite measured. */
export interface FlowSuiteFigures {
  requests: number;
  /** Highest concurrent IEP threads seen by sampling (guideline 2.3d limits: 4 shared + 1 reserved outbound, 4 inbound). */
  max: ThreadSample;
  samples: number;
  /** Samples with all 5 outbound threads held, the fifth by a Blue Light or trauma transfer. */
  reservedInUse: number;
  /** The held threads while outbound was saturated and the simulator's clock stood still. */
  saturated: ThreadSample;
  stepsDoneByWorker: Record<string, number>;
  cardActionsByBot: Record<string, number>;
  wallMs: number;
}

const IMPORTS = 6;
const STANDARD_EXPORTS = 6;
const BLUE_LIGHT_EXPORTS = 2;

async function instancesInUhl(studyUid: string): Promise<number> {
  const res = await fetch(`${uhlOrthanc().restUrl}/tools/find`, { method: 'POST', body: JSON.stringify({ Level: 'Instance', Query: { StudyInstanceUID: studyUid } }) });
  return ((await res.json()) as string[]).length;
}

async function patientIdInUhl(studyUid: string): Promise<string | undefined> {
  const uhl = uhlOrthanc().restUrl;
  const ids = (await (await fetch(`${uhl}/tools/find`, { method: 'POST', body: JSON.stringify({ Level: 'Study', Query: { StudyInstanceUID: studyUid } }) })).json()) as string[];
  if (!ids[0]) return undefined;
  return ((await (await fetch(`${uhl}/studies/${ids[0]}`)).json()) as { PatientMainDicomTags: { PatientID: string } }).PatientMainDicomTags.PatientID;
}

/** A CD's contents for `p` as a zip (the sending hospital's own patient id; the engine writes our S number). */
function burnCdZip(dir: string, p: TestPatient, studyDate: string): { zip: string; uid: string } {
  const cd = path.join(dir, `cd-${p.sNumber}`);
  const study = generateStudy({ outDir: path.join(cd, 'DICOM'), patient: { id: 'CDHOSP123', name: `${p.familyName}^${p.givenName}`, birthDate: p.birthDate, nhsNumber: p.nhsNumber, sex: 'O' }, studyDate, modality: 'CT', instances: 2, rows: 16, cols: 16 });
  const zip = `${cd}.zip`;
  execFileSync('zip', ['-qr', zip, '.'], { cwd: cd });
  return { zip, uid: study.studyInstanceUid };
}

/**
 * The workflow flows of tests/integration/workers, all at once, on a rig of real bot and worker processes: 6 imports
 * (one Blue Light), 6 standard and 2 Blue Light exports, a trauma transfer sent by the radiologist through a bot, and a
 * CD import. Approvals alternate between the bot processes. First the exports saturate the outbound threads while
 * the simulator's clock stands still (uploads cannot finish), and the held threads are read; then the clock moves
 * until every request is completed. Threads in use are sampled all along. Asserts the outcome of every flow and the
 * limits; returns the figures.
 */
export async function runFlowSuite(rig: FlowRig): Promise<FlowSuiteFigures> {
  const t0 = Date.now();
  const p = rig.patients;
  if (p.length < IMPORTS + STANDARD_EXPORTS + BLUE_LIGHT_EXPORTS + 2) throw new Error('the rig needs 16 patients');
  const sampler = new CapacitySampler(rig.redis, rig.queues);
  sampler.start();
  try {
    // Exports first: their uploads hold outbound threads for as long as the simulator's clock stands still.
    const exports: Array<{ requestId: string; callRef: CallRef; uid: string }> = [];
    for (let i = 0; i < STANDARD_EXPORTS + BLUE_LIGHT_EXPORTS; i++) {
      const patient = p[IMPORTS + i]!;
      const date = `2026-01-${String(10 + i).padStart(2, '0')}`;
      const uid = await seedStudy(uhlOrthanc().restUrl, { ...patient, remoteId: patient.sNumber }, date, 'CT', 1);
      const submitted = await rig.submit(exportOf(patient, [date], i < STANDARD_EXPORTS ? 'standard' : 'blueLight'));
      exports.push({ ...submitted, uid });
    }
    for (const [i, e] of exports.entries()) await rig.approveVia(i, e.requestId, e.callRef);

    // The radiologist's trauma transfer (no approval), through the second bot.
    const traumaPatient = p[IMPORTS + STANDARD_EXPORTS + BLUE_LIGHT_EXPORTS]!;
    const traumaUid = await seedStudy(uhlOrthanc().restUrl, { ...traumaPatient, remoteId: traumaPatient.sNumber }, '2026-03-11', 'CT', 1);
    const trauma = await rig.traumaVia(1, traumaPatient, [traumaUid]);

    // Outbound saturated: 4 shared threads and the reserved fifth, taken by an emergency; the rest wait.
    const saturatedBy = Date.now() + 30_000;
    let saturated = await sampleThreads(rig.redis, rig.queues);
    while (!(saturated.sharedHeld === 4 && saturated.emergencyHeld === 1) && Date.now() < saturatedBy) {
      await new Promise((r) => setTimeout(r, 100));
      saturated = await sampleThreads(rig.redis, rig.queues);
    }
    expect(saturated).toMatchObject({ sharedHeld: 4, emergencyHeld: 1, outboundHeld: 5 });
    // Held, not just reached: a second later still 5 (2 standard exports, the other emergencies, wait their turn).
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await sampleThreads(rig.redis, rig.queues)).toMatchObject({ sharedHeld: 4, emergencyHeld: 1 });

    // Imports (one Blue Light) and a CD import, approved alternately through the bots.
    const imports: Array<{ requestId: string; callRef: CallRef; uid: string; patient: TestPatient }> = [];
    for (let i = 0; i < IMPORTS; i++) {
      const patient = p[i]!;
      const date = `2026-02-${String(10 + i).padStart(2, '0')}`;
      const uid = await seedStudy(remoteOrthanc().restUrl, patient, date, 'CT', 2);
      const submitted = await rig.submit(importOf(patient, date, i === 0 ? 'blueLight' : 'standard', 'CTHEAD'));
      imports.push({ ...submitted, uid, patient });
    }
    const cdPatient = p[IMPORTS + STANDARD_EXPORTS + BLUE_LIGHT_EXPORTS + 1]!;
    const cdDisc = burnCdZip(rig.dir, cdPatient, '2026-02-20');
    const cd = await rig.submit(cdImportOf(cdPatient, '2026-02-20'));
    for (const [i, r] of [...imports, cd].entries()) await rig.approveVia(i, r.requestId, r.callRef);
    // The analyst points the CD import at the disc's contents (the workers' own entry point for it).
    const producer = { store: rig.store, flowState: rig.flowState, queues: rig.queues } as unknown as FlowDeps;
    expect(await pointCdImportAt(producer, cd.requestId, cdDisc.zip)).toEqual({ outcome: 'queued' });

    const all = [...exports, trauma, ...imports, cd].map((r) => r.requestId);
    await rig.waitAll(all, ['completed'], { simStepMs: 2 * MIN, timeoutMs: 150_000 });

    // Every import in UHL PACS under our S number, every instance, one RIS entry per exam.
    for (const r of imports) {
      expect(await patientIdInUhl(r.uid)).toBe(r.patient.sNumber);
      expect(await instancesInUhl(r.uid)).toBe(2);
      expect(rig.ris.messages().filter((m) => m.hl7.includes(r.callRef))).toHaveLength(1);
      expect((await rig.store.requests.get(r.requestId))!.history.map((t) => t.to)).toEqual([
        'logged', 'awaitingApproval', 'approved', 'iepNew', 'iepStarted', 'onIep', 'iepDownloadRequest', 'iepDownloading', 'iepDelivered', 'registeredOnRis', 'completed',
      ]);
    }
    expect(await holdsStudy(uhlOrthanc().restUrl, cdDisc.uid)).toBe(true);
    expect(await patientIdInUhl(cdDisc.uid)).toBe(cdPatient.sNumber);
    expect(rig.ris.messages().filter((m) => m.hl7.includes(cd.callRef))).toHaveLength(1);

    // Every export and the trauma transfer delivered once, only the studies asked for, at the right priority.
    const deliveries = ((await (await fetch(`${rig.sim.controlUrl}/deliveries`)).json()) as { deliveries: Array<{ transactionId: string; priority: string; studyInstanceUids: string[] }> }).deliveries;
    for (const [i, e] of exports.entries()) {
      const { iepTransactionId } = await rig.flowState.get({ requestId: e.requestId, run: 0 });
      expect(rig.sim.portal.get(iepTransactionId!)).toMatchObject({ externalReference: e.requestId, status: 'Delivered', priority: i < STANDARD_EXPORTS ? 'Normal' : 'Clinical emergency' });
      expect(deliveries.filter((d) => d.transactionId === iepTransactionId)).toEqual([expect.objectContaining({ studyInstanceUids: [e.uid] })]);
    }
    const traumaTx = (await rig.flowState.get({ requestId: trauma.requestId, run: 0 })).iepTransactionId!;
    expect(rig.sim.portal.get(traumaTx)).toMatchObject({ priority: 'Clinical emergency', deliveryNode: 'NUH Radiology PACS', status: 'Delivered' });
    expect(deliveries.filter((d) => d.transactionId === traumaTx)).toEqual([expect.objectContaining({ studyInstanceUids: [traumaUid] })]);

    // Each requester told "completed" once, with the call reference, whichever process noticed (the job id dedupes).
    const notices = await rig.notices();
    for (const r of [...exports, trauma, ...imports, cd]) {
      const told = notices.filter((n) => n.type === 'requesterStatus' && n.requestId === r.requestId && n.change.to === 'completed');
      expect(told).toEqual([expect.objectContaining({ change: expect.objectContaining({ callRef: r.callRef }) })]);
    }
    // Ids only in the job payloads: nothing of any patient.
    const payloads = JSON.stringify(notices) + JSON.stringify((await rig.queues.flow.getJobs(['completed'])).map((j) => j.data));
    for (const patient of p) for (const marker of [patient.familyName, patient.nhsNumber, patient.sNumber]) expect(payloads).not.toContain(marker);

    await sampler.stop();
    // guideline 2.3d, across every process for the whole run.
    expect(sampler.max.sharedHeld).toBeLessThanOrEqual(4);
    expect(sampler.max.outboundHeld).toBeLessThanOrEqual(5);
    expect(sampler.max.inboundActive).toBeLessThanOrEqual(4);
    expect(sampler.max.inboundActive).toBeGreaterThanOrEqual(1);
    expect(sampler.reservedInUse).toBeGreaterThan(0);

    // The work really was spread: every worker process ran steps, and both bots took card actions.
    const stepsDoneByWorker = rig.stepsDoneByWorker();
    const cardActionsByBot = rig.cardActionsByBot();
    for (const n of Object.values(stepsDoneByWorker)) expect(n).toBeGreaterThan(0);
    for (const n of Object.values(cardActionsByBot)) expect(n).toBeGreaterThan(0);
    return { requests: all.length, max: { ...sampler.max }, samples: sampler.samples, reservedInUse: sampler.reservedInUse, saturated, stepsDoneByWorker, cardActionsByBot, wallMs: Date.now() - t0 };
  } finally {
    await sampler.stop().catch(() => undefined);
    fs.rmSync(path.join(rig.dir, 'cd'), { recursive: true, force: true });
  }
}
