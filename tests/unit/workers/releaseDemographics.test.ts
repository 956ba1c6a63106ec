import type { AcceptedFinding } from '../../../integrations/dicom/acceptedFindings';
import { releaseDemographics } from '../../../workers/releaseDemographics';

const UHL = { sNumber: 'S1234567', familyName: 'Tester', givenName: 'Ann Marie', birthDate: '1980-01-01' };
const f = (code: AcceptedFinding['code']): AcceptedFinding => ({ code, text: code });

describe('releaseDemographics: only the fields the analyst checked get UHL values', () => {
  it('a name mismatch: the name (DICOM PN, family upper case), not the birth date', () => {
    expect(releaseDemographics([f('PATIENT_NAME_MISMATCH')], UHL)).toEqual({ patientName: 'TESTER^Ann Marie' });
  });
  it('a birth-date mismatch: the birth date as DA', () => {
    expect(releaseDemographics([f('BIRTH_DATE_MISMATCH')], UHL)).toEqual({ birthDate: '19800101' });
  });
  it('both', () => {
    expect(releaseDemographics([f('PATIENT_NAME_MISMATCH'), f('BIRTH_DATE_MISMATCH')], UHL)).toEqual({ patientName: 'TESTER^Ann Marie', birthDate: '19800101' });
  });
  it('an NHS number mismatch alone coerces nothing (the sender ids move to Other Patient IDs as on every import)', () => {
    expect(releaseDemographics([f('NHS_NUMBER_MISMATCH')], UHL)).toBeUndefined();
  });
  it('accents are dropped and a backslash never reaches the header', () => {
    expect(releaseDemographics([f('PATIENT_NAME_MISMATCH')], { ...UHL, familyName: 'Brontë\\X', givenName: 'Zoë' })).toEqual({ patientName: 'BRONTE X^Zoe' });
  });
});
