import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateStudy } from '../../../sandbox/dicom-generator/generateStudy';
import { advanceSharedClock, setSharedClock } from '../../../workers/clock';
import { promoteDueTimers } from '../../../workers/dueTimers';
import { pointCdImportAt } from '../../../workers/steps/cdImport';
import { execTimerQueueJob } from '../../../workers/timerQueue';
import { askSenderForDetails, cancelUnsolicited, listOpenUnsolicited, matchUnsolicited, readUnsolicitedItem, unsolicitedItemId } from '../../../workers/unsolicited';
import { control, holdsStudy, seedStudy, type TestPatient } from '../iep/iepFixtures';
import { remoteOrthanc, uhlOrthanc } from '../../support/services';
import { cdImportOf, FlowHarness, importOf, MIN } from './support/flowHarness';

jest.setTimeout(90_000);

/** A CD's contents for `p` (the sending hospital's own patient id; our S number is written by the engine). */
function burnCd(dir: string, p: TestPatient, studyDate: string, name = `${p.familyName}^${p.givenName}`): string {
  const study = generateStudy({
    outDir: path.join(dir, 'DICOM'),
    patient: { id: 'CDHOSP123', name, birthDate: p.birthDate, nhsNumber: p.nhsNumber, sex: 'O' },
    studyDate,
    modality: 'CT',
    instances: 2,
    rows: 16,
    cols: 16,
  });
  fs.writeFileSync(path.join(dir, 'README.TXT'), 'viewer notes\n');
  return study.studyInstanceUid;
}

describe('CD import and images on IEP with no request (2.4)', () => {
  let h: FlowHarness;
  let tmp: string;
  beforeAll(async () => {
    h = await FlowHarness.start('cd');
    await h.startWorkers();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'itb-cd-test-'));
  });
  afterAll(async () => {
    await h.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('CD import from a zip: waits for the contents, then engine, PACS, RIS per exam, completed', async () => {
    const p = h.patients[0]!;
    const cdDir = path.join(tmp, 'cd1');
    const uid = burnCd(cdDir, p, '2026-02-14');
    const zip = path.join(tmp, 'cd1.zip');
    execFileSync('zip', ['-qr', zip, '.'], { cwd: cdDir });
    const { requestId, callRef } = await h.submit(cdImportOf(p, '2026-02-14'));
    await h.approve(requestId);
    await new Promise((r) => setTimeout(r, 300));
    expect(await h.status(requestId)).toBe('approved'); // nothing to read yet

    const deps = h.running!.deps!;
    expect(await pointCdImportAt(deps, requestId, 'relative/path')).toEqual({ outcome: 'refused', reason: 'give the full path of the folder or .zip' });
    expect(await pointCdImportAt(deps, requestId, zip)).toEqual({ outcome: 'queued' });
    await h.waitFor(requestId, 'completed');
    expect(await holdsStudy(uhlOrthanc().restUrl, uid)).toBe(true);
    expect(h.ris.messages().filter((m) => m.hl7.includes(callRef))).toHaveLength(1);
    expect((await h.store.requests.get(requestId))!.history.map((t) => t.to).slice(-4)).toEqual(['approved', 'deliveredToPacs', 'registeredOnRis', 'completed']);
    // The work folder is cleaned up.
    expect(fs.readdirSync(h.workDir)).toEqual([]);
  });

  it('a CD with another patient on it is quarantined: nothing in PACS, the analysts told', async () => {
    const p = h.patients[1]!;
    const cdDir = path.join(tmp, 'cd2');
    const uid = burnCd(cdDir, p, '2026-02-15', 'SOMEONE^ELSE');
    const { requestId } = await h.submit(cdImportOf(p, '2026-02-15'));
    await h.approve(requestId);
    expect(await pointCdImportAt(h.running!.deps!, requestId, cdDir)).toEqual({ outcome: 'queued' });
    await h.waitFor(requestId, 'quarantined');
    expect(await holdsStudy(uhlOrthanc().restUrl, uid)).toBe(false);
    const last = (await h.store.requests.get(requestId))!.history.at(-1)!;
    expect(last.why).toMatch(/^held by the DICOM checks \(.*PATIENT_NAME_MISMATCH.*\)$/);
    expect(await h.settledNotices()).toContainEqual({ type: 'channel', notice: expect.objectContaining({ topic: 'quarantined', requestId }) });
    const audit = (await h.store.audit.readForRequest(requestId, { count: 100 })).map((e) => e.event);
    expect(audit).toContainEqual(expect.objectContaining({ type: 'dicom.quarantined', facts: { reason: 'patientMismatch', studyCount: 1 } }));
  });

  it('unsolicited images: raised once, sender asked, matched to an import request and downloaded under it', async () => {
    const p = h.patients[2]!;
    const uid = await seedStudy(remoteOrthanc().restUrl, p, '2026-02-16', 'CT', 1);
    const created = await control<{ id: string }>(h.sim.controlUrl, '/incoming', { institutionId: 'spire-leicester', studyInstanceUids: [uid] });
    await control(h.sim.controlUrl, '/clock', { advanceMs: 30 * MIN });
    const deps = h.running!.deps!;
    const poll = () => execTimerQueueJob({ name: 'incoming.poll', data: {} }, deps);
    expect(await poll()).toEqual({ kind: 'done', detail: expect.stringMatching(/new: [1-9]/) });
    expect(await poll()).toEqual({ kind: 'done', detail: expect.stringMatching(/new: 0$/) });
    const itemId = unsolicitedItemId(created.id);
    expect(await readUnsolicitedItem(deps, itemId)).toMatchObject({ state: 'open', institutionName: 'Spire Leicester', studyCount: 1, modalities: ['CT'] });
    const itemNotices = async () => (await h.notices()).filter((n) => n.type === 'channel' && n.notice.topic === 'unsolicitedImages' && n.notice.requestId === itemId);
    expect(await itemNotices()).toHaveLength(1);
    // A day later the notify job has gone (kept 24 h); the item is still open, and is not announced again.
    await h.notifyQueue.remove(`channel.unsolicitedImages.${itemId}.onIep`);
    await poll();
    expect(await itemNotices()).toHaveLength(0);

    expect((await askSenderForDetails(deps, itemId)).outcome).toBe('done');
    await askSenderForDetails(deps, itemId);
    expect((await deps.iep.listMessages(created.id)).filter((m) => m.author.institutionId === 'uhl')).toHaveLength(1);

    // The details arrive; an import request for the patient exists. Out of hours its own IEP request waits for the
    // morning, so the match is what brings the images in.
    await setSharedClock(h.redis, h.prefix, new Date('2026-03-10T22:00:00Z'));
    const { requestId } = await h.submit(importOf(p, '2026-02-16'));
    await h.approve(requestId);
    const matched = await matchUnsolicited(deps, itemId, requestId);
    expect(matched.outcome).toBe('done');
    await h.waitFor(requestId, 'completed', { simStepMs: 2 * MIN, timeoutMs: 40_000 });
    expect(await holdsStudy(uhlOrthanc().restUrl, uid)).toBe(true);
    expect((await listOpenUnsolicited(deps)).map((i) => i.itemId)).not.toContain(itemId);
    // In the morning the request's own waiting step finds the work done and does nothing.
    await setSharedClock(h.redis, h.prefix, new Date('2026-03-11T08:00:01Z'));
    await promoteDueTimers(h.redis, h.prefix, [deps.queues.flow], h.clock);
    await new Promise((r) => setTimeout(r, 300));
    expect(await h.status(requestId)).toBe('completed');
    expect(h.ris.messages().filter((m) => m.hl7.includes('20260216'))).toHaveLength(1);
  });

  it('unsolicited images with no details after 2 weeks are cancelled with notice to the sender and the channel (2.4d)', async () => {
    const p = h.patients[3]!;
    const uid = await seedStudy(remoteOrthanc().restUrl, p, '2026-02-17', 'MR', 1);
    const created = await control<{ id: string }>(h.sim.controlUrl, '/incoming', { institutionId: 'spire-leicester', studyInstanceUids: [uid] });
    await control(h.sim.controlUrl, '/clock', { advanceMs: 30 * MIN });
    const deps = h.running!.deps!;
    await setSharedClock(h.redis, h.prefix, new Date('2026-03-11T10:00:00Z'));
    await h.clock.sync();
    await execTimerQueueJob({ name: 'incoming.poll', data: {} }, deps);
    const itemId = unsolicitedItemId(created.id);
    await advanceSharedClock(h.redis, h.prefix, 14 * 24 * 60 * MIN + 1000);
    expect(await promoteDueTimers(h.redis, h.prefix, [deps.queues.timers], h.clock)).toBeGreaterThanOrEqual(2);
    for (let i = 0; i < 100 && (await readUnsolicitedItem(deps, itemId))?.state !== 'cancelled'; i++) await new Promise((r) => setTimeout(r, 50));
    expect((await readUnsolicitedItem(deps, itemId))?.state).toBe('cancelled');
    const ours = (await deps.iep.listMessages(created.id)).filter((m) => m.author.institutionId === 'uhl').map((m) => m.text);
    expect(ours).toEqual(['University Hospitals of Leicester has cancelled these images: the request details did not arrive within 2 weeks.']);
    expect(await h.settledNotices()).toContainEqual({ type: 'channel', notice: { topic: 'unsolicitedImages', requestId: itemId, status: 'cancelled' } });
    // An analyst cannot cancel twice, nor match what is cancelled.
    expect((await cancelUnsolicited(deps, itemId, 'analyst')).outcome).toBe('done');
    expect(await matchUnsolicited(deps, itemId, 'any')).toEqual({ outcome: 'refused', reason: 'the images are already cancelled' });
  });
});
