import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { operationOutcomeCode, readPatientSearch } from '../../../integrations/pas/fhirPatientSearch';

const SYSTEMS = { sNumberSystem: 'https://fhir.sandbox.itb.example/Id/s-number', nhsNumberSystem: 'https://fhir.nhs.uk/Id/nhs-number' };
const TODAY = '2026-01-05';
const fixture = (): any => JSON.parse(fs.readFileSync(path.join(__dirname, '../../fixtures/pas/searchset-one-patient.json'), 'utf8'));
const patientOf = (bundle: any): any => bundle.entry[0].resource;

describe('readPatientSearch (FHIR R4 Patient searchset)', () => {
  it('reads the demographics of the one matching patient, ignoring outcome entries, old names and old addresses', () => {
    expect(readPatientSearch(fixture(), 'S1234567', SYSTEMS, TODAY)).toEqual({
      kind: 'one',
      patient: {
        pasId: 'pas-0001',
        sNumber: 'S1234567',
        nhsNumber: '9992345675',
        familyName: 'HARTWELL',
        givenNames: ['Amelia', 'Rose'],
        birthDate: '1958-03-14',
        gender: 'female',
        address: { lines: ['12 Tinker Lane'], city: 'Leicester', district: 'Leicestershire', postalCode: 'LE1 9ZQ' },
        active: true,
      },
    });
  });

  it('matches the S number case-insensitively and returns it upper case', () => {
    const out = readPatientSearch(fixture(), 's1234567', SYSTEMS, TODAY);
    expect(out.kind === 'one' && out.patient.sNumber).toBe('S1234567');
  });

  it('answers none for an empty searchset (the patient is not registered)', () => {
    expect(readPatientSearch({ resourceType: 'Bundle', type: 'searchset', total: 0 }, 'S1234567', SYSTEMS, TODAY)).toEqual({ kind: 'none' });
    expect(readPatientSearch({ resourceType: 'Bundle', type: 'searchset', entry: [] }, 'S1234567', SYSTEMS, TODAY)).toEqual({ kind: 'none' });
  });

  it('reports two matches as many, and trusts `total` when the page holds fewer', () => {
    const two = fixture();
    two.entry.push({ ...two.entry[0], fullUrl: 'x' });
    two.total = 2;
    expect(readPatientSearch(two, 'S1234567', SYSTEMS, TODAY)).toEqual({ kind: 'many', count: 2 });
    const paged = fixture();
    paged.total = 3;
    expect(readPatientSearch(paged, 'S1234567', SYSTEMS, TODAY)).toEqual({ kind: 'many', count: 3 });
  });

  it('refuses a patient who does not carry the S number under the configured system (wrong-patient guard)', () => {
    const otherSystem = fixture();
    patientOf(otherSystem).identifier[0].system = 'urn:oid:1.2.3';
    expect(readPatientSearch(otherSystem, 'S1234567', SYSTEMS, TODAY)).toEqual({ kind: 'mismatch' });
    expect(readPatientSearch(fixture(), 'S7654321', SYSTEMS, TODAY)).toEqual({ kind: 'mismatch' });
  });

  it('leaves out the NHS number when PAS holds none, and the address when all are old', () => {
    const b = fixture();
    patientOf(b).identifier.splice(1, 1);
    patientOf(b).address = [{ use: 'old', line: ['x'], period: { end: '2020-01-01' } }];
    const out = readPatientSearch(b, 'S1234567', SYSTEMS, TODAY);
    expect(out.kind).toBe('one');
    if (out.kind === 'one') {
      expect(out.patient).not.toHaveProperty('nhsNumber');
      expect(out.patient).not.toHaveProperty('address');
    }
  });

  it('takes an address whose period ends today as current, and one that ended yesterday as not', () => {
    const b = fixture();
    patientOf(b).address = [{ use: 'home', line: ['Ending Today'], period: { end: TODAY } }];
    const today = readPatientSearch(b, 'S1234567', SYSTEMS, TODAY);
    expect(today.kind === 'one' && today.patient.address?.lines).toEqual(['Ending Today']);
    patientOf(b).address[0].period.end = '2026-01-04';
    const later = readPatientSearch(b, 'S1234567', SYSTEMS, TODAY);
    expect(later.kind === 'one' && later.patient.address).toBeUndefined();
  });

  it('passes on active = false (e.g. a merged record) so the caller can refuse it', () => {
    const b = fixture();
    patientOf(b).active = false;
    const out = readPatientSearch(b, 'S1234567', SYSTEMS, TODAY);
    expect(out.kind === 'one' && out.patient.active).toBe(false);
  });

  it.each([
    ['no family name', (p: any) => (p.name = [{ use: 'official', given: ['A'] }]), /no current family name/],
    ['a partial birth date', (p: any) => (p.birthDate = '1958-03'), /no full birth date/],
    ['no birth date', (p: any) => delete p.birthDate, /no full birth date/],
    ['a bad gender code', (p: any) => (p.gender = 'F'), /the Patient is invalid: gender: invalid_value/],
    ['given names that are not strings', (p: any) => (p.name[1].given = [1]), /the Patient is invalid: name\.1\.given\.0: invalid_type/],
  ])('calls a patient with %s malformed', (_label, spoil, problem) => {
    const b = fixture();
    spoil(patientOf(b));
    const out = readPatientSearch(b, 'S1234567', SYSTEMS, TODAY);
    expect(out.kind).toBe('malformed');
    expect(out.kind === 'malformed' && out.problem).toMatch(problem);
  });

  it.each([
    ['an OperationOutcome', { resourceType: 'OperationOutcome', issue: [] }, /resourceType "OperationOutcome", not a Bundle/],
    ['a history bundle', { resourceType: 'Bundle', type: 'history' }, /not a FHIR searchset Bundle: type: invalid_value/],
    ['null', null, /not a FHIR searchset Bundle/],
    ['an array', [1, 2], /not a FHIR searchset Bundle/],
  ])('calls %s malformed', (_label, body, problem) => {
    const out = readPatientSearch(body, 'S1234567', SYSTEMS, TODAY);
    expect(out.kind === 'malformed' && out.problem).toMatch(problem);
  });

  it('never throws and never echoes a value from the body in a problem (property)', () => {
    const canary = 'QUILLFEATHER-CANARY';
    const withCanary = fc.jsonValue().map((v) => ({ resourceType: 'Bundle', type: 'searchset', entry: [{ resource: { resourceType: 'Patient', name: [{ family: canary }], x: v } }], total: 1 }));
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), withCanary), (body) => {
        const out = readPatientSearch(body, 'S1234567', SYSTEMS, TODAY);
        if (out.kind === 'malformed') expect(out.problem).not.toContain(canary);
      }),
      { numRuns: 300 },
    );
  });
});

describe('operationOutcomeCode', () => {
  it('returns the first issue code of an OperationOutcome and nothing for free text or other bodies', () => {
    expect(operationOutcomeCode({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'security', diagnostics: 'S1234567' }] })).toBe('security');
    expect(operationOutcomeCode({ resourceType: 'OperationOutcome', issue: [{ code: 'S1234567 is unknown' }] })).toBeUndefined();
    expect(operationOutcomeCode({ resourceType: 'Patient' })).toBeUndefined();
    expect(operationOutcomeCode(undefined)).toBeUndefined();
  });
});
