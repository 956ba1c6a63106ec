import {
  DEFAULT_TRAUMA_DESTINATION_ID,
  TRAUMA_DESTINATIONS,
  toLocalDate,
  type Actor,
  type CdImportRequest,
  type ExportRequest,
  type ImportRequest,
  type NhsNumber,
  type PatientIdentity,
  type TraumaRequest,
} from '../../../domain';
import { demoPatient, demoUser } from '../../../sandbox/demo';

/** A demo patient as the domain's PatientIdentity (synthetic: NHS numbers from the 999 test range). */
export function patientOf(key: string): PatientIdentity {
  const p = demoPatient(key);
  return {
    sNumber: p.sNumber,
    ...(p.nhsNumber !== undefined ? { nhsNumber: p.nhsNumber as NhsNumber } : {}),
    familyName: p.familyName,
    givenName: p.givenNames[0]!,
    birthDate: toLocalDate(p.birthDate),
    address: [...p.address.lines, p.address.city, p.address.postalCode].join('\n'),
  };
}

export const clinician = demoUser('clinician');
export const analyst = demoUser('analyst');
export const radiologist = demoUser('radiologist');

export const requesterActor: Actor = { type: 'user', aadObjectId: clinician.aadObjectId, role: 'requester' };
export const analystActor: Actor = { type: 'user', aadObjectId: analyst.aadObjectId, role: 'analyst' };
export const systemActor: Actor = { type: 'system', component: 'iep-watch' };

const requester = { name: clinician.displayName, email: clinician.email, phone: clinician.phone };

/**
 * An import for `patientKey` (default: the canary, whose name, S number and NHS number are grep-able markers). The
 * free-text comment repeats the identifiers, as people do, so a test can prove free text is sealed too.
 */
export function importRequest(patientKey = 'canary', over: Partial<ImportRequest> = {}): ImportRequest {
  const patient = patientOf(patientKey);
  return {
    kind: 'import',
    patient,
    exams: [
      { date: toLocalDate('2026-02-11'), description: 'CT head', examCode: 'CCTHE' },
      { date: toLocalDate('2026-02-12'), description: 'X-ray left wrist' },
    ],
    sourceOrganisation: 'Kettering General Hospital NHS Foundation Trust',
    priority: 'standard',
    priorityReason: 'outpatientAppointment',
    requiredBy: toLocalDate('2026-03-20'),
    clinician: { requestingClinician: clinician.displayName, consultant: 'Dr Sam Consultant', department: 'Neurology' },
    requester,
    comments: `Please hurry: ${patient.givenName} ${patient.familyName} (${patient.sNumber}, NHS ${patient.nhsNumber ?? 'none'}) is in clinic`,
    ...over,
  };
}

/** An export for `patientKey`. */
export function exportRequest(patientKey = 'export'): ExportRequest {
  return {
    kind: 'export',
    patient: patientOf(patientKey),
    exams: [{ date: toLocalDate('2026-01-05'), description: 'MRI lumbar spine' }],
    destination: {
      organisation: 'Nottingham University Hospitals NHS Trust',
      contactName: 'Pat Receiver',
      contactPosition: 'PACS Manager',
      contactPhone: '0115 000 0000',
      contactEmail: 'pacs@nuh-demo.example',
    },
    priority: 'blueLight',
    priorityReason: 'blueLightEmergency',
    requiredBy: toLocalDate('2026-03-02'),
    clinician: { requestingClinician: clinician.displayName, consultant: 'Dr Sam Consultant', department: 'Neurology' },
    requester,
  };
}

/** A trauma transfer for `patientKey`. */
export function traumaRequest(patientKey = 'traumaPatient'): TraumaRequest {
  const { address: _address, ...patient } = patientOf(patientKey);
  return {
    kind: 'trauma',
    patient,
    destination: TRAUMA_DESTINATIONS.find((d) => d.id === DEFAULT_TRAUMA_DESTINATION_ID)!,
    studyInstanceUids: ['1.2.826.0.1.3680043.8.498.1', '1.2.826.0.1.3680043.8.498.2', '1.2.826.0.1.3680043.8.498.3'],
    attachReport: true,
    edTraumaConfirmed: true,
  };
}

/** A CD import for `patientKey`. */
export function cdImportRequest(patientKey = 'elderly'): CdImportRequest {
  return {
    kind: 'cdImport',
    patient: patientOf(patientKey),
    exams: [{ date: toLocalDate('2025-12-01'), examCode: 'XCHES' }],
    cdCount: 2,
    internalPostAddress: 'Ward 7, Leicester Royal Infirmary',
    urgent: true,
    requester,
  };
}
