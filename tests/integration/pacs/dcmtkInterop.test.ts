import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DicomWebPacsClient, DimsePacsClient, readPartTenMeta } from '../../../integrations/pacs';
import { StorageScp } from '../../../integrations/pacs/dimse/storageScp';
import { freePort } from '../../../sandbox/processes/freePort';
import { remoteOrthanc, uhlOrthanc } from '../../support/services';
import { makeStudy, orthancSopUids, outFolder } from './studies';

/**
 * Our clients against dcmtk as an independent DICOM implementation (run with TCP_NODELAY=1, as DESIGN says): what we
 * store, dcmtk finds; what dcmtk stores or moves, we find and retrieve; and dcmtk's storescu and echoscu can talk to
 * our storage SCP.
 */
jest.setTimeout(60_000);

/**
 * Runs a dcmtk tool; resolves with its exit code and everything it printed (dcmtk logs to stdout and stderr).
 * Asynchronous on purpose: our storage SCP runs in this process and must keep answering while the tool runs.
 */
function dcmtk(tool: string, args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(tool, args, { env: { ...process.env, TCP_NODELAY: '1' } });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (output += d.toString('utf8')));
    const timer = setTimeout(() => child.kill(), 30_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/** Study Instance UIDs in findscu -v output ("I: (0020,000d) UI [uid]"). */
function findscuStudies(output: string): string[] {
  return [...output.matchAll(/\(0020,000d\) UI \[([0-9.]+)\]/g)].map((m) => m[1]!).sort();
}

async function findscu(orthanc: { dicomPort: number; aet: string }, patientId: string): Promise<string[]> {
  const { code, output } = await dcmtk('findscu', [
    '-v', '-S', '-aet', 'DCMTKFIND', '-aec', orthanc.aet,
    '-k', 'QueryRetrieveLevel=STUDY', '-k', `PatientID=${patientId}`, '-k', 'StudyInstanceUID',
    '127.0.0.1', String(orthanc.dicomPort),
  ]);
  expect(code).toBe(0);
  return findscuStudies(output);
}

const dicomWeb = () => new DicomWebPacsClient({ kind: 'dicomweb', baseUrl: uhlOrthanc().dicomWebUrl });
const dimse = (orthanc: { dicomPort: number; aet: string }) =>
  new DimsePacsClient({ kind: 'dimse', host: '127.0.0.1', port: orthanc.dicomPort, calledAet: orthanc.aet, callingAet: 'ITBINTEROP' });

it('a study stored with our STOW-RS client is found by dcmtk findscu', async () => {
  const study = makeStudy('stow-findscu');
  const c = dicomWeb();
  try {
    expect((await c.storeFiles(study.files)).stored).toHaveLength(4);
  } finally {
    await c.close();
  }
  expect(await findscu(uhlOrthanc(), study.patientId)).toEqual([study.studyInstanceUid]);
});

it('a study stored with our C-STORE client is found by dcmtk findscu', async () => {
  const study = makeStudy('cstore-findscu');
  const c = dimse(uhlOrthanc());
  expect((await c.storeFiles(study.files)).stored).toHaveLength(4);
  expect(await findscu(uhlOrthanc(), study.patientId)).toEqual([study.studyInstanceUid]);
});

it('a study stored with dcmtk storescu is found by both our clients and retrieved by WADO-RS', async () => {
  const study = makeStudy('storescu-ours');
  const { code } = await dcmtk('storescu', ['-aet', 'DCMTKSTORE', '-aec', uhlOrthanc().aet, '127.0.0.1', String(uhlOrthanc().dicomPort), ...study.files]);
  expect(code).toBe(0);
  const web = dicomWeb();
  try {
    expect((await web.searchStudies({ patientId: study.patientId })).map((s) => s.studyInstanceUid)).toEqual([study.studyInstanceUid]);
    expect((await dimse(uhlOrthanc()).searchStudies({ patientId: study.patientId })).map((s) => s.numberOfInstances)).toEqual([4]);
    const got = await web.retrieveStudy(study.studyInstanceUid, outFolder(study, 'wado'));
    expect(got.instances.map((i) => i.sopInstanceUid).sort()).toEqual([...study.sopInstanceUids].sort());
  } finally {
    await web.close();
  }
});

it('dcmtk movescu moves a study from the remote trust to UHL, and our QIDO-RS on UHL then sees it', async () => {
  const study = makeStudy('movescu');
  expect((await dimse(remoteOrthanc()).storeFiles(study.files)).stored).toHaveLength(4);
  const { code } = await dcmtk('movescu', [
    '-S', '-aet', 'DCMTKMOVE', '-aec', remoteOrthanc().aet, '-aem', uhlOrthanc().aet,
    '-k', 'QueryRetrieveLevel=STUDY', '-k', `StudyInstanceUID=${study.studyInstanceUid}`,
    '127.0.0.1', String(remoteOrthanc().dicomPort),
  ]);
  expect(code).toBe(0);
  const web = dicomWeb();
  try {
    const found = await web.searchStudies({ patientId: study.patientId });
    expect(found.map((s) => [s.studyInstanceUid, s.numberOfInstances])).toEqual([[study.studyInstanceUid, 4]]);
  } finally {
    await web.close();
  }
  expect(await orthancSopUids(uhlOrthanc().restUrl, study.studyInstanceUid)).toEqual([...study.sopInstanceUids].sort());
});

describe('our storage SCP with dcmtk as the SCU', () => {
  let scp: StorageScp;
  let port: number;
  beforeAll(async () => {
    port = await freePort();
    scp = new StorageScp({ aet: 'ITBSTORE', port });
    await scp.start();
  });
  afterAll(async () => {
    await scp.close();
  });

  it('answers echoscu, and rejects a wrong called AE title', async () => {
    scp.beginReception(fs.mkdtempSync(path.join(os.tmpdir(), 'itb-scp-')));
    try {
      expect((await dcmtk('echoscu', ['-aec', 'ITBSTORE', '127.0.0.1', String(port)])).code).toBe(0);
      const wrong = await dcmtk('echoscu', ['-v', '-aec', 'SOMEONEELSE', '127.0.0.1', String(port)]);
      expect(wrong.code).not.toBe(0);
      expect(wrong.output).toMatch(/Called AE Title Not Recognized/i);
    } finally {
      scp.endReception();
    }
  });

  it('streams what storescu sends to <SOP Instance UID>.dcm files with a valid meta and the same image bytes', async () => {
    const study = makeStudy('storescu-scp', { instances: 3 });
    const folder = outFolder(study, 'scp');
    fs.mkdirSync(folder, { recursive: true });
    const reception = scp.beginReception(folder);
    try {
      expect((await dcmtk('storescu', ['-aec', 'ITBSTORE', '127.0.0.1', String(port), ...study.files])).code).toBe(0);
    } finally {
      scp.endReception();
    }
    expect(reception.instances.map((i) => i.sopInstanceUid).sort()).toEqual([...study.sopInstanceUids].sort());
    for (const [i, uid] of study.sopInstanceUids.entries()) {
      const file = path.join(folder, `${uid}.dcm`);
      expect(await readPartTenMeta(file)).toEqual({ sopClassUid: '1.2.840.10008.5.1.4.1.1.2', sopInstanceUid: uid, transferSyntaxUid: expect.any(String) });
      // dcmdump parses the whole file: a malformed meta or data set makes it fail.
      expect((await dcmtk('dcmdump', ['-q', file])).code).toBe(0);
      const original = fs.readFileSync(study.files[i]!);
      const received = fs.readFileSync(file);
      expect(received.subarray(received.length - 8192).equals(original.subarray(original.length - 8192))).toBe(true);
    }
  });

  it('refuses associations (transient) when no retrieve is running', async () => {
    const study = makeStudy('scp-idle', { instances: 1 });
    const r = await dcmtk('storescu', ['-v', '-aec', 'ITBSTORE', '127.0.0.1', String(port), ...study.files]);
    expect(r.code).not.toBe(0);
    expect(r.output).toMatch(/Rejected Transient/i);
  });
});
