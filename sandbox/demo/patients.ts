/**
 * Synthetic demo patients. Every value is invented: NHS numbers come from the 999 000 0000-999 999 9999 range that is
 * reserved for test data and still passes Modulus 11 (computed, checked in tests/unit/pas/demoPatients.test.ts);
 * S numbers are "S" + 7 digits, all 1-9 (guideline Appendix 7 says "digits 1-9", so no zeros); addresses are fictitious.
 *
 * The PAS stand-in serves the ones with `registeredOnPas`, Orthanc seeding and the Playground config read the rest.
 */
export interface DemoAddress {
  lines: readonly string[];
  city: string;
  postalCode: string;
}

export interface DemoPatient {
  /** A stable handle for tests and seed scripts ("canary", "noNhsNumber"...). Not a patient identifier. */
  key: string;
  /** FHIR Patient.id on the PAS stand-in. */
  pasId: string;
  sNumber: string;
  /** Absent for the patient who has none (guideline 2.3a: then the address is needed). */
  nhsNumber?: string;
  familyName: string;
  givenNames: readonly string[];
  /** FHIR administrative gender. */
  gender: 'male' | 'female' | 'other' | 'unknown';
  /** YYYY-MM-DD. */
  birthDate: string;
  address: DemoAddress;
  /** Guideline 2.7d: images go to PACS only for a patient registered on PatientCentre/HISS. */
  registeredOnPas: boolean;
  /** What the patient is for in demos and tests. */
  purpose: string;
}

/**
 * A name no real record will carry, so a leak test can grep every log line, job payload and error message for it.
 * The canary patient's S number and NHS number are as distinctive; see CANARY_MARKERS.
 */
export const CANARY_FAMILY_NAME = 'QUILLFEATHER-CANARY';

export const DEMO_PATIENTS: readonly DemoPatient[] = [
  {
    key: 'ameliaHartwell',
    pasId: 'pas-0001',
    sNumber: 'S1234567',
    nhsNumber: '9992345675',
    familyName: 'HARTWELL',
    givenNames: ['Amelia', 'Rose'],
    gender: 'female',
    birthDate: '1958-03-14',
    address: { lines: ['12 Tinker Lane'], city: 'Leicester', postalCode: 'LE1 9ZQ' },
    registeredOnPas: true,
    purpose: 'standard import from another trust (CT head)',
  },
  {
    key: 'dhruvPatelkar',
    pasId: 'pas-0002',
    sNumber: 'S2345678',
    nhsNumber: '9994691341',
    familyName: 'PATELKAR',
    givenNames: ['Dhruv'],
    gender: 'male',
    birthDate: '1983-11-02',
    address: { lines: ['Flat 4', '77 Mossgiel Road'], city: 'Leicester', postalCode: 'LE2 9ZX' },
    registeredOnPas: true,
    purpose: 'Blue Light import: due in theatre within hours',
  },
  {
    key: 'traumaPatient',
    pasId: 'pas-0003',
    sNumber: 'S3456789',
    nhsNumber: '9997037014',
    familyName: 'OKONKWO-BRAY',
    givenNames: ['Tobias'],
    gender: 'male',
    birthDate: '1999-07-21',
    address: { lines: ['3 Quarrymans Row'], city: 'Loughborough', postalCode: 'LE11 9ZT' },
    registeredOnPas: true,
    purpose: 'ED trauma patient for an out-of-hours transfer to NUH (Appendix 4)',
  },
  {
    key: 'noNhsNumber',
    pasId: 'pas-0004',
    sNumber: 'S4567891',
    familyName: 'VASQUEZ-LINDQVIST',
    givenNames: ['Marisol'],
    gender: 'female',
    birthDate: '1990-01-30',
    address: { lines: ['21 Ferrier Close'], city: 'Hinckley', postalCode: 'LE10 9ZW' },
    registeredOnPas: true,
    purpose: 'no NHS number (overseas visitor): the address must be given instead',
  },
  {
    key: 'export',
    pasId: 'pas-0005',
    sNumber: 'S5678912',
    nhsNumber: '9999382681',
    familyName: 'MCALLISTER',
    givenNames: ['Iona', 'Grace'],
    gender: 'female',
    birthDate: '1971-09-09',
    address: { lines: ['The Old Bakehouse', '5 Mill Yard'], city: 'Market Harborough', postalCode: 'LE16 9ZR' },
    registeredOnPas: true,
    purpose: 'export of UHL images to another trust (MDT referral)',
  },
  {
    key: 'elderly',
    pasId: 'pas-0006',
    sNumber: 'S6789123',
    nhsNumber: '9994074024',
    familyName: 'ABERNETHY',
    givenNames: ['Walter'],
    gender: 'male',
    birthDate: '1932-02-29',
    address: { lines: ['Rowan House Care Home', '9 Glebe Street'], city: 'Melton Mowbray', postalCode: 'LE13 9ZP' },
    registeredOnPas: true,
    purpose: 'CD import (Appendices 5 and 6); leap-day birth date',
  },
  {
    key: 'canary',
    pasId: 'pas-0007',
    sNumber: 'S7171717',
    nhsNumber: '9998765366',
    familyName: CANARY_FAMILY_NAME,
    givenNames: ['Zephyrine'],
    gender: 'other',
    birthDate: '1977-07-07',
    address: { lines: ['7 Canary Wharfside'], city: 'Oadby', postalCode: 'LE2 9ZC' },
    registeredOnPas: true,
    purpose: 'leak canary: grep logs, job payloads and error messages for CANARY_MARKERS',
  },
  {
    key: 'notRegistered',
    pasId: 'pas-0008',
    sNumber: 'S8912345',
    nhsNumber: '9991111034',
    familyName: 'FENWICK-ADEYEMI',
    givenNames: ['Noah'],
    gender: 'male',
    birthDate: '2004-05-18',
    address: { lines: ['40 Wharf Street North'], city: 'Coalville', postalCode: 'LE67 9ZL' },
    // Guideline 2.7d: images for this patient must not go to PACS until PAS registration is done (2.7e).
    registeredOnPas: false,
    purpose: 'not registered on PAS: the request must stop before PACS (guideline 2.7d)',
  },
];

/** Strings that must never appear in logs, job payloads or error messages. */
export const CANARY_MARKERS: readonly string[] = (() => {
  const canary = DEMO_PATIENTS.find((p) => p.key === 'canary');
  if (!canary?.nhsNumber) throw new Error('demo data: the canary patient is missing');
  return [canary.familyName, canary.givenNames[0] ?? '', canary.sNumber, canary.nhsNumber].filter((m) => m !== '');
})();

/** The demo patient with this key; throws for an unknown key so a typo in a test fails loudly. */
export function demoPatient(key: string): DemoPatient {
  const p = DEMO_PATIENTS.find((x) => x.key === key);
  if (!p) throw new Error(`no demo patient with key "${key}"`);
  return p;
}
