import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Job } from 'bullmq';
import { createPacsClient } from '../../integrations/pacs';
import { freePort } from '../../sandbox/processes/freePort';
import { startOrthanc, type OrthancHandle, type OrthancOptions } from '../../sandbox/processes/orthanc';
import { startRisControlApi, type RisControlApi } from '../../sandbox/ris/controlApi';
import type { RisAckMode, RisRecordedMessage } from '../../sandbox/ris/risListener';
import type { FlowJobData } from '../../workers/flowQueue';
import { control, holdsStudy, seedStudy } from '../integration/iep/iepFixtures';
import { FlowHarness, importOf, MIN } from '../integration/workers/support/flowHarness';
import { gatewayOrthanc, remoteOrthanc } from '../support/services';

jest.setTimeout(240_000);

/** Step attempts for this test: few enough that an outage can outlast them, enough for a short one to be ridden out. */
const ATTEMPTS = 6;
/** First back-off; BullMQ doubles it: 0.4, 0.8, 1.6, 3.2, 6.4 s - about 12 s of retries before the channel is told. */
const BACKOFF_MS = 400;
const INSTANCES = 6;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Peers down (issue 9), each against the real peer on a free port with the real workers (in this process) and the
 * real clients: UHL PACS (an Orthanc of this test's own, so it can be stopped) stopped in the middle of an import and
 * started again; the RIS (the sandbox CRIS listener, driven over its control API) answering AE, then AR, then nothing,
 * then AA; the IEP simulator answering 503 (its /http-faults control). Each is retried as designed, escalated to the
 * analysts' channel when it should be (an AE at once; a retryable failure when the step's attempts run out), and
 * recovers with nothing lost and nothing doubled.
 */
describe('peers down: retried as designed, escalated when they should be, nothing lost', () => {
  let h: FlowHarness;
  let pacs: OrthancHandle | undefined;
  let pacsOpts: OrthancOptions;
  let risControl: RisControlApi;
  /** One labelled figure line per scenario, as each finishes (docs/reliability.md quotes them). */
  const figure = (line: string) => console.log(`PEERS DOWN: ${line}`);
  /** Every failed attempt of a step, as the workers saw it (BullMQ's 'failed' event), per request. */
  const failedAttempts: Array<{ requestId: string | undefined; step: string; errType: string; code: string | undefined }> = [];

  beforeAll(async () => {
    pacsOpts = await pacsOptions();
    pacs = await startOrthanc(pacsOpts);
    h = await FlowHarness.start('peers', { patients: 6 });
    const running = await h.startWorkers({
      ports: { pacs: createPacsClient({ kind: 'dicomweb', baseUrl: pacs.dicomWebUrl, timeoutMs: 5_000 }) },
      options: { stepAttempts: ATTEMPTS, stepBackoffMs: BACKOFF_MS },
    });
    for (const w of running.workers) {
      w.on('failed', (job: Job | undefined, err: Error) => {
        const data = job?.data as Partial<FlowJobData> | undefined;
        failedAttempts.push({ requestId: data?.requestId, step: job?.name ?? '?', errType: err.name, code: (err as { code?: string }).code });
      });
    }
    risControl = await startRisControlApi(h.ris, { port: 0 });
  });
  afterAll(async () => {
    try {
      await risControl?.close();
      await h?.close();
    } finally {
      // Our own Orthanc is stopped (by its PID) even when closing the rest failed.
      await pacs?.stop();
      if (pacsOpts) fs.rmSync(pacsOpts.dir, { recursive: true, force: true });
    }
  });

  // --- what the peers hold ---------------------------------------------------------------------------------------
  const sopUidsInPacs = async (studyUid: string): Promise<string[]> => {
    const res = await fetch(`${pacs!.restUrl}/tools/find`, { method: 'POST', body: JSON.stringify({ Level: 'Instance', Query: { StudyInstanceUID: studyUid }, Expand: true }) });
    return ((await res.json()) as Array<{ MainDicomTags: { SOPInstanceUID: string } }>).map((i) => i.MainDicomTags.SOPInstanceUID);
  };
  const risMessages = async (callRef: string): Promise<RisRecordedMessage[]> => {
    const res = await fetch(`http://127.0.0.1:${risControl.port}/messages`);
    return ((await res.json()) as { messages: RisRecordedMessage[] }).messages.filter((m) => m.hl7.includes(callRef));
  };
  const setRisMode = async (mode: RisAckMode) => {
    const res = await fetch(`http://127.0.0.1:${risControl.port}/mode`, { method: 'POST', body: JSON.stringify({ mode }) });
    expect(res.status).toBe(200);
  };
  const escalations = async (requestId: string) =>
    (await h.notices()).filter((n) => n.type === 'channel' && n.notice.topic === 'stepFailed' && n.notice.requestId === requestId).map((n) => (n.type === 'channel' ? n.notice.status : undefined));
  const failuresOf = (requestId: string) => failedAttempts.filter((f) => f.requestId === requestId);
  const txCount = (requestId: string) => h.sim.portal.list({ externalReference: requestId, limit: 100 }).transactions.length;

  /** Polls `done`, moving the IEP simulator's clock between looks (the sending trust and IEP act on it). */
  async function until(what: string, done: () => Promise<boolean> | boolean, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await done())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await control(h.sim.controlUrl, '/clock', { advanceMs: MIN });
      await sleep(50);
    }
  }

  async function approvedImport(i: number, date: string) {
    const p = h.patients[i]!;
    const uid = await seedStudy(remoteOrthanc().restUrl, p, date, 'CT', INSTANCES);
    const req = await h.submit(importOf(p, date));
    await h.approve(req.requestId);
    return { ...req, uid };
  }

  /** Every instance once in PACS, none left on the gateway, one IEP transaction, one acknowledged RIS entry. */
  async function expectLandedOnce(r: { requestId: string; callRef: string; uid: string }) {
    const sops = await sopUidsInPacs(r.uid);
    expect(sops).toHaveLength(INSTANCES);
    expect(new Set(sops).size).toBe(INSTANCES);
    expect(await holdsStudy(gatewayOrthanc().restUrl, r.uid)).toBe(false);
    expect(txCount(r.requestId)).toBe(1);
    const ris = await risMessages(r.callRef);
    expect(ris.filter((m) => m.answeredWith === 'AA')).toHaveLength(1);
    expect(new Set(ris.map((m) => m.messageControlId)).size).toBe(1);
    return { sops, ris };
  }

  it('PACS stopped mid-import for a few retries, then started again: retried, not escalated, every instance once', async () => {
    const r = await approvedImport(0, '2026-02-20');
    // The IEP request is made and the simulator's clock is not moved yet: the sending trust's upload, the gateway
    // delivery and the STOW are all still to come when PACS goes away.
    await h.waitFor(r.requestId, 'iepNew', { timeoutMs: 60_000 });
    await pacs!.stop();
    const downAt = Date.now();
    await until('3 failed attempts against the stopped PACS', () => failuresOf(r.requestId).length >= 3);
    const heldAt = await h.status(r.requestId);
    const onGatewayWhileDown = await holdsStudy(gatewayOrthanc().restUrl, r.uid);
    pacs = await startOrthanc(pacsOpts);
    const downMs = Date.now() - downAt;
    await h.waitFor(r.requestId, 'completed', { simStepMs: MIN, timeoutMs: 90_000 });
    const { sops } = await expectLandedOnce(r);
    const retries = failuresOf(r.requestId);
    const told = await escalations(r.requestId);
    figure(
      `PACS stopped ${(downMs / 1000).toFixed(1)} s mid-import -> ${retries.length} retries (${[...new Set(retries.map((f) => f.code ?? f.errType))].join(', ')}), ` +
        `held at ${heldAt} with the study kept on the gateway, ${told.length} escalations, then completed: ${sops.length}/${INSTANCES} instances, ${sops.length - new Set(sops).size} duplicate SOP UIDs`,
    );
    expect(heldAt).toBe('iepDownloading');
    expect(onGatewayWhileDown).toBe(true);
    expect(retries.length).toBeGreaterThanOrEqual(3);
    expect(retries.length).toBeLessThan(ATTEMPTS);
    expect(told).toHaveLength(0);
  });

  it('PACS down past the attempts: the channel is told once, the study waits on the gateway, and a retry after the restart lands it once', async () => {
    const r = await approvedImport(1, '2026-02-21');
    await h.waitFor(r.requestId, 'iepNew', { timeoutMs: 60_000 });
    await pacs!.stop();
    const downAt = Date.now();
    await until('the channel to be told', async () => (await escalations(r.requestId)).length > 0, 90_000);
    await sleep(1_000);
    const told = await escalations(r.requestId);
    const heldAt = await h.status(r.requestId);
    const onGatewayWhileDown = await holdsStudy(gatewayOrthanc().restUrl, r.uid);
    const failed = (await h.running!.deps!.queues.inbound.getJobs(['failed'])).filter((j) => j.data.requestId === r.requestId);
    pacs = await startOrthanc(pacsOpts);
    const downMs = Date.now() - downAt;
    // The operator's retry of the failed job (BullMQ's own retry, as a queue dashboard does it): the step is idempotent.
    expect(failed).toHaveLength(1);
    await failed[0]!.retry('failed', { resetAttemptsMade: true });
    await h.waitFor(r.requestId, 'completed', { simStepMs: MIN, timeoutMs: 90_000 });
    const { sops } = await expectLandedOnce(r);
    const attempts = failuresOf(r.requestId);
    figure(
      `PACS stopped ${(downMs / 1000).toFixed(1)} s (past ${ATTEMPTS} attempts) -> ${attempts.length} failed attempts, ${told.length} escalation at ${told.join(',')}, ` +
        `study kept on the gateway; retried after the restart: completed, ${sops.length}/${INSTANCES} instances, ${sops.length - new Set(sops).size} duplicate SOP UIDs`,
    );
    expect(told).toEqual(['iepDownloading']);
    expect(heldAt).toBe('iepDownloading');
    expect(onGatewayWhileDown).toBe(true);
    expect(attempts.length).toBe(ATTEMPTS);
    expect(await escalations(r.requestId)).toHaveLength(1);
  });

  it('RIS answers AE: not resent, the channel is told once, the request held at iepDelivered with its images in PACS', async () => {
    await setRisMode('AE');
    try {
      const r = await approvedImport(2, '2026-02-22');
      await until('the channel to be told', async () => (await escalations(r.requestId)).length > 0);
      await sleep(2 * BACKOFF_MS + 1_000); // room for a resend, were there to be one
      const sent = await risMessages(r.callRef);
      const told = await escalations(r.requestId);
      const status = await h.status(r.requestId);
      const sops = await sopUidsInPacs(r.uid);
      figure(`RIS AE -> ${sent.length} send, ${failuresOf(r.requestId).length} failed attempt, ${told.length} escalation at ${told.join(',')}, held at ${status}, ${sops.length}/${INSTANCES} instances in PACS`);
      expect(sent).toHaveLength(1);
      expect(sent[0]!.answeredWith).toBe('AE');
      expect(failuresOf(r.requestId)).toEqual([expect.objectContaining({ errType: 'UnrecoverableError' })]);
      expect(told).toEqual(['iepDelivered']);
      expect(status).toBe('iepDelivered');
      expect(new Set(sops).size).toBe(INSTANCES);
    } finally {
      await setRisMode('AA');
    }
  });

  it('RIS answers AR, then nothing, then AA: resent under one control id, acknowledged once, completed, not escalated', async () => {
    await setRisMode('AR');
    const r = await approvedImport(3, '2026-02-23');
    await until('two failed RIS attempts on AR', () => failuresOf(r.requestId).length >= 2);
    await setRisMode('silent');
    await until('two failed RIS attempts on silence', () => failuresOf(r.requestId).length >= 4);
    const beforeAa = await h.status(r.requestId);
    await setRisMode('AA');
    await h.waitFor(r.requestId, 'completed', { timeoutMs: 60_000 });
    const { ris, sops } = await expectLandedOnce(r);
    const by = (a: RisRecordedMessage['answeredWith']) => ris.filter((m) => m.answeredWith === a).length;
    const codes = failuresOf(r.requestId).map((f) => f.code);
    const told = await escalations(r.requestId);
    figure(
      `RIS AR then silence then AA -> ${ris.length} sends (${by('AR')} AR, ${by('none')} unanswered, ${by('AA')} AA) under ${new Set(ris.map((m) => m.messageControlId)).size} control id, ` +
        `${codes.length} step retries (${codes.join(',')}), ${told.length} escalations, completed with ${sops.length}/${INSTANCES} instances`,
    );
    expect(beforeAa).toBe('iepDelivered');
    expect(codes.slice(0, 2)).toEqual(['RIS_AR', 'RIS_AR']);
    expect(codes.slice(2, 4)).toEqual(['RIS_TIMEOUT', 'RIS_TIMEOUT']);
    expect(codes.length).toBeLessThan(ATTEMPTS);
    expect(by('AR')).toBeGreaterThanOrEqual(2);
    expect(by('none')).toBeGreaterThanOrEqual(2);
    expect(told).toHaveLength(0);
  });

  it('IEP answering 503 (request creation, then status polls): retried, one IEP transaction, completed, not escalated', async () => {
    const callsBefore = h.sim.calls.length;
    await control(h.sim.controlUrl, '/http-faults', { fault: { kind: 'status', status: 503 }, times: 3, method: 'POST', pathPrefix: '/requests' });
    const r = await approvedImport(4, '2026-02-24');
    await h.waitFor(r.requestId, 'iepNew', { timeoutMs: 60_000 });
    const createCalls = h.sim.calls.slice(callsBefore).filter((c) => c.method === 'POST' && c.url.startsWith('/api/v1/requests')).length;
    const onCreate = failuresOf(r.requestId).length;
    // Now every contract call fails for a while: the watch's and download's polls.
    await control(h.sim.controlUrl, '/http-faults', { fault: { kind: 'status', status: 503 }, times: 3 });
    await h.waitFor(r.requestId, 'completed', { simStepMs: MIN, timeoutMs: 90_000 });
    const { sops } = await expectLandedOnce(r);
    const retries = failuresOf(r.requestId);
    const told = await escalations(r.requestId);
    figure(
      `IEP 503 x3 on create + x3 on polls -> ${createCalls} create calls, ${retries.length} step retries (${[...new Set(retries.map((f) => f.code ?? f.errType))].join(', ')}), ` +
        `${txCount(r.requestId)} IEP transaction, ${told.length} escalations, completed with ${sops.length}/${INSTANCES} instances`,
    );
    expect(createCalls).toBe(4);
    expect(onCreate).toBe(3);
    expect(retries.length).toBeGreaterThanOrEqual(4);
    expect(told).toHaveLength(0);
  });
});

async function pacsOptions(): Promise<OrthancOptions> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'itb-chaos-pacs-'));
  return { name: 'UHL PACS (peers down)', aet: 'UHLPEERS', httpPort: await freePort(), dicomPort: await freePort(), dir, logFile: path.join(dir, 'orthanc.log') };
}
