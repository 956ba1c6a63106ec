import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { approve, submitRequest } from '../../../app';
import { createLogger } from '../../../config/logger';
import { createAnalystWork, type RunningAnalystWork } from '../../../workers/analystWork';
import { createFlowQueue } from '../../../workers/flowQueue';
import { FlowStateStore } from '../../../workers/flowState';
import { createOutboundEmergencyQueue, createOutboundQueue } from '../../../workers/outboundQueue';
import { testConfig } from '../../support/config';
import { analyst, clinician, nonApprover } from '../app/actors';
import { formValues } from '../app/forms';
import { cardText, channelSubmit, startBotHarness, type BotHarness } from './botHarness';

/** The CD form's values for the demo patient (Appendix 6), as Teams sends them. */
function cdValues(): Record<string, unknown> {
  const v = formValues('personal-submit-import');
  const keep = ['sNumber', 'nhsNumber', 'familyName', 'givenName', 'birthDate', 'address', 'requesterName', 'requesterEmail', 'requesterPhone', 'exams[0].date', 'exams[0].description'];
  return { ...Object.fromEntries(keep.map((k) => [k, v[k]])), verb: 'submitCdImport', cdCount: '1', internalPostAddress: 'Neurology, LRI', urgent: 'false', comments: '' };
}

/** Issue #7 steps that wait for an analyst: the CD's contents (CD import) and the studies of an ambiguous export. */
describe('flow steps that wait for an analyst (channel cards)', () => {
  let h: BotHarness;
  let running: RunningAnalystWork;
  let cdRoot: string;

  beforeEach(async () => {
    h = await startBotHarness('analystFlow');
    await h.staffNames.remember(analyst.aadObjectId, analyst.displayName!);
    cdRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'itb-cdroot-'));
    running = createAnalystWork(h.redis, testConfig({ REDIS_PREFIX: h.prefix }), { notifier: h.notifier, logger: createLogger({ level: 'silent' }), cdRoot });
    h.deps.work = running.work;
  });
  afterEach(async () => {
    await running.close();
    await h.close();
    fs.rmSync(cdRoot, { recursive: true, force: true });
  });

  it('CD import: approving it gives the analyst the CD card; the path is checked on the server (inside the CD folder, exists); then the import is queued', async () => {
    const out = await submitRequest(h.deps, clinician, 'cdImport', cdValues(), 'k-cd');
    if (out.outcome !== 'accepted') throw new Error(JSON.stringify(out));
    const approved = await h.send(channelSubmit(analyst, { verb: 'approve', requestId: out.requestId, callRef: out.callRef }, 'approval-card-cd'));
    expect(approved.sent.map(cardText).join('')).toContain(`Import the CD: ${out.callRef}`);

    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'itb-elsewhere-'));
    const inside = path.join(cdRoot, out.callRef);
    fs.mkdirSync(inside);
    const point = (cdSource: string, card: string) => h.send(channelSubmit(analyst, { verb: 'pointCdImportAt', requestId: out.requestId, callRef: out.callRef, cdSource }, card));
    const cases: Array<[string, RegExp]> = [
      ['relative/path', /Give the full path of the folder or .zip/],
      [outside, /The CD contents must be inside/],
      [path.join(cdRoot, 'missing'), /The workers cannot read that path/],
      [path.join(cdRoot, '..', path.basename(outside)), /The CD contents must be inside/],
    ];
    for (const [typed, message] of cases) {
      const { updated } = await point(typed, 'cd-card-1');
      expect(cardText(updated[0])).toMatch(message);
      expect(cardText(updated[0])).toContain('"verb":"pointCdImportAt"');
    }
    const flowState = new FlowStateStore(h.redis, h.prefix, h.store.requests.cipher);
    expect(await flowState.getCdSource(out.requestId)).toBeUndefined();

    const { updated } = await point(inside, 'cd-card-2');
    expect(cardText(updated[0])).toMatch(/CD import started by Bronwen Achterberg at \d\d:\d\d/);
    expect(await flowState.getCdSource(out.requestId)).toBe(fs.realpathSync(inside));
    const flow = createFlowQueue(h.redis, h.prefix);
    try {
      expect((await flow.getJobs(['prioritized', 'waiting'])).map((j) => j.name)).toContain('cd.import');
    } finally {
      await flow.close();
    }
    fs.rmSync(outside, { recursive: true, force: true });
  });

  it('CD import: a clinician cannot point it anywhere (refused, audited)', async () => {
    const out = await submitRequest(h.deps, clinician, 'cdImport', cdValues(), 'k-cd2');
    if (out.outcome !== 'accepted') throw new Error(JSON.stringify(out));
    await approve(h.deps, analyst, out.requestId, 'a-cd2');
    const { sent } = await h.send(channelSubmit(nonApprover, { verb: 'pointCdImportAt', requestId: out.requestId, cdSource: cdRoot }));
    expect(cardText(sent[0])).toMatch(/Sorry, you can't import this CD/);
    const denied = (await h.store.audit.readForRequest(out.requestId)).map((e) => e.event).filter((e) => e.type === 'access.denied');
    expect(denied.map((e) => (e.facts as { action: string }).action)).toEqual(['pointCdImport']);
  });

  it('export: only studies the workers found may be confirmed; the choice is recorded and the transfer queued, once', async () => {
    const out = await submitRequest(h.deps, clinician, 'export', formValues('personal-submit-export'), 'k-export');
    if (out.outcome !== 'accepted') throw new Error(JSON.stringify(out));
    await approve(h.deps, analyst, out.requestId, 'a-export');
    // What exportFind leaves when the match is ambiguous: sealed candidates on run 0.
    const flowState = new FlowStateStore(h.redis, h.prefix, h.store.requests.cipher);
    await flowState.claimRun(out.requestId, 0);
    const uids = ['1.2.826.0.1.3680043.8.498.21', '1.2.826.0.1.3680043.8.498.22'];
    await flowState.setCandidates({ requestId: out.requestId, run: 0 }, uids.map((u, i) => ({ studyInstanceUid: u, studyDate: '2026-02-02', modalities: ['CT'], description: `CT head ${i + 1}`, examIndex: 0 })));

    const confirm = (studyInstanceUids: string, card: string, id?: string) => h.send(channelSubmit(analyst, { verb: 'confirmExportStudies', requestId: out.requestId, callRef: out.callRef, studyInstanceUids }, card, id));
    const forged = await confirm('1.2.3.4', 'studies-card-1');
    expect(cardText(forged.updated[0])).toMatch(/A chosen study was not found for this request/);
    expect(cardText(forged.updated[0])).toContain('CT head 2');
    const none = await confirm('', 'studies-card-1');
    expect(cardText(none.updated[0])).toMatch(/Pick at least one study to send/);

    for (let i = 0; i < 3; i++) {
      const { updated } = await confirm(uids[1]!, 'studies-card-2', 'same-confirm');
      expect(cardText(updated[0])).toMatch(/1 study confirmed to send by Bronwen Achterberg/);
    }
    expect((await flowState.get({ requestId: out.requestId, run: 0 })).chosenStudyUids).toEqual([uids[1]]);
    // Either outbound queue, by the request's lane (Blue Light may use the fifth thread).
    const queues = [createOutboundQueue(h.redis, h.prefix), createOutboundEmergencyQueue(h.redis, h.prefix)];
    try {
      const jobs = (await Promise.all(queues.map((q) => q.getJobs(['prioritized', 'waiting'])))).flat();
      expect(jobs.map((j) => [j.name, j.data])).toEqual([['outbound.send', { requestId: out.requestId, run: 0 }]]);
    } finally {
      await Promise.all(queues.map((q) => q.close()));
    }
    const clinicianTry = await h.send(channelSubmit(nonApprover, { verb: 'confirmExportStudies', requestId: out.requestId, studyInstanceUids: uids[0] }));
    expect(cardText(clinicianTry.sent[0])).toMatch(/Sorry, you can't confirm the studies for this export/);
  });
});
