import type { ExpectedPatient } from '../integrations/dicom';

/** The synthetic patient of the DICOM benchmark (NHS number from the 999 test range). */
export const BENCH_EXPECTED_PATIENT: ExpectedPatient = {
  sNumber: 'S1234567',
  nhsNumber: '9990000018',
  familyName: 'Testpatient',
  givenName: 'Alpha',
  birthDate: '1980-01-01',
};
export const BENCH_OUR_ISSUER = 'UHL';
/** The same patient as the sending trust wrote them. */
export const BENCH_SENDER_PATIENT = { id: 'RXX0012345', issuer: 'RXX', name: 'TESTPATIENT^ALPHA', birthDate: '1980-01-01', nhsNumber: '9990000018' };
