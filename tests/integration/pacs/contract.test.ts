import fs from 'node:fs';
import path from 'node:path';
import {
  DicomWebPacsClient,
  DimsePacsClient,
  PacsInvalidQueryError,
  PacsStudyNotFoundError,
  PacsTimeoutError,
  PacsTlsError,
  PacsUnreachableError,
  readPartTenMeta,
  type PacsClient,
} from '../../../integrations/pacs';
import { freePort } from '../../../sandbox/processes/freePort';
import { testVarDir, uhlOrthanc } from '../../support/services';
import { closedPort, makeCert, startBlackHole, startTlsPeer, type Peer } from './pacsPeers';
import { makeStudy, orthancSopUids, outFolder, pacsFailure, registerModality, type TestStudy } from './studies';

/**
 * The PacsClient contract, run against both implementations and the real UHL Orthanc: whatever the configuration
 * picks, the workflow sees the same searches, retrieves, stores and typed failures.
 */
jest.setTimeout(60_000);

interface Implementation {
  name: 'dicomweb' | 'dimse';
  /** A client for the UHL Orthanc. */
  uhl(): Promise<PacsClient>;
  /** A client for a peer on 127.0.0.1:port, with a short deadline; `tls` makes it speak TLS with no private CA. */
  at(port: number, tls?: boolean): PacsClient;
}

const clients: PacsClient[] = [];
const keep = <T extends PacsClient>(c: T): T => {
  clients.push(c);
  return c;
};

const dicomweb: Implementation = {
  name: 'dicomweb',
  uhl: async () => keep(new DicomWebPacsClient({ kind: 'dicomweb', baseUrl: uhlOrthanc().dicomWebUrl })),
  at: (port, tls) =>
    keep(new DicomWebPacsClient({ kind: 'dicomweb', baseUrl: `${tls ? 'https' : 'http'}://127.0.0.1:${port}/dicom-web`, timeoutMs: 1_500, idleTimeoutMs: 1_500, ...(tls ? { tls: {} } : {}) })),
};

const dimse: Implementation = {
  name: 'dimse',
  uhl: async () => {
    // The C-MOVE destination: our storage SCP, registered on the UHL Orthanc under a name of its own.
    const port = await freePort();
    const aet = `ITBSCP${Math.random().toString(36).slice(2, 8).toUpperCase()}`;
    await registerModality(uhlOrthanc().restUrl, `itb-contract-${aet.toLowerCase()}`, aet, port);
    return keep(
      new DimsePacsClient({
        kind: 'dimse',
        host: '127.0.0.1',
        port: uhlOrthanc().dicomPort,
        calledAet: uhlOrthanc().aet,
        callingAet: 'ITBCONTRACT',
        storageScp: { aet, port },
      }),
    );
  },
  at: (port, tls) =>
    keep(new DimsePacsClient({ kind: 'dimse', host: '127.0.0.1', port, calledAet: 'ANYPACS', callingAet: 'ITBCONTRACT', timeoutMs: 1_500, ...(tls ? { tls: {} } : {}) })),
};

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
});

/** The pixel data is the last thing the generator writes: equal tails mean the image bytes survived the round trip. */
function pixelTail(file: string, bytes = 64 * 64 * 2): Buffer {
  const b = fs.readFileSync(file);
  return b.subarray(b.length - bytes);
}

describe.each([dicomweb, dimse])('PacsClient contract: $name', (impl) => {
  let client: PacsClient;
  let study: TestStudy;

  beforeAll(async () => {
    client = await impl.uhl();
    study = makeStudy(`contract-${impl.name}`);
    const outcome = await client.storeFiles(study.files, { callRef: 'ITB-2026-000001' });
    expect(outcome.failed).toEqual([]);
    expect(outcome.stored.map((s) => s.sopInstanceUid).sort()).toEqual([...study.sopInstanceUids].sort());
    expect(outcome.bytes).toBe(study.bytes);
  });

  it('echoes', async () => {
    const echo = await client.echo();
    expect(echo.roundTripMs).toBeGreaterThan(0);
  });

  it('stores every instance so the PACS holds exactly them', async () => {
    expect(await orthancSopUids(uhlOrthanc().restUrl, study.studyInstanceUid)).toEqual([...study.sopInstanceUids].sort());
  });

  it('finds the study by patient id, with its study-level attributes', async () => {
    const found = await client.searchStudies({ patientId: study.patientId });
    expect(found).toEqual([
      {
        studyInstanceUid: study.studyInstanceUid,
        studyDate: '2026-03-02',
        studyTime: '10:15:00',
        accessionNumber: study.accessionNumber,
        studyDescription: 'CT synthetic study',
        modalities: ['CT'],
        patientId: study.patientId,
        patientName: study.patientName,
        patientBirthDate: '1961-04-12',
        numberOfSeries: 1,
        numberOfInstances: 4,
      },
    ]);
  });

  it('matches accession number, Study Instance UID, modality and an inclusive date range', async () => {
    const uid = (q: Parameters<PacsClient['searchStudies']>[0]) => client.searchStudies(q).then((r) => r.map((s) => s.studyInstanceUid));
    expect(await uid({ accessionNumber: study.accessionNumber })).toEqual([study.studyInstanceUid]);
    expect(await uid({ studyInstanceUid: study.studyInstanceUid })).toEqual([study.studyInstanceUid]);
    expect(await uid({ patientId: study.patientId, modality: 'CT' })).toEqual([study.studyInstanceUid]);
    expect(await uid({ patientId: study.patientId, modality: 'MR' })).toEqual([]);
    expect(await uid({ patientId: study.patientId, studyDateFrom: '2026-03-02', studyDateTo: '2026-03-02' })).toEqual([study.studyInstanceUid]);
    expect(await uid({ patientId: study.patientId, studyDateFrom: '2026-03-01', studyDateTo: '2026-03-31' })).toEqual([study.studyInstanceUid]);
    expect(await uid({ patientId: study.patientId, studyDateFrom: '2026-03-03' })).toEqual([]);
    expect(await uid({ patientId: study.patientId, studyDateTo: '2026-03-01' })).toEqual([]);
    expect(await uid({ patientId: `${study.patientId}-NOBODY` })).toEqual([]);
  });

  it('retrieves the study to a folder, one Part 10 file per instance named by SOP Instance UID, image bytes intact', async () => {
    const folder = outFolder(study, `retrieved-${impl.name}`);
    const seen: string[] = [];
    const got = await client.retrieveStudy(study.studyInstanceUid, folder, { onInstance: (i) => seen.push(i.sopInstanceUid) });
    const uids = [...study.sopInstanceUids].sort();
    expect(got.instances.map((i) => i.sopInstanceUid).sort()).toEqual(uids);
    expect(seen.sort()).toEqual(uids);
    expect(fs.readdirSync(folder).sort()).toEqual(uids.map((u) => `${u}.dcm`));
    for (const [i, uid] of study.sopInstanceUids.entries()) {
      const file = path.join(folder, `${uid}.dcm`);
      expect((await readPartTenMeta(file))?.sopInstanceUid).toBe(uid);
      expect(pixelTail(file).equals(pixelTail(study.files[i]!))).toBe(true);
    }
    expect(got.bytes).toBe(got.instances.reduce((n, i) => n + fs.statSync(i.file).size, 0));
  });

  it('a second retrieve into the same folder overwrites rather than adds', async () => {
    const folder = outFolder(study, `again-${impl.name}`);
    await client.retrieveStudy(study.studyInstanceUid, folder);
    await client.retrieveStudy(study.studyInstanceUid, folder);
    expect(fs.readdirSync(folder)).toHaveLength(study.sopInstanceUids.length);
  });

  it('storing the same SOP Instance UIDs again leaves one instance each on the PACS', async () => {
    const again = await client.storeFiles(study.files);
    expect(again.failed).toEqual([]);
    expect(again.stored).toHaveLength(study.files.length);
    expect(await orthancSopUids(uhlOrthanc().restUrl, study.studyInstanceUid)).toEqual([...study.sopInstanceUids].sort());
    expect((await client.searchStudies({ patientId: study.patientId }))[0]?.numberOfInstances).toBe(4);
  });

  it('reports a file that is not DICOM as invalid and still stores the rest', async () => {
    const other = makeStudy(`mixed-${impl.name}`, { instances: 2 });
    const junk = path.join(other.dir, 'not-dicom.dcm');
    fs.writeFileSync(junk, 'this is a scanned letter, not DICOM');
    const outcome = await client.storeFiles([other.files[0]!, junk, other.files[1]!]);
    expect(outcome.stored.map((s) => s.file).sort()).toEqual([...other.files].sort());
    expect(outcome.failed).toEqual([{ file: junk, reason: 'invalid-file' }]);
  });

  it('answers a retrieve of a study the PACS does not hold with PacsStudyNotFoundError', async () => {
    const err = await pacsFailure(client.retrieveStudy('2.25.1234567890123', outFolder(study, `missing-${impl.name}`), { callRef: 'ITB-2026-000002' }), PacsStudyNotFoundError);
    expect(err.retryable).toBe(false);
    expect(err.message).toContain('ITB-2026-000002');
  });

  it('refuses bad queries before sending anything, without echoing the value', async () => {
    const err = await pacsFailure(client.searchStudies({ patientId: `${study.patientId}*` }), PacsInvalidQueryError, [study.patientId]);
    expect(err.message).toContain('patientId');
    await pacsFailure(client.searchStudies({ modality: 'CT' }), PacsInvalidQueryError);
    await pacsFailure(client.searchStudies({ patientId: 'X', studyDateFrom: '2026-02-30' }), PacsInvalidQueryError);
    await pacsFailure(client.retrieveStudy('1.2.x', outFolder(study, 'never')), PacsInvalidQueryError);
  });

  describe('faults', () => {
    let blackHole: Peer;
    let tlsPeer: Peer;
    beforeAll(async () => {
      blackHole = await startBlackHole();
      tlsPeer = await startTlsPeer(makeCert(path.join(testVarDir(), 'pacs', 'certs'), `contract-${impl.name}`));
    });
    afterAll(async () => {
      await blackHole.close();
      await tlsPeer.close();
    });

    it('an unreachable PACS is PacsUnreachableError, retryable', async () => {
      const err = await pacsFailure(impl.at(await closedPort()).echo({ callRef: 'ITB-2026-000003' }), PacsUnreachableError);
      expect(err.retryable).toBe(true);
      expect(err.networkCode).toBe('ECONNREFUSED');
      expect(err.message).toMatch(/ITB-2026-000003.*127\.0\.0\.1/);
    });

    it('a PACS that accepts the connection and never answers is PacsTimeoutError, retryable', async () => {
      const t0 = Date.now();
      const err = await pacsFailure(impl.at(blackHole.port).searchStudies({ patientId: study.patientId }), PacsTimeoutError, [study.patientId]);
      expect(err.retryable).toBe(true);
      expect(Date.now() - t0).toBeLessThan(10_000);
    });

    it('a PACS certificate we do not trust is PacsTlsError, not retryable', async () => {
      const err = await pacsFailure(impl.at(tlsPeer.port, true).echo(), PacsTlsError);
      expect(err.retryable).toBe(false);
      expect(err.tlsCode).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
    });
  });
});
