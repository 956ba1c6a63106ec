import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FhirReportSource } from '../../../integrations/reports';
import { generateStudy } from '../../../sandbox/dicom-generator/generateStudy';
import { SANDBOX_ACCESSION_SYSTEM } from '../../../sandbox/pas/pasSandbox';
import { SEED_STUDIES, seedAccessionOf } from '../../../sandbox/seed/demoStudies';
import { uhlOrthanc } from '../../support/services';
import { FlowHarness, MIN, traumaOf } from './support/flowHarness';

jest.setTimeout(90_000);

/** A one-instance CT on UHL PACS under the S number, with the accession number the report is filed under. */
async function seedOnUhl(patientId: string, accessionNumber: string | undefined): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'itb-report-'));
  try {
    const study = generateStudy({
      outDir: dir,
      patient: { id: patientId, name: 'TRAUMA^SYNTHETIC', birthDate: '1970-01-01' },
      studyDate: '2026-03-12',
      modality: 'CT',
      instances: 1,
      rows: 8,
      cols: 8,
      ...(accessionNumber ? { accessionNumber } : {}),
    });
    for (const f of study.files) expect((await fetch(`${uhlOrthanc().restUrl}/instances`, { method: 'POST', body: fs.readFileSync(f) })).ok).toBe(true);
    return study.studyInstanceUid;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const accessionOf = (key: string) => seedAccessionOf(SEED_STUDIES.find((s) => s.key === key)!);

describe('trauma with "attach the report" (Appendix 4 step 13): real Orthanc, FHIR facade stand-in and IEP simulator', () => {
  let h: FlowHarness;
  let reports: FhirReportSource;
  beforeAll(async () => {
    h = await FlowHarness.start('trauma-reports');
    reports = new FhirReportSource({ baseUrl: h.pas.baseUrl, accessionSystem: SANDBOX_ACCESSION_SYSTEM, timeoutMs: 2_000 });
    await h.startWorkers({ ports: { reports } });
  });
  afterAll(async () => {
    reports?.close();
    await h?.close();
  });

  it('attaches the issued report to its study, sends a preliminary or missing one without, and tells the radiologist which', async () => {
    const p = h.patients[2]!;
    const final = await seedOnUhl(p.sNumber, accessionOf('trauma-ct-head'));
    const preliminary = await seedOnUhl(p.sNumber, accessionOf('trauma-ct-tap'));
    const unreported = await seedOnUhl(p.sNumber, undefined);
    const { requestId } = await h.submit({ ...traumaOf(p, [final, preliminary, unreported]), attachReport: true });
    await h.running!.flows!.start(requestId, { lane: 'clinicalEmergency' });
    await h.waitFor(requestId, 'completed', { simStepMs: 2 * MIN, timeoutMs: 60_000 });

    const { iepTransactionId } = await h.running!.deps!.flowState.get({ requestId, run: 0 });
    const tx = h.sim.portal.get(iepTransactionId!);
    const attached = Object.fromEntries(tx.wantedStudies.map((s) => [s.studyInstanceUid, s.reportText]));
    expect(attached[final]).toBe(SEED_STUDIES.find((s) => s.key === 'trauma-ct-head')!.report!.text);
    expect(attached[preliminary]).toBeUndefined();
    expect(attached[unreported]).toBeUndefined();
    expect(tx.priority).toBe('Clinical emergency');

    // The transition the radiologist's status card reads says which studies went without a report, by count only.
    const history = (await h.store.requests.get(requestId))!.history;
    const created = history.find((t) => t.to === 'iepNew');
    expect(created?.why).toBe('IEP transfer created; report attached to 1 of 3 studies (1 not yet verified, 1 with no report on CRIS): attach the rest in IEP if they are needed');
  });

  it('without "attach the report", no report is looked up or sent', async () => {
    const p = h.patients[2]!;
    const uid = await seedOnUhl(p.sNumber, accessionOf('trauma-ct-cspine'));
    const asked = h.pas.requests.filter((r) => r.url.startsWith('/fhir/DiagnosticReport')).length;
    const { requestId } = await h.submit(traumaOf(p, [uid]));
    await h.running!.flows!.start(requestId, { lane: 'clinicalEmergency' });
    await h.waitFor(requestId, 'completed', { simStepMs: 2 * MIN, timeoutMs: 60_000 });
    const { iepTransactionId } = await h.running!.deps!.flowState.get({ requestId, run: 0 });
    expect(h.sim.portal.get(iepTransactionId!).wantedStudies).toEqual([{ studyInstanceUid: uid }]);
    expect(h.pas.requests.filter((r) => r.url.startsWith('/fhir/DiagnosticReport')).length).toBe(asked);
  });
});
