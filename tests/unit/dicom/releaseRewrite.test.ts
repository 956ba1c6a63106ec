import fs from 'node:fs';
import path from 'node:path';
import { data as dcmjsData } from 'dcmjs';
import { DicomRewriteConfigError, fixUpInstance, parseDicomHeader, validatePatientRewrite } from '../../../integrations/dicom';
import { bufferSource } from '../../../integrations/dicom/byteSource';
import { formatTag, Tag } from '../../../integrations/dicom/tags';
import type { SyntheticSyntaxName } from '../../../sandbox/dicom-generator/generateStudy';
import { EXPECTED, makeTemp, removeTemp, rewriteFor, SENDER, smallStudy } from './dicomTestKit';

let dir: string;
beforeAll(() => {
  dir = makeTemp();
});
afterAll(() => removeTemp(dir));

let counter = 0;
const fresh = (name: string) => path.join(dir, `${name}${(counter += 1)}`);

function dcmjsRead(file: string): Record<string, any> {
  const b = fs.readFileSync(file);
  const dict = dcmjsData.DicomMessage.readFile(b.buffer.slice(b.byteOffset, b.byteOffset + b.length) as ArrayBuffer);
  return dcmjsData.DicomMetaDictionary.naturalizeDataset(dict.dict);
}
function elementBytes(file: string): Map<number, Buffer> {
  const b = fs.readFileSync(file);
  return new Map(parseDicomHeader(bufferSource(b)).elements.map((e) => [e.tag, b.subarray(e.start, e.end)]));
}
const pixelTail = (file: string) => {
  const b = fs.readFileSync(file);
  return b.subarray(parseDicomHeader(bufferSource(b)).headerEnd);
};

/** A quarantine released after a check: UHL's name and birth date over the sender's, the sender's kept (IRWF.b). */
describe('fixUpInstance with the demographics of a release', () => {
  test.each<SyntheticSyntaxName>(['explicitLE', 'implicitLE', 'explicitBE'])('%s: name and birth date coerced, originals in the Original Attributes item, nothing else changed', async (syntax) => {
    const input = smallStudy(fresh('in'), { instances: 1, syntax, patient: { ...SENDER, name: 'MAIDEN^ALPHA', birthDate: '19800110' } }).files[0] as string;
    const out = `${fresh('out')}.dcm`;
    await fixUpInstance(input, out, rewriteFor({ demographics: { patientName: 'TESTPATIENT^Alpha', birthDate: '19800101' } }));
    const o = dcmjsRead(out);
    expect(o.PatientID).toBe(EXPECTED.sNumber);
    expect(o.PatientName).toEqual([{ Alphabetic: 'TESTPATIENT^Alpha' }]);
    expect(o.PatientBirthDate).toBe('19800101');
    const previous = o.OriginalAttributesSequence[0].ModifiedAttributesSequence[0];
    expect(previous.PatientName).toEqual([{ Alphabetic: 'MAIDEN^ALPHA' }]);
    expect(previous.PatientBirthDate).toBe('19800110');
    expect(previous.PatientID).toBe(SENDER.id);
    expect(pixelTail(out).equals(pixelTail(input))).toBe(true);
    const before = elementBytes(input);
    const after = elementBytes(out);
    const changed = new Set<number>([Tag.PatientName, Tag.PatientBirthDate, Tag.PatientID, Tag.IssuerOfPatientID, Tag.OtherPatientIDsSequence, Tag.OriginalAttributesSequence]);
    for (const [tag, bytes] of before) if (!changed.has(tag)) expect([formatTag(tag), after.get(tag)?.equals(bytes)]).toEqual([formatTag(tag), true]);
  });

  test('only the name when only the name was released; without demographics both stay as sent', async () => {
    const input = smallStudy(fresh('in'), { instances: 1, patient: { ...SENDER, name: 'MAIDEN^ALPHA' } }).files[0] as string;
    const nameOnly = `${fresh('out')}.dcm`;
    await fixUpInstance(input, nameOnly, rewriteFor({ demographics: { patientName: 'TESTPATIENT^Alpha' } }));
    const o = dcmjsRead(nameOnly);
    expect(o.PatientBirthDate).toBe(SENDER.birthDate);
    expect(o.OriginalAttributesSequence[0].ModifiedAttributesSequence[0].PatientBirthDate).toBeUndefined();
    const plain = `${fresh('out')}.dcm`;
    await fixUpInstance(input, plain, rewriteFor());
    expect(dcmjsRead(plain).PatientName).toEqual([{ Alphabetic: 'MAIDEN^ALPHA' }]);
    expect(dcmjsRead(plain).OriginalAttributesSequence[0].ModifiedAttributesSequence[0].PatientName).toBeUndefined();
  });

  test('bad demographics are a settings error before anything is read', () => {
    expect(() => validatePatientRewrite(rewriteFor({ demographics: { birthDate: '1980-01-01' } }))).toThrow(DicomRewriteConfigError);
    expect(() => validatePatientRewrite(rewriteFor({ demographics: { patientName: 'A\\B' } }))).toThrow(DicomRewriteConfigError);
  });
});
