import type { LocalDate } from './localDate';
import type { NhsNumber } from './nhsNumber';

/**
 * Who the images belong to, as every request names them (guideline 2.7d: S number, NHS number if available, name,
 * address, date of birth). This object is patient data: the store encrypts it, the logger redacts it, and it never
 * goes into a job payload, an audit event or an error message.
 */
export interface PatientIdentity {
  /** Local hospital number, upper-case; `S` + 7 digits at UHL (the trauma appendix's "RWES number"). */
  sNumber: string;
  /** 10 digits, Modulus 11 checked. Absent when the requester does not have it (then `address` is required). */
  nhsNumber?: NhsNumber;
  familyName: string;
  givenName: string;
  birthDate: LocalDate;
  /** Postal address, multi-line plain text. */
  address?: string;
}

/** Every field of PatientIdentity: all of them identify the patient, so the store encrypts and the logger redacts them. */
export const PATIENT_IDENTIFIER_FIELDS = ['sNumber', 'nhsNumber', 'familyName', 'givenName', 'birthDate', 'address'] as const;

/** One of PATIENT_IDENTIFIER_FIELDS. */
export type PatientIdentifierField = (typeof PATIENT_IDENTIFIER_FIELDS)[number];

/**
 * Request fields that are free text a person typed and may therefore carry patient details in passing (a note such
 * as "Mrs X's scan from March"). Treat them like identifiers: encrypted at rest, never logged.
 */
export const FREE_TEXT_FIELDS = [
  'comments',
  'additionalInstructions',
  'noNhsNumberReason',
  'priorityReasonDetail',
  'clinicalNote',
  'internalPostAddress',
] as const;

// Compile-time guard: adding a field to PatientIdentity without listing it here is a type error.
type Unlisted = Exclude<keyof PatientIdentity, PatientIdentifierField>;
const everyPatientFieldListed: Unlisted extends never ? true : never = true;
void everyPatientFieldListed;
