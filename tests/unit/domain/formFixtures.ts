import { toLocalDate } from '../../../domain/localDate';
import type { ValidationContext } from '../../../domain/validation';

/** "Today" for these tests: a Monday in BST, so that any UTC parsing of dates would show up. */
export const today = toLocalDate('2026-06-15');
export const ctx: ValidationContext = { today };

/** A synthetic patient as a card submits it (NHS number from the 999 test range, Modulus 11 valid). */
export const patientInputs = {
  sNumber: 's1234567',
  nhsNumber: '999 000 0018',
  familyName: 'Testpatient',
  givenName: 'Alex',
  birthDate: '1970-04-01',
  address: '',
};

const requesterInputs = {
  requesterName: 'Dr Jo Example',
  requesterEmail: 'Jo.Example@nhs.example',
  requesterPhone: 'ext 18000',
};

const clinicianInputs = { requestingClinician: 'Dr Jo Example', consultant: 'Dr Sam Consultant', department: 'Orthopaedics' };

/** A complete, valid import form with flat card ids for two exam rows and a blank third row. */
export function importForm(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    verb: 'submitImport',
    ...patientInputs,
    'exams[0].date': '2026-05-02',
    'exams[0].description': 'CT head',
    'exams[0].examCode': 'ccthe',
    'exams[1].date': '2026-05-03',
    'exams[1].description': 'X-ray left wrist',
    'exams[1].examCode': '',
    'exams[2].date': '',
    'exams[2].description': '',
    'exams[2].examCode': '',
    sourceOrganisation: 'Kettering General Hospital NHS Foundation Trust',
    priority: 'standard',
    priorityReason: 'outpatientAppointment',
    priorityReasonDetail: '',
    requiredBy: '2026-06-30',
    ...clinicianInputs,
    ...requesterInputs,
    comments: '',
    ...overrides,
  };
}

/** A complete, valid export form. */
export function exportForm(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    verb: 'submitExport',
    ...patientInputs,
    'exams[0].date': '2026-05-02',
    'exams[0].description': 'MRI lumbar spine',
    destinationOrganisation: 'Nottingham University Hospitals NHS Trust',
    siteContactName: 'Pat Receiver',
    siteContactPosition: 'PACS manager',
    siteContactPhone: '0115 496 0123',
    siteContactEmail: 'pacs.team@nhs.example',
    priority: 'standard',
    priorityReason: 'mdtReferral',
    requiredBy: '2026-06-20',
    ...clinicianInputs,
    ...requesterInputs,
    ...overrides,
  };
}

/** A complete, valid trauma form as a radiologist's phone submits it. */
export function traumaForm(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    verb: 'sendTrauma',
    ...patientInputs,
    address: undefined,
    noNhsNumberReason: '',
    studyInstanceUids: '1.2.826.0.1.3680043.8.498.1,1.2.826.0.1.3680043.8.498.2',
    attachReport: 'true',
    edTraumaConfirmed: 'true',
    ...overrides,
  };
}

/** A complete, valid CD import form. */
export function cdForm(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    verb: 'submitCd',
    ...patientInputs,
    'exams[0].date': '2026-04-20',
    'exams[0].description': '',
    'exams[0].examCode': 'MBRAI',
    cdCount: '2',
    internalPostAddress: 'Ward 7, Leicester Royal Infirmary',
    urgent: 'false',
    ...requesterInputs,
    ...overrides,
  };
}

/** The message recorded against one field, or undefined. */
export function errorFor(result: { ok: boolean; errors?: readonly { field: string; message: string }[] }, field: string): string | undefined {
  return result.ok ? undefined : result.errors?.find((e) => e.field === field)?.message;
}
