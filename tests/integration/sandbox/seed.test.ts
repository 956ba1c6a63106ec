import path from 'node:path';
import { demoPatient } from '../../../sandbox/demo';
import { SEED_STUDIES, remotePatientId, seedUid } from '../../../sandbox/seed/demoStudies';
import { seedSandboxOrthancs } from '../../../sandbox/seed/seedOrthanc';
import { freePort } from '../../../sandbox/processes/freePort';
import { startOrthanc, type OrthancHandle } from '../../../sandbox/processes/orthanc';
import { testVarDir } from '../../support/services';

type DicomJson = Record<string, { Value?: unknown[] }>;
const qido = async (base: string, query: string): Promise<DicomJson[]> =>
  (await fetch(`${base}/studies?${query}`, { headers: { Accept: 'application/dicom+json' } })).json() as Promise<DicomJson[]>;

// Orthancs of this suite's own: the demo patients' ids must not leak into the run's shared archives.
let uhl: OrthancHandle;
let remote: OrthancHandle;
beforeAll(async () => {
  const dir = path.join(testVarDir(), `seed-${process.pid}`);
  [uhl, remote] = await Promise.all([
    startOrthanc({ name: 'UHL PACS', aet: 'UHLPACS', httpPort: await freePort(), dicomPort: await freePort(), dir: path.join(dir, 'uhl') }),
    startOrthanc({ name: 'remote trust', aet: 'REMOTE', httpPort: await freePort(), dicomPort: await freePort(), dir: path.join(dir, 'remote') }),
  ]);
}, 60_000);
afterAll(async () => {
  await Promise.all([uhl?.stop(), remote?.stop()]);
});

describe('sandbox seeding of demo studies', () => {
  const archives = () => ({ remote: remote.restUrl, uhl: uhl.restUrl });
  const today = new Date('2026-11-23T12:00:00Z');

  it('puts the trauma patient\'s four UHL studies under the S number, and remote studies under the trust\'s own id', async () => {
    const uploaded = await seedSandboxOrthancs(archives(), path.join(testVarDir(), 'seed'), { today });
    expect(uploaded).toBe(SEED_STUDIES.reduce((n, s) => n + s.instances, 0));

    const trauma = demoPatient('traumaPatient');
    const uhlStudies = await qido(uhl.dicomWebUrl, `PatientID=${trauma.sNumber}`);
    expect(uhlStudies).toHaveLength(4);
    const todays = uhlStudies.filter((s) => s['00080020']?.Value?.[0] === '20261123');
    expect(todays).toHaveLength(3);

    const hartwell = demoPatient('ameliaHartwell');
    const remoteStudies = await qido(remote.dicomWebUrl, `PatientID=${remotePatientId(hartwell)}`);
    expect(remoteStudies.map((s) => s['0020000D']?.Value?.[0]).sort()).toEqual([seedUid('hartwell-ct-head'), seedUid('hartwell-mr-brain')].sort());
    // Not filed under the S number at the remote trust: the import engine has to reconcile it.
    expect(await qido(remote.dicomWebUrl, `PatientID=${hartwell.sNumber}`)).toEqual([]);
  }, 120_000);

  it('is idempotent: a second run uploads nothing', async () => {
    expect(await seedSandboxOrthancs(archives(), path.join(testVarDir(), 'seed'), { today })).toBe(0);
  }, 60_000);
});
