/**
 * The patient administration system (PatientCentre/HISS) as the workflow sees it: is this S number registered, and
 * what are the patient's demographics. Guideline 2.2 and 2.7(d, e): images go to PACS only for a patient already
 * registered on PAS, and "the presence of a recognised S number ... indicates that there is an existing registration".
 */
export interface PasAddress {
  lines: string[];
  city?: string;
  district?: string;
  postalCode?: string;
}

/** One registered patient, as PAS holds them. */
export interface PasPatient {
  /** PAS's own resource id (FHIR Patient.id), for audit and follow-up reads. */
  pasId?: string;
  /** UHL hospital number: "S" + 7 digits, as searched for (upper case). */
  sNumber: string;
  /** 10 digits without spaces, when PAS holds one. */
  nhsNumber?: string;
  familyName: string;
  givenNames: string[];
  /** YYYY-MM-DD. */
  birthDate: string;
  gender?: 'male' | 'female' | 'other' | 'unknown';
  /** The current home address (guideline 2.3a asks for it; it is required when there is no NHS number). */
  address?: PasAddress;
  /**
   * False when PAS marks the record as not in active use (FHIR Patient.active = false, e.g. merged into another). The
   * caller should treat that as "not registered" and ask the registration team (guideline 2.7e).
   */
  active: boolean;
}

/** Ids that travel with a look-up so a failure can be traced; never patient data. */
export interface PasLookupContext {
  callRef?: string;
}

export interface PasClient {
  /**
   * The patient registered under this S number, or undefined when PAS has none.
   * Throws a PasError (see ./errors) for every failure; `retryable` says whether to try again.
   */
  findBySNumber(sNumber: string, ctx?: PasLookupContext): Promise<PasPatient | undefined>;
}

/** NHS England's identifier system for the NHS number. */
export const NHS_NUMBER_SYSTEM = 'https://fhir.nhs.uk/Id/nhs-number';

/** "S" + 7 digits (MISSION; guideline Appendix 7, "S Number"). Case-insensitive on the S. */
export const S_NUMBER_PATTERN = /^[Ss]\d{7}$/;
