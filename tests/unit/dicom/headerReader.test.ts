import fs from 'node:fs';
import path from 'node:path';
import { data as dcmjsData } from 'dcmjs';
import { DicomFileError, instanceProblems, parseDicomHeader, readDicomHeader, type DicomHeader } from '../../../integrations/dicom';
import { bufferSource } from '../../../integrations/dicom/byteSource';
import { itemEnd, itemStart, sequenceEnd, sequenceStart, textElement } from '../../../integrations/dicom/elementWriter';
import { readDicomHeaderSync } from '../../../integrations/dicom/headerReader';
import { Tag, UNDEFINED_LENGTH } from '../../../integrations/dicom/tags';
import type { SyntheticSyntaxName } from '../../../sandbox/dicom-generator/generateStudy';
import { makeTemp, removeTemp, SENDER, smallStudy } from './dicomTestKit';

let dir: string;
beforeAll(() => {
  dir = makeTemp();
});
afterAll(() => removeTemp(dir));

let counter = 0;
function oneFile(opts: Parameters<typeof smallStudy>[1] = {}): string {
  counter += 1;
  return smallStudy(path.join(dir, `s${counter}`), { instances: 1, ...opts }).files[0] as string;
}

/** dcmjs's reading of the same file: an independent oracle for the values we decode. */
function dcmjsRead(file: string): Record<string, unknown> {
  const b = fs.readFileSync(file);
  const dict = dcmjsData.DicomMessage.readFile(b.buffer.slice(b.byteOffset, b.byteOffset + b.length) as ArrayBuffer);
  return dcmjsData.DicomMetaDictionary.naturalizeDataset(dict.dict);
}

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof DicomFileError) return err.code;
    throw err;
  }
  return 'none';
}

/** A file's bytes with `insert` spliced in before the top-level element `beforeTag`. */
function spliceBefore(file: string, beforeTag: number, insert: Buffer): Buffer {
  const b = fs.readFileSync(file);
  const h = parseDicomHeader(bufferSource(b));
  const at = h.elements.find((e) => e.tag === beforeTag)?.start;
  if (at === undefined) throw new Error('tag not found');
  return Buffer.concat([b.subarray(0, at), insert, b.subarray(at)]);
}

const EXPLICIT_LE = { explicitVr: true, littleEndian: true };

describe('readDicomHeader on generated files, checked against dcmjs', () => {
  const nhsQualified = {
    OtherPatientIDsSequence: [
      { PatientID: '9990000026', IssuerOfPatientID: 'NHS', TypeOfPatientID: 'TEXT' },
      { PatientID: '9990000034', TypeOfPatientID: 'TEXT', IssuerOfPatientIDQualifiersSequence: [{ UniversalEntityID: '2.16.840.1.113883.2.1.4.1', UniversalEntityIDType: 'ISO' }] },
    ],
  };
  test.each<SyntheticSyntaxName>(['explicitLE', 'implicitLE', 'explicitBE', 'jpegBaseline'])('%s', async (syntax) => {
    const file = oneFile({ syntax, overrides: nhsQualified });
    const h = await readDicomHeader(file);
    const ref = dcmjsRead(file);
    expect(h.sopInstanceUid).toBe(ref.SOPInstanceUID);
    expect(h.studyInstanceUid).toBe(ref.StudyInstanceUID);
    expect(h.seriesInstanceUid).toBe(ref.SeriesInstanceUID);
    expect(h.sopClassUid).toBe(ref.SOPClassUID);
    expect(h.modality).toBe(ref.Modality);
    expect(h.studyDate).toBe(ref.StudyDate);
    expect(h.accessionNumber).toBe(ref.AccessionNumber);
    expect(h.patient.id).toBe(ref.PatientID);
    expect(h.patient.issuer).toBe(ref.IssuerOfPatientID);
    expect(h.patient.birthDate).toBe(ref.PatientBirthDate);
    expect(h.patient.name).toBe((ref.PatientName as Array<{ Alphabetic: string }>)[0]?.Alphabetic);
    expect(h.patient.otherIds).toEqual([
      { patientId: '9990000026', issuer: 'NHS', typeOfPatientId: 'TEXT', issuerUniversalEntityIds: [] },
      { patientId: '9990000034', typeOfPatientId: 'TEXT', issuerUniversalEntityIds: ['2.16.840.1.113883.2.1.4.1'] },
    ]);
    expect(h.textProblems).toEqual([]);
    expect(instanceProblems(h)).toEqual([]);
    // Pixel Data: the tag sits exactly where the header says.
    const b = fs.readFileSync(file);
    const px = h.pixelData;
    expect(px).toBeDefined();
    const tagBytes = syntax === 'explicitBE' ? [0x7f, 0xe0, 0x00, 0x10] : [0xe0, 0x7f, 0x10, 0x00];
    expect([...b.subarray(px?.offset, (px?.offset ?? 0) + 4)]).toEqual(tagBytes);
    expect(h.headerEnd).toBe(px?.offset);
    expect(px?.encapsulated).toBe(syntax === 'jpegBaseline');
    if (syntax === 'jpegBaseline') expect(px?.fragments).toBe(1);
    else expect(px?.length).toBe(16 * 16 * 2);
    expect(h.encoding).toEqual({ explicitVr: syntax !== 'implicitLE', littleEndian: syntax !== 'explicitBE' });
  });

  test('a path, a buffer and the synchronous reader give the same header', async () => {
    const file = oneFile();
    const fromPath = await readDicomHeader(file);
    expect(await readDicomHeader(fs.readFileSync(file))).toEqual(fromPath);
    expect(readDicomHeaderSync(file)).toEqual(fromPath);
  });

  test('a header longer than the first read is read through further windows', async () => {
    const file = oneFile({ privateBlobBytes: 300_000 });
    const h = await readDicomHeader(file);
    expect(h.headerEnd).toBeGreaterThan(300_000);
    expect(h.patient.id).toBe(SENDER.id);
    expect(h.pixelData?.length).toBe(512);
    expect(readDicomHeaderSync(file)).toEqual(h);
  });

  test('a big private element is skipped by length, whatever its size', async () => {
    const file = oneFile({ privateBlobBytes: 8 * 1024 * 1024 });
    const h = await readDicomHeader(file);
    const blob = h.elements.find((e) => e.tag === 0x00091010);
    expect(blob?.length).toBe(8 * 1024 * 1024);
    expect(h.patient.name).toBe(SENDER.name);
  });
});

describe('bad input gives a typed error with a code', () => {
  test('every strict prefix of an image is refused: a typed error, or a problem that keeps it from PACS', () => {
    const b = fs.readFileSync(oneFile({ rows: 4, cols: 4 }));
    const seen = new Set<string>();
    for (let n = 0; n < b.length; n += 1) {
      let h: DicomHeader | undefined;
      try {
        h = parseDicomHeader(bufferSource(b.subarray(0, n)));
      } catch (err) {
        if (!(err instanceof DicomFileError)) throw err;
        seen.add(err.code);
        continue;
      }
      const problems = instanceProblems(h).map((p) => p.code);
      expect(problems.length).toBeGreaterThan(0);
      problems.forEach((p) => seen.add(p));
    }
    const allowed = ['MALFORMED', 'META_INVALID', 'MISSING_PIXEL_DATA', 'MISSING_UID', 'NOT_DICOM', 'TRUNCATED'];
    expect([...seen].filter((c) => !allowed.includes(c))).toEqual([]);
    expect(seen).toContain('NOT_DICOM');
    expect(seen).toContain('TRUNCATED');
    expect(seen).toContain('MISSING_PIXEL_DATA');
  });

  test('non-DICOM files and empty files are NOT_DICOM', () => {
    expect(codeOf(() => parseDicomHeader(bufferSource(Buffer.alloc(0))))).toBe('NOT_DICOM');
    expect(codeOf(() => parseDicomHeader(bufferSource(Buffer.from('%PDF-1.7 not an image'.repeat(20)))))).toBe('NOT_DICOM');
    expect(codeOf(() => parseDicomHeader(bufferSource(Buffer.alloc(4096, 0x41))))).toBe('NOT_DICOM');
  });

  test('a deflated transfer syntax is refused with UNSUPPORTED_TRANSFER_SYNTAX', () => {
    const file = oneFile({ syntax: 'deflated' });
    expect(codeOf(() => readDicomHeaderSync(file))).toBe('UNSUPPORTED_TRANSFER_SYNTAX');
  });

  test('file meta without a Transfer Syntax UID is META_INVALID', () => {
    const b = Buffer.from(fs.readFileSync(oneFile()));
    const i = b.indexOf(Buffer.from([0x02, 0x00, 0x10, 0x00, 0x55, 0x49])); // (0002,0010) UI
    b.writeUInt16LE(0x0011, i + 2); // now (0002,0011): not a transfer syntax
    expect(codeOf(() => parseDicomHeader(bufferSource(b)))).toBe('META_INVALID');
  });

  test('a repeated or out-of-order element is MALFORMED (two Patient IDs would make identity ambiguous)', () => {
    const file = oneFile();
    const twice = spliceBefore(file, Tag.PatientBirthDate, textElement(Tag.PatientID, 'LO', 'OTHER', EXPLICIT_LE));
    expect(codeOf(() => parseDicomHeader(bufferSource(twice)))).toBe('MALFORMED');
  });

  test('an element with no valid VR in an explicit VR file is MALFORMED', () => {
    const b = Buffer.from(fs.readFileSync(oneFile()));
    const h = parseDicomHeader(bufferSource(b));
    const name = h.elements.find((e) => e.tag === Tag.PatientName);
    b.write('zz', (name?.start ?? 0) + 4, 'latin1');
    expect(codeOf(() => parseDicomHeader(bufferSource(b)))).toBe('MALFORMED');
  });

  test('sequences nested 40 deep are MALFORMED, not a stack overflow', () => {
    const open: Buffer[] = [];
    const close: Buffer[] = [];
    for (let i = 0; i < 40; i += 1) {
      open.push(sequenceStart(0x00091010, EXPLICIT_LE), itemStart(EXPLICIT_LE));
      close.unshift(itemEnd(EXPLICIT_LE), sequenceEnd(EXPLICIT_LE));
    }
    const deep = Buffer.concat([Buffer.from([0x09, 0x00, 0x10, 0x00, 0x4c, 0x4f, 0x04, 0x00]), Buffer.from('ITB '), ...open, ...close]);
    const b = spliceBefore(oneFile(), Tag.PatientName, deep);
    expect(codeOf(() => parseDicomHeader(bufferSource(b)))).toBe('MALFORMED');
  });

  test('an identity value longer than 64 KiB is VALUE_TOO_LONG', () => {
    // Only implicit VR (4-byte lengths) can say this; dcmjs rightly refuses to write it, so it is spliced in by hand.
    const name = Buffer.alloc(8 + 70_000, 0x41);
    name.writeUInt16LE(0x0010, 0);
    name.writeUInt16LE(0x0010, 2);
    name.writeUInt32LE(70_000, 4);
    const b = spliceBefore(oneFile({ syntax: 'implicitLE', omit: ['PatientName'] }), Tag.PatientID, name);
    expect(codeOf(() => parseDicomHeader(bufferSource(b)))).toBe('VALUE_TOO_LONG');
  });

  test('a UN element of undefined length is read as an implicit VR sequence (PS3.5 6.2.2) and skipped', () => {
    const implicit = { explicitVr: false, littleEndian: true };
    const un = Buffer.alloc(12);
    un.writeUInt16LE(0x0009, 0);
    un.writeUInt16LE(0x1002, 2);
    un.write('UN', 4, 'latin1');
    un.writeUInt32LE(UNDEFINED_LENGTH, 8);
    const creator = Buffer.concat([Buffer.from([0x09, 0x00, 0x10, 0x00, 0x4c, 0x4f, 0x04, 0x00]), Buffer.from('ITB ')]);
    const inner = Buffer.concat([itemStart(implicit), textElement(0x00091003, 'LO', 'IMPLICIT INSIDE', implicit), itemEnd(implicit), sequenceEnd(implicit)]);
    const b = spliceBefore(oneFile(), Tag.PatientName, Buffer.concat([creator, un, inner]));
    const h = parseDicomHeader(bufferSource(b));
    expect(h.elements.find((e) => e.tag === 0x00091002)?.length).toBe(UNDEFINED_LENGTH);
    expect(h.patient.name).toBe(SENDER.name);
  });

  test('encapsulated pixel data cut inside a fragment is TRUNCATED', () => {
    const b = fs.readFileSync(oneFile({ syntax: 'jpegBaseline' }));
    expect(codeOf(() => parseDicomHeader(bufferSource(b.subarray(0, b.length - 20))))).toBe('TRUNCATED');
  });
});

describe('instanceProblems', () => {
  const codes = (file: string) => instanceProblems(readDicomHeaderSync(file)).map((p) => p.code);
  test('odd-length pixel data', () => expect(codes(oneFile({ pixelDataLength: 511 }))).toEqual(['ODD_LENGTH_PIXEL_DATA']));
  test('zero-length pixel data', () => expect(codes(oneFile({ pixelDataLength: 0 }))).toEqual(['EMPTY_PIXEL_DATA']));
  test('an image with no pixel data', () => expect(codes(oneFile({ noPixelData: true }))).toEqual(['MISSING_PIXEL_DATA']));
  test('an image with neither Rows nor pixel data (cut before Rows) is still missing its pixel data', () => {
    expect(codes(oneFile({ noPixelData: true, omit: ['Rows', 'Columns'] }))).toEqual(['MISSING_PIXEL_DATA']);
  });
  test('a key object selection (a pixel-free SOP class) needs no pixel data', () => {
    const ko = { SOPClassUID: '1.2.840.10008.5.1.4.1.1.88.59' };
    expect(codes(oneFile({ noPixelData: true, omit: ['Rows', 'Columns'], overrides: ko }))).toEqual([]);
  });
  test('missing SOP Instance UID', () => expect(codes(oneFile({ omit: ['SOPInstanceUID'] }))).toEqual(['MISSING_UID']));
  test('a UID that is not digits and dots (it would also be unsafe as a file name)', () => {
    expect(codes(oneFile({ overrides: { StudyInstanceUID: '1.2.3/../../etc' } }))).toEqual(['INVALID_UID']);
  });
});

describe('text values under Specific Character Set (0008,0005)', () => {
  const header = (overrides: Record<string, unknown>) => readDicomHeaderSync(oneFile({ overrides }));
  test('ISO_IR 192 (UTF-8) names are decoded', () => {
    expect(header({ SpecificCharacterSet: 'ISO_IR 192', PatientName: 'MÜLLER^Zoë' }).patient.name).toBe('MÜLLER^Zoë');
  });
  test('bytes that are not valid for the character set are a text problem, not a guess', () => {
    const b = Buffer.from(fs.readFileSync(oneFile({ overrides: { SpecificCharacterSet: 'ISO_IR 192', PatientName: 'MULLER^ZOE' } })));
    const at = b.indexOf(Buffer.from('MULLER'));
    b[at + 1] = 0xff; // never valid in UTF-8
    const h = parseDicomHeader(bufferSource(b));
    expect(h.patient.name).toBeUndefined();
    expect(h.textProblems).toEqual([{ tag: '(0010,0010)', problem: 'text is not valid utf-8' }]);
  });
  test('ISO 2022 escape sequences are reported as unsupported', () => {
    const h = header({ SpecificCharacterSet: ['', 'ISO 2022 IR 87'], PatientName: 'YAMADA^TARO=\u001b$B;3ED\u001b(B^\u001b$BB@O:\u001b(B' });
    expect(h.patient.name).toBeUndefined();
    expect(h.textProblems[0]?.problem).toMatch(/ISO 2022/);
  });
  test('an unknown character set makes every text value a problem', () => {
    const h = header({ SpecificCharacterSet: 'ISO_IR 999' });
    expect(h.patient.name).toBeUndefined();
    expect(h.textProblems.map((t) => t.tag)).toContain('(0010,0010)');
    expect(h.sopInstanceUid).toMatch(/^2\.25\./); // UIDs are ASCII whatever the character set (PS3.5 6.1.2.3)
  });
  test('control characters in a name are a text problem', () => {
    expect(header({ PatientName: 'TEST\u0007PATIENT^ALPHA' }).textProblems).toEqual([{ tag: '(0010,0010)', problem: 'value contains control characters' }]);
  });
});
