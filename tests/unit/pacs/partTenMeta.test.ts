import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { parsePartTenMeta, partTenHeader, readPartTenMeta, ITB_IMPLEMENTATION_CLASS_UID } from '../../../integrations/pacs/partTenMeta';
import { generateStudy, SyntheticSyntax } from '../../../sandbox/dicom-generator/generateStudy';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'itb-pacs-meta-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const uid = fc
  .array(fc.integer({ min: 0, max: 999_999 }), { minLength: 2, maxLength: 8 })
  .map((parts) => parts.join('.'))
  .filter((u) => u.length <= 64);

describe('readPartTenMeta', () => {
  it.each(['explicitLE', 'implicitLE', 'explicitBE', 'jpegBaseline', 'deflated'] as const)('reads the meta of a generated %s file', async (syntax) => {
    const study = generateStudy({
      outDir: path.join(tmp, syntax),
      patient: { id: 'META-1', name: 'TESTPATIENT^META', birthDate: '1970-01-01' },
      studyDate: '2026-01-01',
      modality: 'MR',
      instances: 1,
      rows: 8,
      cols: 8,
      syntax,
    });
    expect(await readPartTenMeta(study.files[0]!)).toEqual({
      sopClassUid: '1.2.840.10008.5.1.4.1.1.4',
      sopInstanceUid: study.sopInstanceUids[0],
      transferSyntaxUid: SyntheticSyntax[syntax],
    });
  });

  it('is undefined for a missing file, a non-DICOM file and a cut-off header', async () => {
    const text = path.join(tmp, 'letter.txt');
    fs.writeFileSync(text, 'Dear Dr ...'.repeat(50));
    expect(await readPartTenMeta(path.join(tmp, 'nope.dcm'))).toBeUndefined();
    expect(await readPartTenMeta(text)).toBeUndefined();
    const header = partTenHeader({ sopClassUid: '1.2', sopInstanceUid: '1.2.3', transferSyntaxUid: '1.2.840.10008.1.2.1' });
    expect(parsePartTenMeta(header.subarray(0, header.length - 5))).toBeUndefined();
    expect(parsePartTenMeta(Buffer.alloc(200))).toBeUndefined();
  });
});

describe('partTenHeader (the storage SCP writes it before a data set received over DIMSE)', () => {
  it('round-trips any UIDs through dcmjs, with our Implementation Class UID, even for deflate', () => {
    fc.assert(
      fc.property(uid, uid, fc.constantFrom(...Object.values(SyntheticSyntax)), (sopClassUid, sopInstanceUid, transferSyntaxUid) => {
        const header = partTenHeader({ sopClassUid, sopInstanceUid, transferSyntaxUid });
        expect(header.toString('latin1', 128, 132)).toBe('DICM');
        // Nothing after the meta group: the data set bytes follow as received.
        expect(header.length).toBe(144 + header.readUInt32LE(140));
        expect(parsePartTenMeta(header)).toEqual({ sopClassUid, sopInstanceUid, transferSyntaxUid });
        expect(header.includes(Buffer.from(ITB_IMPLEMENTATION_CLASS_UID))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
