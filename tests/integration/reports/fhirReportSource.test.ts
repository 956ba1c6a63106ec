import { FhirReportSource, ReportSourceError } from '../../../integrations/reports';
import { SANDBOX_ACCESSION_SYSTEM, seededReports, startPasSandbox, type PasSandbox } from '../../../sandbox/pas/pasSandbox';
import { SEED_STUDIES, seedAccessionOf } from '../../../sandbox/seed/demoStudies';
import { closedPort } from '../pas/peerFixtures';

/** The FHIR facade stand-in (sandbox/pas) serves the seeded studies' reports; the client reads them over real HTTP. */
describe('FhirReportSource against the sandbox FHIR facade', () => {
  let fhir: PasSandbox;
  let source: FhirReportSource;
  const study = (key: string) => {
    const s = SEED_STUDIES.find((x) => x.key === key);
    if (!s) throw new Error(`no seed study ${key}`);
    return s;
  };

  beforeAll(async () => {
    fhir = await startPasSandbox();
    source = new FhirReportSource({ baseUrl: fhir.baseUrl, accessionSystem: SANDBOX_ACCESSION_SYSTEM, timeoutMs: 1_000 });
  });
  afterEach(() => fhir.setFault(undefined));
  afterAll(async () => {
    source.close();
    await fhir.close();
  });

  it('finds the final report of a seeded trauma study by its accession number, with the system in the token', async () => {
    const head = study('trauma-ct-head');
    const out = await source.findReport(seedAccessionOf(head));
    expect(out).toMatchObject({ outcome: 'issued', status: 'final', text: head.report?.text });
    expect(fhir.requests.at(-1)?.url).toBe(`/fhir/DiagnosticReport?identifier=${encodeURIComponent(`${SANDBOX_ACCESSION_SYSTEM}|${seedAccessionOf(head)}`)}`);
  });

  it('reports a preliminary report as not issued, and an unknown accession as none', async () => {
    expect(await source.findReport(seedAccessionOf(study('trauma-ct-tap')))).toEqual({ outcome: 'notIssued', status: 'preliminary' });
    expect(await source.findReport('UHL00000000')).toEqual({ outcome: 'none' });
    // Not a DICOM SH value: nothing is sent.
    const asked = fhir.requests.length;
    expect(await source.findReport('bad\\value')).toEqual({ outcome: 'none' });
    expect(fhir.requests.length).toBe(asked);
  });

  it('every seeded report is reachable', async () => {
    const all = seededReports();
    expect(all.length).toBeGreaterThanOrEqual(4);
    for (const r of all) expect((await source.findReport(r.accessionNumber)).outcome).toBe(r.status === 'preliminary' ? 'notIssued' : 'issued');
  });

  it('turns a 503, a body that is not JSON, a slow answer and a closed port into typed errors without the accession number', async () => {
    const accession = seedAccessionOf(study('trauma-ct-head'));
    const fail = async (arm: () => void, src: FhirReportSource = source) => {
      arm();
      const err = await src.findReport(accession).then(
        () => undefined,
        (e: unknown) => e,
      );
      if (!(err instanceof ReportSourceError)) throw new Error(`expected a ReportSourceError, got ${String(err)}`);
      expect(err.message).not.toContain(accession);
      return err;
    };
    expect(await fail(() => fhir.setFault({ kind: 'status', status: 503 }, 1))).toMatchObject({ code: 'REPORTS_HTTP', retryable: true });
    expect(await fail(() => fhir.setFault({ kind: 'malformedJson' }, 1))).toMatchObject({ code: 'REPORTS_MALFORMED_RESPONSE', retryable: false });
    expect(await fail(() => fhir.setFault({ kind: 'delay', ms: 2_000 }, 1))).toMatchObject({ code: 'REPORTS_TIMEOUT', retryable: true });
    const port = await closedPort();
    const nowhere = new FhirReportSource({ baseUrl: `http://127.0.0.1:${port}/fhir`, timeoutMs: 1_000 });
    expect(await fail(() => undefined, nowhere)).toMatchObject({ code: 'REPORTS_UNREACHABLE', retryable: true });
    nowhere.close();
  });
});
