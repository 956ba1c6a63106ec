/**
 * The engine against real peers: inputs written by dcmtk (dcmconv, dcmmkdir) rather than our generator, and output
 * stored into the run's Orthanc (UHL PACS) with dcmtk's storescu, then found there by the S number.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { importStudy, logSafeReasons, readCdContents, type ImportedStudy } from '../../../integrations/dicom';
import { uhlOrthanc } from '../../support/services';
import { EXPECTED, importOptions, makeTemp, OUR_ISSUER, removeTemp, REQUESTED, SENDER, smallStudy } from '../../unit/dicom/dicomTestKit';
import { dcmdump, dcmtk, topLevel } from './dcmtkTools';

let root: string;
beforeAll(() => {
  root = makeTemp('itb-peers-');
});
afterAll(() => removeTemp(root));

function imported(r: Awaited<ReturnType<typeof importStudy>>): ImportedStudy {
  if (r.decision !== 'import') throw new Error(`quarantined: ${JSON.stringify([logSafeReasons(r.reasons), r.fileErrors.map((e) => [e.code, e.message])])}`);
  return r;
}

describe('inputs written by dcmtk', () => {
  test.each([
    ['+ti', 'implicit VR little endian', '1.2.840.10008.1.2'],
    ['+tb', 'explicit VR big endian', '1.2.840.10008.1.2.2'],
  ])('dcmconv %s (%s): imported, and dcmdump reads the result in the same syntax', async (flag, _name, uid) => {
    const study = smallStudy(path.join(root, `conv${flag}`), { instances: 3 });
    for (const f of study.files) dcmtk('dcmconv', [flag, f, f]);
    const outDir = path.join(root, `convOut${flag}`);
    const r = imported(await importStudy(study.files, EXPECTED, REQUESTED, importOptions(outDir)));
    for (const w of r.written) {
      const { lines, stderr } = dcmdump(w.outPath);
      expect(stderr).toBe('');
      expect(topLevel(lines, '(0002,0010)')).toBe(uid);
      expect(topLevel(lines, '(0010,0020)')).toBe(EXPECTED.sNumber);
      expect(topLevel(lines, '(0010,0021)')).toBe(OUR_ISSUER);
    }
  });

  test('a CD made by dcmmkdir, with a viewer beside the images: read through its DICOMDIR and imported', async () => {
    const cd = path.join(root, 'cd');
    smallStudy(path.join(cd, 'DICOM'), { instances: 4, fileName: (i) => `IM${i + 1}` });
    dcmtk('dcmmkdir', ['+r', 'DICOM'], cd);
    fs.writeFileSync(path.join(cd, 'AUTORUN.INF'), '[autorun]\n');
    const contents = await readCdContents(cd);
    expect(contents.dicomdir).toBe(path.join(cd, 'DICOMDIR'));
    expect(contents.files).toHaveLength(4);
    expect(contents.errors).toEqual([]);
    const r = imported(await importStudy(contents.files, EXPECTED, REQUESTED, { ...importOptions(path.join(root, 'cdOut')), mediaErrors: contents.errors }));
    expect(r.written).toHaveLength(4);
  });
});

describe("output accepted by PACS (the run's Orthanc, stored with storescu)", () => {
  test("the rewritten study is found in PACS under the S number, with the sender's id kept", async () => {
    const study = smallStudy(path.join(root, 'pacs'), { instances: 3 });
    const r = imported(await importStudy(study.files, EXPECTED, REQUESTED, importOptions(path.join(root, 'pacsOut'))));
    const pacs = uhlOrthanc();
    execFileSync('storescu', ['-aec', pacs.aet, '127.0.0.1', String(pacs.dicomPort), ...r.written.map((w) => w.outPath)], {
      env: { ...process.env, TCP_NODELAY: '1' },
    });
    const qido = (query: string) => fetch(`${pacs.dicomWebUrl}/studies?${query}`, { headers: { Accept: 'application/dicom+json' } }).then((res) => res.json());
    const found = (await qido(`PatientID=${EXPECTED.sNumber}&StudyInstanceUID=${study.studyInstanceUid}`)) as Array<Record<string, { Value?: unknown[] }>>;
    expect(found).toHaveLength(1);
    expect(found[0]?.['00100020']?.Value).toEqual([EXPECTED.sNumber]);
    expect(await qido(`PatientID=${SENDER.id}`)).toEqual([]);
    // Orthanc's own reading of the stored files: the sender's id in Other Patient IDs, one Original Attributes item.
    const find = await fetch(`${pacs.restUrl}/tools/find`, { method: 'POST', body: JSON.stringify({ Level: 'Instance', Query: { StudyInstanceUID: study.studyInstanceUid } }) });
    const ids = (await find.json()) as string[];
    expect(ids).toHaveLength(3);
    for (const id of ids) {
      const tags = (await (await fetch(`${pacs.restUrl}/instances/${id}/simplified-tags`)).json()) as {
        PatientID: string;
        OtherPatientIDsSequence?: Array<{ PatientID?: string }>;
        OriginalAttributesSequence?: unknown[];
      };
      expect(tags.PatientID).toBe(EXPECTED.sNumber);
      expect(tags.OtherPatientIDsSequence?.map((o) => o.PatientID)).toContain(SENDER.id);
      expect(tags.OriginalAttributesSequence).toHaveLength(1);
    }
  });
});
