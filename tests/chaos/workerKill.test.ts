import { control, holdsStudy, seedStudy } from '../integration/iep/iepFixtures';
import { exportOf, FlowHarness, importOf, traumaOf } from '../integration/workers/support/flowHarness';
import { gatewayOrthanc, remoteOrthanc, testRedisUrl, uhlOrthanc } from '../support/services';
import { startWorkersEntry, type WorkersEntryProcess } from '../support/workersEntry';
import type { RequestStatus } from '../../domain';

jest.setTimeout(600_000);

const KILLS = 20;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function instancesInUhl(studyUid: string): Promise<string[]> {
  const res = await fetch(`${uhlOrthanc().restUrl}/tools/find`, { method: 'POST', body: JSON.stringify({ Level: 'Instance', Query: { StudyInstanceUID: studyUid }, Expand: true }) });
  const found = (await res.json()) as Array<{ MainDicomTags: { SOPInstanceUID: string } }>;
  return found.map((i) => i.MainDicomTags.SOPInstanceUID);
}

/**
 * Worker SIGKILL (issue 9): the real workers entry (workers/main.ts) in a child process, against the run's Redis and
 * Orthancs, the IEP simulator, the RIS MLLP listener and the PAS stand-in on free ports. Imports, exports and a trauma
 * transfer run at once while the process is killed with SIGKILL 20 times at random moments - during STOW into PACS,
 * after an HL7 message went out with the RIS not answering yet, during an IEP upload, between a status change and
 * its notice - and a fresh one started each time. Every request must reach completed; PACS must hold each source
 * instance once; the RIS listener must hold one acknowledged entry per exam; no requester notice may be doubled.
 */
describe('worker process SIGKILLed 20 times mid-flow', () => {
  let h: FlowHarness;
  let worker: WorkersEntryProcess | undefined;
  const starts: number[] = [];

  const env = (): Record<string, string> => ({
    REDIS_URL: testRedisUrl(),
    REDIS_PREFIX: h.prefix,
    LOG_LEVEL: process.env.ITB_TEST_LOG ?? 'error',
    IEP_BASE_URL: h.sim.baseUrl,
    IEP_TIMEOUT_MS: '10000',
    PACS_DICOMWEB_URL: uhlOrthanc().dicomWebUrl,
    PACS_REST_URL: uhlOrthanc().restUrl,
    IEP_GATEWAY_DICOMWEB_URL: gatewayOrthanc().dicomWebUrl,
    IEP_GATEWAY_REST_URL: gatewayOrthanc().restUrl,
    RIS_MLLP_HOST: '127.0.0.1',
    RIS_MLLP_PORT: String(h.risPort),
    RIS_ACK_TIMEOUT_MS: '1500',
    RIS_MAX_ATTEMPTS: '2',
    PAS_FHIR_BASE_URL: h.pas.baseUrl,
    ITB_WORK_DIR: h.workDir,
    ITB_IEP_POLL_MIN_MS: '100',
    ITB_IEP_POLL_MAX_MS: '300',
    ITB_IEP_THREAD_POLL_MS: '100',
    ITB_STEP_BACKOFF_MS: '200',
    ITB_STEP_ATTEMPTS: '20',
    // A killed job is picked up again once its lock lapses and the stalled check runs.
    ITB_WORKER_LOCK_MS: '3000',
    ITB_WORKER_STALLED_INTERVAL_MS: '1000',
  });
  const respawn = async () => {
    await worker?.kill9();
    worker = startWorkersEntry(env());
    starts.push(Date.now());
  };

  beforeAll(async () => {
    h = await FlowHarness.start('sigkill', { patients: 6 });
    // The app (approve) and the flow starter live here, as in the bot process; the workers run in the child only.
    await h.startWorkers({ run: { flows: true } });
    await Promise.all(h.running!.workers.map((w) => w.close()));
  });
  afterAll(async () => {
    await worker?.stop();
    await h?.close();
  });

  it('every request completes; 0 duplicate instances, RIS entries or notices', async () => {
    const p = h.patients;
    // Sources: three imports from the remote trust (3 instances each), two exports and a trauma transfer from UHL.
    const imports = await Promise.all([0, 1, 2].map(async (i) => ({ uid: await seedStudy(remoteOrthanc().restUrl, p[i]!, `2026-02-2${i}`, 'CT', 3), i })));
    const exportUids = await Promise.all([3, 4].map((i) => seedStudy(uhlOrthanc().restUrl, { ...p[i]!, remoteId: p[i]!.sNumber }, '2026-02-27', 'CT', 2)));
    const traumaUid = await seedStudy(uhlOrthanc().restUrl, { ...p[5]!, remoteId: p[5]!.sNumber }, '2026-03-11', 'CT', 1);

    await respawn();
    const requests: Array<{ requestId: string; callRef: string; kind: string }> = [];
    for (const { i } of imports) requests.push({ ...(await h.submit(importOf(p[i]!, `2026-02-2${i}`))), kind: 'import' });
    for (const i of [3, 4]) requests.push({ ...(await h.submit(exportOf(p[i]!, ['2026-02-27']))), kind: 'export' });
    const trauma = { ...(await h.submit(traumaOf(p[5]!, [traumaUid]))), kind: 'trauma' };
    requests.push(trauma);
    for (const r of requests.filter((r) => r.kind !== 'trauma')) await h.approve(r.requestId);
    await h.running!.flows!.start(trauma.requestId, { lane: 'clinicalEmergency' });

    // Kill at random moments (seeded, so a failure can be replayed), with RIS silent now and then so that some kills
    // land after an HL7 send and before its ACK. The simulator's clock moves a minute every ~100 ms.
    let seed = 20260311;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const statusOf = async (): Promise<RequestStatus[]> => Promise.all(requests.map(async (r) => (await h.status(r.requestId)) as RequestStatus));
    const seenAtKill: string[] = [];
    let kills = 0;
    let waves = 0;
    const deadline = Date.now() + 420_000;
    let nextKill = Date.now() + 2500 + random() * 2500;
    for (;;) {
      const statuses = await statusOf();
      const allDone = statuses.every((s) => s === 'completed');
      if (allDone && kills >= KILLS) break;
      if (allDone) {
        // Everything landed before the next kill: a new wave (an import and an export of new patients), so every
        // kill falls on work in flight.
        // Patients the PAS stand-in knows (a stranger would rightly be quarantined), with new study dates.
        waves++;
        const day = `2026-01-${String(10 + waves).padStart(2, '0')}`;
        const wave = [p[waves % 3]!, p[3 + (waves % 2)]!];
        const uid = await seedStudy(remoteOrthanc().restUrl, wave[0]!, day, 'CT', 3);
        imports.push({ uid, i: -1 });
        await seedStudy(uhlOrthanc().restUrl, { ...wave[1]!, remoteId: wave[1]!.sNumber }, day, 'CT', 2);
        const imp = { ...(await h.submit(importOf(wave[0]!, day))), kind: 'import' };
        const exp = { ...(await h.submit(exportOf(wave[1]!, [day]))), kind: 'export' };
        requests.push(imp, exp);
        await h.approve(imp.requestId);
        await h.approve(exp.requestId);
        nextKill = Date.now() + 1500 + random() * 3000;
        continue;
      }
      if (Date.now() > deadline) throw new Error(`not finished after ${kills} kills: ${statuses.join(', ')}`);
      await control(h.sim.controlUrl, '/clock', { advanceMs: 60_000 });
      if (Date.now() >= nextKill && kills < KILLS) {
        seenAtKill.push(statuses.filter((s) => s !== 'completed').join('/') || 'all completed');
        h.ris.setMode(random() < 0.3 ? 'silent' : 'AA');
        await respawn();
        kills++;
        nextKill = Date.now() + 2000 + random() * 3000;
      } else if (random() < 0.05) {
        h.ris.setMode('AA');
      }
      await sleep(100);
    }
    h.ris.setMode('AA');

    // PACS: each imported source instance once (Orthanc keys instances by SOP Instance UID, so a double STOW would
    // show as a count above the source's, a lost one below).
    let duplicateInstances = 0;
    let missingInstances = 0;
    for (const { uid } of imports) {
      const sops = await instancesInUhl(uid);
      duplicateInstances += sops.length - new Set(sops).size + Math.max(0, sops.length - 3);
      missingInstances += Math.max(0, 3 - new Set(sops).size);
      expect(await holdsStudy(gatewayOrthanc().restUrl, uid)).toBe(false);
    }
    // RIS: one acknowledged entry per imported exam, every send of it under one message control id.
    let risDuplicates = 0;
    for (const r of requests.filter((x) => x.kind === 'import')) {
      const sent = h.ris.messages().filter((m) => m.hl7.includes(r.callRef));
      risDuplicates += Math.max(0, new Set(sent.map((m) => m.messageControlId)).size - 1) + Math.max(0, sent.filter((m) => m.answeredWith === 'AA').length - 1);
      expect(sent.filter((m) => m.answeredWith === 'AA')).toHaveLength(1);
    }
    // IEP: one transaction per request.
    const txPerRequest = requests.map((r) => h.sim.portal.list({ externalReference: r.requestId, limit: 100 }).transactions.length);
    // Notices: one per (request, status) - notify job ids are the notice keys, so a repeat could only hide behind a
    // different key; count what the requester would be told per status change.
    const notices = (await h.notices()).filter((n) => n.type === 'requesterStatus') as Array<{ requestId: string; change: { to: string } }>;
    const perChange = new Map<string, number>();
    for (const n of notices) perChange.set(`${n.requestId}:${n.change.to}`, (perChange.get(`${n.requestId}:${n.change.to}`) ?? 0) + 1);
    const duplicateNotices = [...perChange.values()].reduce((a, c) => a + c - 1, 0);
    // Histories: each status entered once (no step ran twice to completion).
    let doubledSteps = 0;
    for (const r of requests) {
      const history = (await h.store.requests.get(r.requestId))!.history.map((t) => t.to);
      doubledSteps += history.length - new Set(history).size;
    }
    const uhlSources = imports.length * 3;
    const completedCount = (await statusOf()).filter((st) => st === 'completed').length;
    const exportTx = requests.map((r, k) => (r.kind === 'import' ? -1 : txPerRequest[k]!)).filter((n) => n >= 0);
    console.log(
      `WORKER SIGKILL: ${kills} kills of the workers entry process (statuses at the kills: ${seenAtKill.join('; ')}); ` +
        `${completedCount}/${requests.length} requests completed; ` +
        `PACS ${uhlSources - missingInstances}/${uhlSources} source instances, ${duplicateInstances} duplicate SOP Instance UIDs; ` +
        `RIS ${risDuplicates} duplicate messages; IEP transactions per request ${txPerRequest.join(',')}; ` +
        `${notices.length} requester notices, ${duplicateNotices} duplicates; ${doubledSteps} statuses entered twice`,
    );
    expect(kills).toBe(KILLS);
    expect(await statusOf()).toEqual(requests.map(() => 'completed'));
    expect(duplicateInstances).toBe(0);
    expect(missingInstances).toBe(0);
    expect(risDuplicates).toBe(0);
    expect(txPerRequest.every((n) => n === 1)).toBe(true);
    expect(exportTx.length).toBeGreaterThanOrEqual(3);
    expect(duplicateNotices).toBe(0);
    expect(doubledSteps).toBe(0);
    expect(exportUids).toHaveLength(2);
  });
});
