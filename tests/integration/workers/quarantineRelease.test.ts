import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { releaseQuarantine, type AppDeps } from '../../../app';
import type { AppActor } from '../../../app/appActor';
import { createLogger } from '../../../config/logger';
import { QUARANTINE_RELEASED_WHY } from '../../../domain';
import { generateStudy } from '../../../sandbox/dicom-generator/generateStudy';
import { createAnalystWork, type RunningAnalystWork } from '../../../workers/analystWork';
import { quarantineRecordsOf } from '../../../workers/quarantineRecord';
import { pointCdImportAt } from '../../../workers/steps/cdImport';
import { holdsStudy, seedStudy, type TestPatient } from '../iep/iepFixtures';
import { gatewayOrthanc, remoteOrthanc, uhlOrthanc } from '../../support/services';
import { analyst, cdImportOf, FlowHarness, importOf, MIN } from './support/flowHarness';

jest.setTimeout(120_000);

const nonApprover: AppActor = { aadObjectId: '7e0c1a2b-0000-4000-8000-00000000c0ff', roles: ['requester'], displayName: 'Not An Approver' };
const secondAnalyst: AppActor = { aadObjectId: '7e0c1a2b-0000-4000-8000-00000000a002', roles: ['requester', 'analyst'], displayName: 'Second Analyst' };

/** The study's first instance in UHL PACS, tags as Orthanc reads them (sequences as nested objects). */
async function firstInstanceTags(studyUid: string): Promise<Record<string, any> | undefined> {
  const uhl = uhlOrthanc().restUrl;
  const ids = (await (await fetch(`${uhl}/tools/find`, { method: 'POST', body: JSON.stringify({ Level: 'Instance', Query: { StudyInstanceUID: studyUid } }) })).json()) as string[];
  if (ids.length === 0) return undefined;
  return (await (await fetch(`${uhl}/instances/${ids[0]}/tags?simplify`)).json()) as Record<string, any>;
}

/** CD contents for `p` under `name` (a different name than the request's makes the engine hold it). */
function burnCd(dir: string, p: TestPatient, studyDate: string, name: string, id = 'CDHOSP123'): string {
  return generateStudy({
    outDir: path.join(dir, 'DICOM'),
    patient: { id, name, birthDate: p.birthDate, nhsNumber: p.nhsNumber, sex: 'O' },
    studyDate,
    modality: 'CT',
    instances: 2,
    rows: 16,
    cols: 16,
  }).studyInstanceUid;
}

/**
 * Issue 5: a quarantined import released to PACS after an approver's check. Real Redis, the three Orthancs, the IEP
 * simulator, the RIS listener and PAS stand-in; the workers in this process, the app's use-case as the bot calls it.
 */
describe('release a quarantined import to PACS after a check', () => {
  let h: FlowHarness;
  let work: RunningAnalystWork;
  let app: AppDeps;
  let tmp: string;

  beforeAll(async () => {
    h = await FlowHarness.start('release');
    await h.startWorkers();
    work = createAnalystWork(h.redis, h.config(), { notifier: h.running!.deps!.notifier, logger: createLogger({ level: 'silent' }), iep: h.running!.deps!.iep });
    app = { ...h.app(), work: work.work };
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'itb-release-test-'));
  });
  afterAll(async () => {
    await work.close();
    await h.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const audits = async (requestId: string) => (await h.store.audit.readForRequest(requestId, { count: 200 })).map((e) => e.event);

  it('IEP import under a maiden name: held; a non-approver is refused (audited); the approver releases it once; PACS holds it under the S number with the original name kept; one RIS entry', async () => {
    const p = h.patients[0]!;
    const uid = await seedStudy(remoteOrthanc().restUrl, { ...p, familyName: 'MAIDENNAME' }, '2026-02-20', 'CT', 2);
    const { requestId, callRef } = await h.submit(importOf(p, '2026-02-20'));
    await h.approve(requestId);
    await h.waitFor(requestId, 'quarantined', { simStepMs: 2 * MIN, timeoutMs: 40_000 });
    expect(await holdsStudy(uhlOrthanc().restUrl, uid)).toBe(false);
    expect(await holdsStudy(gatewayOrthanc().restUrl, uid)).toBe(true); // kept for the analyst

    const held = await work.work.readQuarantine(requestId);
    expect(held).toMatchObject({ releasable: true, findings: expect.arrayContaining([{ code: 'PATIENT_NAME_MISMATCH', field: 'patientName', against: 'request' }]) });
    const version = held!.version;
    const confirmation = 'Rang Kettering PACS: she is registered there under her maiden name.';

    // A clinician cannot release (refused, audited); nothing changes.
    const denied = await releaseQuarantine(app, nonApprover, requestId, { version, confirmation }, 'k-denied');
    expect(denied.outcome).toBe('denied');
    expect(await audits(requestId)).toContainEqual(expect.objectContaining({ type: 'access.denied', facts: { action: 'releaseQuarantine', roles: 'requester' } }));
    // A confirmation is required; a stale or forged version releases nothing.
    expect(await releaseQuarantine(app, analyst, requestId, { version, confirmation: '   ' }, 'k-empty')).toMatchObject({ outcome: 'problem', errors: [{ field: 'releaseConfirmation' }] });
    expect(await releaseQuarantine(app, analyst, requestId, { version: 'not-the-version', confirmation }, 'k-forged')).toMatchObject({ outcome: 'problem' });
    expect((await quarantineRecordsOf(h.running!.deps!).read(requestId))!.release).toBeUndefined();
    expect(await h.status(requestId)).toBe('quarantined');

    // The approver's release, the same click delivered twice, and a colleague's press: one release.
    const first = await releaseQuarantine(app, analyst, requestId, { version, confirmation }, 'k-release-1');
    expect(first).toMatchObject({ outcome: 'done', alreadyDone: false });
    const retried = await releaseQuarantine(app, analyst, requestId, { version, confirmation }, 'k-release-1');
    expect(retried).toMatchObject({ outcome: 'done', alreadyDone: true });
    const colleague = await releaseQuarantine(app, secondAnalyst, requestId, { version, confirmation: 'me too' }, 'k-release-2');
    expect(colleague.outcome === 'done' ? colleague.alreadyDone : colleague.outcome === 'notNow').toBe(true);

    await h.waitFor(requestId, 'completed', { timeoutMs: 40_000 });
    const tags = await firstInstanceTags(uid);
    expect(tags).toBeDefined();
    expect(tags!.PatientID).toBe(p.sNumber);
    expect(tags!.PatientName).toBe(`${p.familyName.toUpperCase()}^${p.givenName}`);
    const previous = tags!.OriginalAttributesSequence[0].ModifiedAttributesSequence[0];
    expect(previous.PatientName).toBe(`MAIDENNAME^${p.givenName}`);
    expect(previous.PatientID).toBe(p.remoteId);
    expect(tags!.OriginalAttributesSequence[0].ReasonForTheAttributeModification).toBe('COERCE');
    expect(await holdsStudy(gatewayOrthanc().restUrl, uid)).toBe(false);
    expect(h.ris.messages().filter((m) => m.hl7.includes(callRef))).toHaveLength(1);

    const stored = await h.store.requests.get(requestId);
    expect(stored!.history.map((t) => t.to).slice(-4)).toEqual(['quarantined', 'deliveredToPacs', 'registeredOnRis', 'completed']);
    const released = stored!.history.find((t) => t.to === 'deliveredToPacs')!;
    expect(released.why).toBe(QUARANTINE_RELEASED_WHY);
    expect(released.note).toBe(confirmation); // sealed in the store, like a cancel reason
    const events = await audits(requestId);
    const releasedEvents = events.filter((e) => e.type === 'dicom.released');
    expect(releasedEvents).toEqual([expect.objectContaining({ actor: expect.objectContaining({ aadObjectId: analyst.aadObjectId }), facts: { codes: 'PATIENT_NAME_MISMATCH', findings: 2 } })]);
    expect(JSON.stringify(events)).not.toMatch(/MAIDENNAME|maiden name/i);
    const notices = await h.settledNotices();
    expect(notices).toContainEqual({ type: 'requesterStatus', requestId, change: expect.objectContaining({ to: 'deliveredToPacs', why: QUARANTINE_RELEASED_WHY }) });
    // Ids only in job payloads.
    const payloads = JSON.stringify(notices) + JSON.stringify((await h.running!.deps!.queues.flow.getJobs(['completed'])).map((j) => j.data));
    for (const marker of ['MAIDENNAME', p.nhsNumber, p.sNumber, confirmation]) expect(payloads).not.toContain(marker);
    // Released once: one release job for the version, one store.
    expect((await h.running!.deps!.queues.flow.getJobs(['completed'])).filter((j) => j.name === 'quarantine.release' && j.data.requestId === requestId)).toHaveLength(1);
    expect(events.filter((e) => e.type === 'pacs.stored')).toHaveLength(1);
  });

  it('a CD with two patients is held with no release: refused on the server, nothing in PACS', async () => {
    const p = h.patients[1]!;
    const cdDir = path.join(tmp, 'two-patients');
    const uid = burnCd(path.join(cdDir, 'a'), p, '2026-02-21', `${p.familyName}^${p.givenName}`);
    burnCd(path.join(cdDir, 'b'), p, '2026-02-21', 'SOMEONE^ELSE', 'CDHOSP999');
    const { requestId } = await h.submit(cdImportOf(p, '2026-02-21'));
    await h.approve(requestId);
    expect(await pointCdImportAt(h.running!.deps!, requestId, cdDir)).toEqual({ outcome: 'queued' });
    await h.waitFor(requestId, 'quarantined');
    const held = await work.work.readQuarantine(requestId);
    expect(held!.releasable).toBe(false);
    expect(held!.findings.map((f) => f.code)).toContain('MULTIPLE_PATIENTS');
    const out = await releaseQuarantine(app, analyst, requestId, { version: held!.version, confirmation: 'looked fine to me' }, 'k-multi');
    expect(out).toMatchObject({ outcome: 'notNow', message: expect.stringMatching(/cannot be released from Teams/) });
    // Even straight at the workers' port (a forged call past the app): refused.
    expect(await work.work.releaseQuarantine(requestId, held!.version, { aadObjectId: analyst.aadObjectId, at: new Date() }, 'x')).toEqual({ outcome: 'refused', reason: 'these findings cannot be released from Teams' });
    await new Promise((r) => setTimeout(r, 300));
    expect(await h.status(requestId)).toBe('quarantined');
    expect(await holdsStudy(uhlOrthanc().restUrl, uid)).toBe(false);
    expect((await audits(requestId)).filter((e) => e.type === 'dicom.released')).toHaveLength(0);
  });

  it('released, but the re-read finds something else: held again with a new card and a new version; nothing in PACS', async () => {
    const p = h.patients[2]!;
    const cdDir = path.join(tmp, 'changed');
    const uid = burnCd(cdDir, p, '2026-02-22', `MAIDENNAME^${p.givenName}`);
    const { requestId } = await h.submit(cdImportOf(p, '2026-02-22'));
    await h.approve(requestId);
    expect(await pointCdImportAt(h.running!.deps!, requestId, cdDir)).toEqual({ outcome: 'queued' });
    await h.waitFor(requestId, 'quarantined');
    const held = (await work.work.readQuarantine(requestId))!;
    expect(held.releasable).toBe(true);

    // Before the release runs, the contents change: another name than the one the analyst checked.
    fs.rmSync(cdDir, { recursive: true, force: true });
    burnCd(cdDir, p, '2026-02-22', `OTHERNAME^${p.givenName}`);
    const quarantineCards = async () => (await h.notices()).filter((n) => n.type === 'channel' && n.notice.topic === 'quarantined' && n.notice.requestId === requestId);
    expect(await quarantineCards()).toHaveLength(1);
    expect(await releaseQuarantine(app, analyst, requestId, { version: held.version, confirmation: 'Maiden name, confirmed by phone.' }, 'k-changed')).toMatchObject({ outcome: 'done' });

    const deadline = Date.now() + 30_000;
    let now = await work.work.readQuarantine(requestId);
    while (now?.version === held.version && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      now = await work.work.readQuarantine(requestId);
    }
    expect(now!.version).not.toBe(held.version);
    expect(now!.release).toBeUndefined(); // the old release is void
    expect(await h.status(requestId)).toBe('quarantined');
    expect(await holdsStudy(uhlOrthanc().restUrl, uid)).toBe(false);
    await h.settledNotices();
    const cards = await quarantineCards();
    expect(cards).toHaveLength(2);
    expect(cards).toContainEqual({ type: 'channel', notice: expect.objectContaining({ occurrence: now!.version }) });
    expect((await audits(requestId)).filter((e) => e.type === 'dicom.quarantined')).toHaveLength(2);
    // The old card's version no longer releases anything.
    expect(await releaseQuarantine(app, analyst, requestId, { version: held.version, confirmation: 'again' }, 'k-changed-2')).toMatchObject({ outcome: 'problem' });
    // Every release execution cleaned up its work folder.
    expect(fs.readdirSync(h.workDir)).toEqual([]);
  });
});
