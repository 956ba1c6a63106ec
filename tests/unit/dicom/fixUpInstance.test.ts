import fs from 'node:fs';
import path from 'node:path';
import { data as dcmjsData } from 'dcmjs';
import {
  DicomFileError,
  DicomRewriteConfigError,
  fixUpInstance,
  fixUpStudy,
  identityDigest,
  parseDicomHeader,
  type DicomHeader,
  type PatientRewrite,
} from '../../../integrations/dicom';
import { bufferSource } from '../../../integrations/dicom/byteSource';
import { ulElement } from '../../../integrations/dicom/elementWriter';
import { formatTag, Tag } from '../../../integrations/dicom/tags';
import type { SyntheticSyntaxName } from '../../../sandbox/dicom-generator/generateStudy';
import { EXPECTED, filesUnder, makeTemp, NHS, OUR_ISSUER, removeTemp, rewriteFor, SENDER, smallStudy } from './dicomTestKit';

let dir: string;
beforeAll(() => {
  dir = makeTemp();
});
afterAll(() => removeTemp(dir));

let counter = 0;
function fresh(name = 'f'): string {
  counter += 1;
  return path.join(dir, `${name}${counter}`);
}
function oneFile(opts: Parameters<typeof smallStudy>[1] = {}): string {
  return smallStudy(fresh('in'), { instances: 1, ...opts }).files[0] as string;
}
const read = (file: string): DicomHeader => parseDicomHeader(bufferSource(fs.readFileSync(file)));

/** dcmjs's independent reading of a file, naturalised. */
function dcmjsRead(file: string): Record<string, any> {
  const b = fs.readFileSync(file);
  const dict = dcmjsData.DicomMessage.readFile(b.buffer.slice(b.byteOffset, b.byteOffset + b.length) as ArrayBuffer);
  return dcmjsData.DicomMetaDictionary.naturalizeDataset(dict.dict);
}

/** Raw bytes of each top-level element, by tag. */
function elementBytes(file: string): Map<number, Buffer> {
  const b = fs.readFileSync(file);
  const h = parseDicomHeader(bufferSource(b));
  return new Map(h.elements.map((e) => [e.tag, b.subarray(e.start, e.end)]));
}

/** Every byte from Pixel Data (7FE0,0010) to the end of the file. */
function pixelTail(file: string): Buffer {
  const b = fs.readFileSync(file);
  return b.subarray(parseDicomHeader(bufferSource(b)).headerEnd);
}

async function fixed(input: string, rewrite: PatientRewrite = rewriteFor()): Promise<string> {
  const out = `${fresh('out')}.dcm`;
  await fixUpInstance(input, out, rewrite);
  return out;
}

describe('fixUpInstance rewrites identity per IHE IRWF.b and changes nothing else', () => {
  test.each<SyntheticSyntaxName>(['explicitLE', 'implicitLE', 'explicitBE', 'jpegBaseline'])('%s', async (syntax) => {
    const input = oneFile({ syntax });
    const out = await fixed(input);
    const o = dcmjsRead(out);

    expect(o.PatientID).toBe(EXPECTED.sNumber);
    expect(o.IssuerOfPatientID).toBe(OUR_ISSUER);
    // Other Patient IDs: the sender's NHS item kept, the sender's own id added (with its issuer, TypeOfPatientID TEXT).
    expect(o.OtherPatientIDsSequence).toEqual([
      expect.objectContaining({ PatientID: NHS[0], IssuerOfPatientID: 'NHS', TypeOfPatientID: 'TEXT' }),
      expect.objectContaining({ PatientID: SENDER.id, IssuerOfPatientID: SENDER.issuer, TypeOfPatientID: 'TEXT' }),
    ]);
    // Original Attributes: one item, previous values, who, when, why.
    const item = o.OriginalAttributesSequence[0];
    expect(o.OriginalAttributesSequence).toHaveLength(1);
    expect(item.ReasonForTheAttributeModification).toBe('COERCE');
    expect(item.ModifyingSystem).toBe('ITB');
    expect(item.SourceOfPreviousValues).toBe('Synthetic Sending Trust');
    expect(item.AttributeModificationDateTime).toBe('20260201093000.000000+0000');
    const previous = item.ModifiedAttributesSequence[0];
    expect(previous.PatientID).toBe(SENDER.id);
    expect(previous.IssuerOfPatientID).toBe(SENDER.issuer);
    expect(previous.OtherPatientIDsSequence).toEqual([expect.objectContaining({ PatientID: NHS[0], IssuerOfPatientID: 'NHS' })]);
    expect(previous.AccessionNumber).toBeUndefined(); // kept, so not recorded

    // Pixel data and everything after it: byte for byte.
    expect(pixelTail(out).equals(pixelTail(input))).toBe(true);
    // Every other top-level element: byte for byte.
    const before = elementBytes(input);
    const after = elementBytes(out);
    const changed = new Set<number>([Tag.PatientID, Tag.IssuerOfPatientID, Tag.OtherPatientIDsSequence, Tag.OriginalAttributesSequence]);
    for (const [tag, bytes] of before) {
      if (!changed.has(tag)) expect([formatTag(tag), after.get(tag)?.equals(bytes)]).toEqual([formatTag(tag), true]);
    }
    expect([...after.keys()].filter((t) => !before.has(t))).toEqual([Tag.OriginalAttributesSequence]);
    // The file meta is untouched too.
    const meta = read(input).datasetOffset;
    expect(fs.readFileSync(out).subarray(0, meta).equals(fs.readFileSync(input).subarray(0, meta))).toBe(true);
  });

  test('the previous values are the exact original bytes', async () => {
    const input = oneFile();
    const out = await fixed(input);
    const originalId = elementBytes(input).get(Tag.PatientID) as Buffer;
    const b = fs.readFileSync(out);
    const h = parseDicomHeader(bufferSource(b));
    const oas = h.elements.find((e) => e.tag === Tag.OriginalAttributesSequence);
    expect(b.subarray(oas?.start, oas?.end).includes(originalId)).toBe(true);
  });

  test('an Issuer of Patient ID the sender left out is inserted, and recorded as absent (zero length)', async () => {
    const out = await fixed(oneFile({ patient: { ...SENDER, issuer: undefined } }));
    const o = dcmjsRead(out);
    expect(o.IssuerOfPatientID).toBe(OUR_ISSUER);
    const previous = o.OriginalAttributesSequence[0].ModifiedAttributesSequence[0];
    expect(Object.keys(previous)).toContain('IssuerOfPatientID');
    expect(previous.IssuerOfPatientID ?? '').toBe('');
    expect(o.OtherPatientIDsSequence[1]).toEqual(expect.objectContaining({ PatientID: SENDER.id, TypeOfPatientID: 'TEXT' }));
    expect(o.OtherPatientIDsSequence[1].IssuerOfPatientID).toBeUndefined();
  });

  test("the sender's Issuer of Patient ID Qualifiers Sequence moves with its id, out of the main data set", async () => {
    const qualifiers = [{ UniversalEntityID: '1.2.826.0.1.999.1', UniversalEntityIDType: 'ISO' }];
    const out = await fixed(oneFile({ overrides: { IssuerOfPatientIDQualifiersSequence: qualifiers } }));
    const o = dcmjsRead(out);
    expect(o.IssuerOfPatientIDQualifiersSequence).toBeUndefined();
    expect(o.OtherPatientIDsSequence[1].IssuerOfPatientIDQualifiersSequence[0].UniversalEntityID).toBe('1.2.826.0.1.999.1');
    expect(o.OriginalAttributesSequence[0].ModifiedAttributesSequence[0].IssuerOfPatientIDQualifiersSequence[0].UniversalEntityID).toBe('1.2.826.0.1.999.1');
  });

  test('a second rewrite keeps the first Original Attributes item and adds its own', async () => {
    const once = await fixed(oneFile());
    const twice = await fixed(once, rewriteFor({ sNumber: 'S7654321', modifiedAt: new Date('2026-03-01T00:00:00Z') }));
    const o = dcmjsRead(twice);
    expect(o.PatientID).toBe('S7654321');
    expect(o.OriginalAttributesSequence).toHaveLength(2);
    expect(o.OriginalAttributesSequence[0].ModifiedAttributesSequence[0].PatientID).toBe(SENDER.id);
    expect(o.OriginalAttributesSequence[1].ModifiedAttributesSequence[0].PatientID).toBe(EXPECTED.sNumber);
  });

  test('group lengths of changed groups are recomputed', async () => {
    const input = oneFile();
    const b = fs.readFileSync(input);
    const h = parseDicomHeader(bufferSource(b));
    const group10 = h.elements.filter((e) => e.tag >>> 16 === 0x0010);
    const first = group10[0]?.start ?? 0;
    const withLength = Buffer.concat([b.subarray(0, first), ulElement(0x00100000, (group10.at(-1)?.end ?? 0) - first, { explicitVr: true, littleEndian: true }), b.subarray(first)]);
    const withLengthFile = `${fresh('gl')}.dcm`;
    fs.writeFileSync(withLengthFile, withLength);
    const out = fs.readFileSync(await fixed(withLengthFile));
    const oh = parseDicomHeader(bufferSource(out));
    const lengthEl = oh.elements.find((e) => e.tag === 0x00100000);
    const rest = oh.elements.filter((e) => e.tag >>> 16 === 0x0010 && e.tag !== 0x00100000);
    expect(out.readUInt32LE(lengthEl?.valueOffset ?? 0)).toBe((rest.at(-1)?.end ?? 0) - (rest[0]?.start ?? 0));
  });
});

describe('accession number rule', () => {
  test('prefix: our prefix in front, the original kept in Original Attributes', async () => {
    const o = dcmjsRead(await fixed(oneFile({ accessionNumber: 'A123' }), rewriteFor({ accession: { kind: 'prefix', prefix: 'EXT' } })));
    expect(o.AccessionNumber).toBe('EXTA123');
    expect(o.OriginalAttributesSequence[0].ModifiedAttributesSequence[0].AccessionNumber).toBe('A123');
  });
  test('replace: our own accession for the study', async () => {
    const study = smallStudy(fresh('acc'), { instances: 1 });
    const o = dcmjsRead(await fixed(study.files[0] as string, rewriteFor({ accession: { kind: 'replace', accessionFor: (uid) => (uid === study.studyInstanceUid ? 'RWE000123' : 'WRONG') } })));
    expect(o.AccessionNumber).toBe('RWE000123');
  });
  test('a prefix that makes the accession longer than 16 characters (SH) is a settings error, and nothing is written', async () => {
    const out = `${fresh('long')}.dcm`;
    await expect(fixUpInstance(oneFile({ accessionNumber: 'ABCDEFGHIJKLMN' }), out, rewriteFor({ accession: { kind: 'prefix', prefix: 'EXT' } }))).rejects.toBeInstanceOf(DicomRewriteConfigError);
    expect(fs.existsSync(out)).toBe(false);
    expect(fs.existsSync(`${out}.partial`)).toBe(false);
  });
});

describe('streaming: memory bounded by one copy buffer, whatever the sizes', () => {
  test('an instance bigger than the copy buffer (1024x1024x16 bit = 2 MiB) is copied in chunks, byte-exact', async () => {
    const input = oneFile({ rows: 1024, cols: 1024 });
    const out = await fixed(input);
    expect(pixelTail(out).equals(pixelTail(input))).toBe(true);
    expect(dcmjsRead(out).PatientID).toBe(EXPECTED.sNumber);
  });
  test('a header bigger than the copy buffer (1.5 MiB private element) is streamed, byte-exact', async () => {
    const input = oneFile({ privateBlobBytes: 1_500_000 });
    const out = await fixed(input, rewriteFor());
    const before = elementBytes(input);
    const after = elementBytes(out);
    expect(after.get(0x00091010)?.equals(before.get(0x00091010) as Buffer)).toBe(true);
    expect(pixelTail(out).equals(pixelTail(input))).toBe(true);
    expect(read(out).patient.id).toBe(EXPECTED.sNumber);
  });
  test('a small copy buffer gives the same output as the default one', async () => {
    const input = oneFile({ rows: 256, cols: 256 });
    const a = `${fresh('a')}.dcm`;
    const b = `${fresh('b')}.dcm`;
    const rewrite = rewriteFor();
    await fixUpInstance(input, a, rewrite);
    await fixUpInstance(input, b, rewrite, { buffer: Buffer.alloc(64 * 1024) });
    expect(fs.readFileSync(a).equals(fs.readFileSync(b))).toBe(true);
  });
});

describe('failures leave nothing behind', () => {
  const attempt = async (input: string, opts: Parameters<typeof fixUpInstance>[3] = {}) => {
    const out = `${fresh('fail')}.dcm`;
    const err = await fixUpInstance(input, out, rewriteFor(), opts).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(fs.existsSync(out)).toBe(false);
    expect(fs.existsSync(`${out}.partial`)).toBe(false);
    return err as DicomFileError;
  };
  test('odd-length pixel data', async () => expect((await attempt(oneFile({ pixelDataLength: 511 }))).code).toBe('ODD_LENGTH_PIXEL_DATA'));
  test('a truncated file', async () => {
    const input = oneFile();
    fs.truncateSync(input, fs.statSync(input).size - 100);
    expect((await attempt(input)).code).toBe('TRUNCATED');
  });
  test('a missing file', async () => expect((await attempt(path.join(dir, 'nope.dcm'))).code).toBe('FILE_NOT_FOUND'));
  test('the guard: a file that is not the instance the identity check read', async () => {
    const a = oneFile();
    const b = oneFile({ patient: { ...SENDER, name: 'OTHERPATIENT^BETA' } });
    const guard = { sopInstanceUid: read(a).sopInstanceUid as string, identityDigest: identityDigest(read(a)) };
    const ok = `${fresh('guarded')}.dcm`;
    await fixUpInstance(a, ok, rewriteFor(), { guard });
    expect(read(ok).patient.id).toBe(EXPECTED.sNumber);
    const err = await attempt(b, { guard });
    expect(err.code).toBe('IDENTITY_CHANGED');
    expect(err.retryable).toBe(false);
  });
});

describe('fixUpStudy', () => {
  test('rewrites a study with bounded parallelism into the folders given', async () => {
    const study = smallStudy(fresh('study'), { instances: 12 });
    const outDir = fresh('studyOut');
    const result = await fixUpStudy(
      study.files.map((f) => ({ inPath: f, outPath: path.join(outDir, 'sub', path.basename(f)) })),
      rewriteFor(),
      { concurrency: 3 },
    );
    expect(result.failures).toEqual([]);
    expect(result.written).toHaveLength(12);
    expect(filesUnder(outDir)).toHaveLength(12);
    expect(result.bytesIn).toBe(study.bytes);
    for (const w of result.written) expect(read(w.outPath).patient.id).toBe(EXPECTED.sNumber);
  });

  test('workers sharing a new output folder all wait for it to exist (10 rounds, 16 files, 8 at once)', async () => {
    const study = smallStudy(fresh('race'), { instances: 16, rows: 4, cols: 4 });
    for (let round = 0; round < 10; round += 1) {
      const outDir = path.join(fresh('raceOut'), 'a', 'b');
      const result = await fixUpStudy(study.files.map((f) => ({ inPath: f, outPath: path.join(outDir, path.basename(f)) })), rewriteFor(), { concurrency: 8 });
      expect(result.failures.map((f) => f.error.message)).toEqual([]);
      expect(filesUnder(outDir)).toHaveLength(16);
    }
  });

  test('an output that cannot be written is an IO_ERROR about the output, not the input', async () => {
    const input = oneFile();
    const blocker = `${fresh('blocker')}`;
    fs.writeFileSync(blocker, 'a file where a folder should be');
    const result = await fixUpStudy([{ inPath: input, outPath: path.join(blocker, 'out.dcm') }], rewriteFor());
    expect(result.failures.map((f) => [f.error.code, (f.error as DicomFileError).path, f.error.retryable])).toEqual([['IO_ERROR', blocker, false]]);
    expect(result.failures[0]?.error.message).toMatch(/output/);
  });

  test('all or nothing: one bad instance, and every file written is removed', async () => {
    const study = smallStudy(fresh('bad'), { instances: 8 });
    fs.truncateSync(study.files[5] as string, 900);
    const outDir = fresh('badOut');
    const result = await fixUpStudy(study.files.map((f) => ({ inPath: f, outPath: path.join(outDir, path.basename(f)) })), rewriteFor(), { concurrency: 2 });
    expect(result.failures.map((f) => [path.basename(f.inPath), f.error.code])).toEqual([[path.basename(study.files[5] as string), 'TRUNCATED']]);
    expect(result.written).toEqual([]);
    expect(filesUnder(outDir)).toEqual([]);
  });

  test('bad settings are refused before any file is touched', async () => {
    const study = smallStudy(fresh('cfg'), { instances: 2 });
    const outDir = fresh('cfgOut');
    await expect(fixUpStudy(study.files.map((f) => ({ inPath: f, outPath: path.join(outDir, path.basename(f)) })), rewriteFor({ issuer: 'BAD\\ISSUER' }))).rejects.toBeInstanceOf(DicomRewriteConfigError);
    expect(fs.existsSync(outDir)).toBe(false);
  });
});
