import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateStudy } from '../../../sandbox/dicom-generator/generateStudy';
import { pointCdImportAt } from '../../../workers/steps/cdImport';
import { holdsStudy, seedStudy } from '../iep/iepFixtures';
import { gatewayOrthanc, remoteOrthanc, uhlOrthanc } from '../../support/services';
import { startChildWorker, type ChildWorker } from './support/childWorkers';
import { cdImportOf, exportOf, FlowHarness, importOf, MIN, traumaOf } from './support/flowHarness';

jest.setTimeout(120_000);

async function instancesInUhl(studyUid: string): Promise<number> {
  const ids = (await (await fetch(`${uhlOrthanc().restUrl}/tools/find`, { method: 'POST', body: JSON.stringify({ Level: 'Instance', Query: { StudyInstanceUID: studyUid } }) })).json()) as string[];
  return ids.length;
}

/**
 * A worker process killed (SIGKILL) in the middle of each flow: the next process finishes the work, with no duplicate
 * side effect (one IEP transaction per run, one AA'd RIS entry per exam, each instance once in PACS, the gateway
 * emptied). The test process only hosts the peers; workers run in child processes. A killed job is picked up again
 * once its lock lapses (lockDuration 3 s in tests).
 */
describe('a worker killed mid-flow: the next one finishes, once', () => {
  let h: FlowHarness;
  let worker: ChildWorker | undefined;
  beforeAll(async () => {
    h = await FlowHarness.start('restart');
    // The app (approve) and the flow starter run here, as in the bot process; no workers run here.
    await h.startWorkers({ run: { flows: true } });
    await Promise.all(h.running!.workers.map((w) => w.close()));
  });
  afterAll(async () => {
    await worker?.stop();
    await h.close();
  });
  const respawn = async () => {
    await worker?.kill();
    worker = await startChildWorker('flows', h.peers());
  };
  const txCount = (externalReference: string) => h.sim.portal.list({ externalReference, limit: 100 }).transactions.length;
  const aaFor = (callRef: string) => h.ris.messages().filter((m) => m.hl7.includes(callRef) && m.answeredWith === 'AA');

  it('import: killed while downloading, and again while RIS is not answering', async () => {
    await respawn();
    const p = h.patients[0]!;
    const uid = await seedStudy(remoteOrthanc().restUrl, p, '2026-02-26', 'CT', 3);
    const { requestId, callRef } = await h.submit(importOf(p, '2026-02-26'));
    await h.approve(requestId);
    await h.waitFor(requestId, 'iepDownloadRequest', { simStepMs: 2 * MIN });
    await respawn(); // killed holding the inbound thread
    // RIS goes quiet: the RIS step hangs waiting for its ACK, and the process dies there.
    h.ris.setMode('silent');
    await h.waitFor(requestId, 'iepDelivered', { simStepMs: 1 * MIN, timeoutMs: 30_000 });
    await new Promise((r) => setTimeout(r, 300));
    await respawn();
    h.ris.setMode('AA');
    await h.waitFor(requestId, 'completed', { timeoutMs: 30_000 });

    expect(txCount(requestId)).toBe(1);
    expect(await instancesInUhl(uid)).toBe(3);
    expect(await holdsStudy(gatewayOrthanc().restUrl, uid)).toBe(false);
    // One exam, one entry: every send carried the same message control id, and one was acknowledged.
    const sent = h.ris.messages().filter((m) => m.hl7.includes(callRef));
    expect(new Set(sent.map((m) => m.messageControlId)).size).toBe(1);
    expect(aaFor(callRef)).toHaveLength(1);
    const history = (await h.store.requests.get(requestId))!.history.map((t) => t.to);
    expect(history.filter((s) => s === 'completed')).toHaveLength(1);
    expect(history.filter((s) => s === 'iepDelivered')).toHaveLength(1);
  });

  it('export: killed while holding an outbound thread during the upload', async () => {
    await respawn();
    const p = h.patients[1]!;
    const uid = await seedStudy(uhlOrthanc().restUrl, { ...p, remoteId: p.sNumber }, '2026-02-27', 'CT', 1);
    const { requestId } = await h.submit(exportOf(p, ['2026-02-27']));
    await h.approve(requestId);
    await h.waitFor(requestId, 'iepNew');
    await respawn();
    await h.waitFor(requestId, 'completed', { simStepMs: 5 * MIN, timeoutMs: 40_000 });
    expect(txCount(requestId)).toBe(1);
    const { iepTransactionId } = await h.running!.deps!.flowState.get({ requestId, run: 0 });
    expect(h.sim.portal.get(iepTransactionId!).studies.map((s) => s.studyInstanceUid)).toEqual([uid]);
    // The site contact's message was posted once (its client message id is the run's).
    expect(await h.running!.deps!.iep.listMessages(iepTransactionId!)).toHaveLength(1);
  });

  it('trauma: killed right after the transfer was created', async () => {
    await respawn();
    const p = h.patients[2]!;
    const uid = await seedStudy(uhlOrthanc().restUrl, { ...p, remoteId: p.sNumber }, '2026-03-11', 'CT', 1);
    const { requestId } = await h.submit(traumaOf(p, [uid]));
    await h.running!.flows!.start(requestId, { lane: 'clinicalEmergency' });
    await h.waitFor(requestId, 'iepNew');
    await respawn();
    await h.waitFor(requestId, 'completed', { simStepMs: 2 * MIN, timeoutMs: 40_000 });
    expect(txCount(requestId)).toBe(1);
  });

  it('CD import: killed while RIS is not answering after the images reached PACS', async () => {
    await respawn();
    const p = h.patients[3]!;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'itb-cd-restart-'));
    try {
      const study = generateStudy({ outDir: dir, patient: { id: 'CDX1', name: `${p.familyName}^${p.givenName}`, birthDate: p.birthDate, nhsNumber: p.nhsNumber }, studyDate: '2026-02-28', modality: 'CT', instances: 2, rows: 8, cols: 8 });
      const { requestId, callRef } = await h.submit(cdImportOf(p, '2026-02-28'));
      await h.approve(requestId);
      h.ris.setMode('silent');
      expect(await pointCdImportAt(h.running!.deps!, requestId, dir)).toEqual({ outcome: 'queued' });
      await h.waitFor(requestId, 'deliveredToPacs');
      await new Promise((r) => setTimeout(r, 300));
      await respawn();
      h.ris.setMode('AA');
      await h.waitFor(requestId, 'completed', { timeoutMs: 30_000 });
      expect(await instancesInUhl(study.studyInstanceUid)).toBe(2);
      expect(aaFor(callRef)).toHaveLength(1);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
