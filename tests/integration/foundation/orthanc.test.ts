import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { uhlOrthanc, remoteOrthanc, testVarDir } from '../../support/services';

describe('Orthanc started by script/test', () => {
  it('answers a DICOMweb QIDO-RS study search with JSON (UHL PACS)', async () => {
    const res = await fetch(`${uhlOrthanc().dicomWebUrl}/studies?PatientID=NOBODY`, { headers: { Accept: 'application/dicom+json' } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual([]);
  });

  it('names the two instances as the sandbox expects', async () => {
    const [uhl, remote] = await Promise.all([
      fetch(`${uhlOrthanc().restUrl}/system`).then((r) => r.json() as Promise<{ Name: string; DicomAet: string }>),
      fetch(`${remoteOrthanc().restUrl}/system`).then((r) => r.json() as Promise<{ Name: string; DicomAet: string }>),
    ]);
    expect([uhl.Name, uhl.DicomAet]).toEqual(['UHL PACS', 'UHLPACS']);
    expect([remote.Name, remote.DicomAet]).toEqual(['remote trust', 'REMOTE']);
  });

  it('accepts a C-ECHO from dcmtk (a real DICOM peer)', () => {
    const out = execFileSync('echoscu', ['-aec', uhlOrthanc().aet, '127.0.0.1', String(uhlOrthanc().dicomPort)], {
      env: { ...process.env, TCP_NODELAY: '1' },
      encoding: 'utf8',
    });
    expect(out).toBe('');
  });

  it('finds a study stored with dcmtk storescu through QIDO-RS', async () => {
    const dir = path.join(testVarDir(), 'qido');
    fs.mkdirSync(dir, { recursive: true });
    const dump = path.join(dir, 'ct.dump');
    const file = path.join(dir, 'ct.dcm');
    const studyUid = `1.2.826.0.1.3680043.8.498.${Date.now()}`;
    fs.writeFileSync(
      dump,
      [
        '(0008,0016) UI =CTImageStorage',
        `(0008,0018) UI [${studyUid}.1.1]`,
        '(0008,0020) DA [20260301]',
        '(0008,0060) CS [CT]',
        '(0010,0010) PN [QIDO^TEST]',
        '(0010,0020) LO [QIDO-PID-1]',
        `(0020,000d) UI [${studyUid}]`,
        `(0020,000e) UI [${studyUid}.1]`,
      ].join('\n'),
    );
    execFileSync('dump2dcm', ['--write-xfer-little', dump, file]);
    execFileSync('storescu', ['-aec', uhlOrthanc().aet, '127.0.0.1', String(uhlOrthanc().dicomPort), file], {
      env: { ...process.env, TCP_NODELAY: '1' },
    });
    const res = await fetch(`${uhlOrthanc().dicomWebUrl}/studies?PatientID=QIDO-PID-1`, { headers: { Accept: 'application/dicom+json' } });
    const studies = (await res.json()) as Array<Record<string, { Value?: unknown[] }>>;
    expect(studies).toHaveLength(1);
    expect(studies[0]!['0020000D']!.Value).toEqual([studyUid]);
  });
});
