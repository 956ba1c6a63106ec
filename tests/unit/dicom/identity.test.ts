import fc from 'fast-check';
import { identityOf, parseDicomHeader } from '../../../integrations/dicom';
import { bufferSource } from '../../../integrations/dicom/byteSource';
import { dicomDateToLocal, NHS_NUMBER_OID } from '../../../integrations/dicom/identity';
import { isValidNhsNumber, normaliseNhsNumber } from '../../../integrations/dicom/nhsNumber';
import { compareNames, normaliseName, parsePersonName } from '../../../integrations/dicom/personName';
import fs from 'node:fs';
import path from 'node:path';
import { makeTemp, NHS, removeTemp, SENDER, smallStudy } from './dicomTestKit';

/** Reference Modulus 11, written independently of the one under test (NHS Data Dictionary). */
function referenceNhs(d: string): boolean {
  if (!/^[0-9]{10}$/.test(d)) return false;
  const weights = [10, 9, 8, 7, 6, 5, 4, 3, 2];
  const total = weights.reduce((sum, w, i) => sum + w * (d.charCodeAt(i) - 48), 0);
  const remainder = total % 11;
  const check = remainder === 0 ? 0 : 11 - remainder;
  return check !== 10 && check === d.charCodeAt(9) - 48;
}

describe('NHS number', () => {
  test('the test-kit numbers are valid and in the 999 test range', () => {
    for (const n of NHS) expect([n, isValidNhsNumber(n), n.startsWith('999')]).toEqual([n, true, true]);
  });
  test('agrees with a reference Modulus 11 on 20,000 random 10-digit strings', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9]{10}$/), (d) => isValidNhsNumber(d) === referenceNhs(d)),
      { numRuns: 20_000 },
    );
  });
  test('remainder giving check digit 10 is invalid; check digit 11 means 0', () => {
    expect(isValidNhsNumber('9990000018')).toBe(true);
    expect(isValidNhsNumber('9990000019')).toBe(false);
    // 999000003? gives 11 - (sum % 11) = 11 -> check digit 0 when the weighted sum divides by 11.
    const zero = Array.from({ length: 1000 }, (_, i) => `999000${String(i).padStart(3, '0')}0`).find(referenceNhs);
    expect(zero && isValidNhsNumber(zero)).toBe(true);
    const ten = Array.from({ length: 1000 }, (_, i) => `999000${String(i).padStart(3, '0')}`).find((p) => !Array.from({ length: 10 }, (_, c) => referenceNhs(`${p}${c}`)).some(Boolean));
    expect(ten).toBeDefined();
    for (let c = 0; c < 10; c += 1) expect(isValidNhsNumber(`${ten}${c}`)).toBe(false);
  });
  test('spaces and dashes are tolerated, anything else is not a number', () => {
    expect(normaliseNhsNumber('999 000 0018')).toBe('9990000018');
    expect(normaliseNhsNumber('999-000-0018')).toBe('9990000018');
    expect(normaliseNhsNumber('999000001')).toBeUndefined();
    expect(normaliseNhsNumber('99900000I8')).toBeUndefined();
  });
});

describe('Person Name (PS3.5 6.2.1)', () => {
  test('alphabetic group, family and given components', () => {
    expect(parsePersonName('SMITH^JOHN^PAUL^MR')).toEqual({ family: 'SMITH', given: 'JOHN' });
    expect(parsePersonName('YAMADA^TARO=山田^太郎=やまだ^たろう')).toEqual({ family: 'YAMADA', given: 'TARO' });
    expect(parsePersonName('SMITH')).toEqual({ family: 'SMITH', given: '' });
    expect(parsePersonName('SMITH^JOHN\\JONES^ANN')).toBeUndefined();
  });
  test('normalisation: case, accents, apostrophes, hyphens, spaces', () => {
    expect(normaliseName("  o'Brien ")).toBe('OBRIEN');
    expect(normaliseName('Smith-Jones')).toBe('SMITH JONES');
    expect(normaliseName('Zoë  Müller')).toBe('ZOE MULLER');
    expect(normaliseName('O’NEILL')).toBe('ONEILL');
  });
  test('family names must be equal; the first given name must be equal', () => {
    const expected = { familyName: "O'Brien", givenName: 'Siobhán' };
    expect(compareNames({ family: 'OBRIEN', given: 'SIOBHAN MARY' }, expected)).toEqual({ family: true, given: true });
    expect(compareNames({ family: 'OBRIAN', given: 'SIOBHAN' }, expected)).toEqual({ family: false, given: true });
    expect(compareNames({ family: 'OBRIEN', given: 'MARY SIOBHAN' }, expected)).toEqual({ family: true, given: false });
    expect(compareNames({ family: 'OBRIEN', given: '' }, expected)).toEqual({ family: true, given: false });
  });
});

test('DA values: YYYYMMDD (and ACR-NEMA YYYY.MM.DD) to YYYY-MM-DD, real dates only', () => {
  expect(dicomDateToLocal('19800101')).toBe('1980-01-01');
  expect(dicomDateToLocal('1980.01.01')).toBe('1980-01-01');
  expect(dicomDateToLocal('20240229')).toBe('2024-02-29');
  for (const bad of ['20230229', '19801301', '19800100', '1980-01-01', '198001', 'ABCDEFGH', '']) expect(dicomDateToLocal(bad)).toBeUndefined();
});

describe('identityOf: who an instance says the patient is', () => {
  let dir: string;
  beforeAll(() => {
    dir = makeTemp();
  });
  afterAll(() => removeTemp(dir));
  let n = 0;
  const identity = (opts: Parameters<typeof smallStudy>[1]) => {
    n += 1;
    const file = smallStudy(path.join(dir, `i${n}`), { instances: 1, ...opts }).files[0] as string;
    return identityOf(parseDicomHeader(bufferSource(fs.readFileSync(file))), { ourIssuer: 'UHL' });
  };

  test('the sender-written patient: name, birth date, ids, NHS number from Other Patient IDs', () => {
    const id = identity({});
    expect(id).toMatchObject({ name: { family: 'TESTPATIENT', given: 'ALPHA' }, birthDate: '1980-01-01', patientId: SENDER.id, issuer: SENDER.issuer, nhsNumbers: [NHS[0]], localIds: [], problems: [] });
  });
  test('an NHS number as the Patient ID under an NHS issuer, or named by the NHS OID qualifier', () => {
    expect(identity({ patient: { ...SENDER, id: NHS[1], issuer: 'NHS', nhsNumber: undefined } }).nhsNumbers).toEqual([NHS[1]]);
    const byOid = identity({
      patient: { ...SENDER, nhsNumber: undefined },
      overrides: { OtherPatientIDsSequence: [{ PatientID: NHS[2], IssuerOfPatientIDQualifiersSequence: [{ UniversalEntityID: NHS_NUMBER_OID, UniversalEntityIDType: 'ISO' }] }] },
    });
    expect(byOid.nhsNumbers).toEqual([NHS[2]]);
  });
  test('a 10-digit Patient ID without an NHS issuer is not taken for an NHS number', () => {
    expect(identity({ patient: { ...SENDER, id: NHS[1], issuer: 'RXX', nhsNumber: undefined } }).nhsNumbers).toEqual([]);
  });
  test('an NHS number that fails Modulus 11 is garbled identity', () => {
    expect(identity({ patient: { ...SENDER, nhsNumber: '9990000019' } }).problems).toEqual([expect.objectContaining({ kind: 'garbled', field: 'nhsNumber' })]);
  });
  test('an id under our own issuer is a UHL id', () => {
    expect(identity({ overrides: { OtherPatientIDsSequence: [{ PatientID: 's7654321', IssuerOfPatientID: 'uhl' }] } }).localIds).toEqual(['S7654321']);
  });
  test.each([
    ['PatientName', 'patientName'],
    ['PatientBirthDate', 'birthDate'],
    ['PatientID', 'patientId'],
  ])('missing %s is missing identity', (keyword, field) => {
    expect(identity({ omit: [keyword] }).problems).toEqual([expect.objectContaining({ kind: 'missing', field })]);
  });
  test('an impossible birth date, several names, or no family name is garbled identity', () => {
    expect(identity({ patient: { ...SENDER, birthDate: '19800231' } }).problems).toEqual([expect.objectContaining({ kind: 'garbled', field: 'birthDate' })]);
    expect(identity({ patient: { ...SENDER, name: 'A^B\\C^D' } }).problems).toEqual([expect.objectContaining({ kind: 'garbled', field: 'patientName' })]);
    expect(identity({ patient: { ...SENDER, name: '^ALPHA' } }).problems).toEqual([expect.objectContaining({ kind: 'garbled', field: 'patientName' })]);
  });
  test('the same patient written differently (case, padding) has the same key; another patient does not', () => {
    const a = identity({});
    const b = identity({ patient: { ...SENDER, name: 'Testpatient^Alpha' } });
    const c = identity({ patient: { ...SENDER, birthDate: '19800102' } });
    expect(a.key).toBe(b.key);
    expect(a.key).not.toBe(c.key);
  });
});
