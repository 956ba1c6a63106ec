import type { AcceptedFinding } from '../integrations/dicom/acceptedFindings';
import type { ExpectedPatient, PatientRewrite } from '../integrations/dicom';

/**
 * DICOM text we may write (printable ASCII, no backslash): accents dropped (NFKD), anything else a space. PAS names
 * are Latin letters, spaces, hyphens and apostrophes; this only guards the header.
 */
function dicomText(value: string): string {
  return value
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\x20-\x5b\x5d-\x7e]/g, ' ')
    .trim();
}

/**
 * The demographics a release writes over the sender's (IHE IRWF.b: coerced to the local values), for the fields the
 * analyst checked and accepted: the name when a name mismatch was accepted, the birth date when a birth-date mismatch
 * was. `uhl` is PAS's patient (the request's when PAS is not known; a release needs them to agree anyway, since
 * REQUEST_PAS_MISMATCH is never releasable). Undefined when nothing is to be coerced (an NHS number mismatch alone:
 * the sender's id moves to Other Patient IDs with its issuer, as on every import).
 */
export function releaseDemographics(accepted: readonly AcceptedFinding[], uhl: ExpectedPatient): PatientRewrite['demographics'] {
  const name = accepted.some((f) => f.code === 'PATIENT_NAME_MISMATCH');
  const birth = accepted.some((f) => f.code === 'BIRTH_DATE_MISMATCH');
  if (!name && !birth) return undefined;
  return {
    ...(name ? { patientName: `${dicomText(uhl.familyName).toUpperCase()}^${dicomText(uhl.givenName)}`.slice(0, 64) } : {}),
    ...(birth ? { birthDate: uhl.birthDate.replace(/-/g, '') } : {}),
  };
}
