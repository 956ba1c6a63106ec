import { createPortal, type PortalOptions } from '../../../sandbox/iep-simulator/createPortal';
import type { NewRequestBody, NewTransferBody } from '../../../sandbox/iep-simulator/requestBodies';
import { MemoryArchive } from './memoryArchive';

export const T0 = Date.parse('2026-02-02T09:00:00Z');
export const MIN = 60_000;
export const DAY = 24 * 60 * MIN;
export const UHL_NODE = { aet: 'STAGING', host: '127.0.0.1', port: 11112 };

/** A portal on a manual clock at T0 over an in-memory archive, UHLPACSWFM01 delivering to a staging node. */
export function portalWith(archive: MemoryArchive, over: Partial<PortalOptions> = {}) {
  return createPortal({ archive, clock: { start: new Date(T0), mode: 'manual' }, deliveryTargets: { UHLPACSWFM01: UHL_NODE }, ...over });
}

let refSeq = 0;

/** An import request for the demo patient Amelia Hartwell (synthetic) from Kettering, CT head on 10 Jan 2026. */
export function requestBody(over: Partial<NewRequestBody> = {}): NewRequestBody {
  refSeq += 1;
  return {
    externalReference: `ITB-2026-${String(refSeq).padStart(6, '0')}`,
    institutionId: 'kgh',
    priority: 'Normal',
    deliveryNode: 'UHLPACSWFM01',
    patient: { familyName: 'HARTWELL', givenNames: ['Amelia'], birthDate: '1958-03-14', nhsNumber: '9992345675' },
    dicomHeaderPatientId: 'S1234567',
    exams: [{ studyDate: '2026-01-10', modality: 'CT', description: 'CT head' }],
    requestedBy: { clinician: 'Dr A Clinician', consultant: 'Dr B Consultant', department: 'Neurology' },
    ...over,
  };
}

/** A trauma transfer to NUH at clinical-emergency priority (Appendix 4). */
export function transferBody(uids: string[], over: Partial<NewTransferBody> = {}): NewTransferBody {
  refSeq += 1;
  return {
    externalReference: `ITB-2026-${String(refSeq).padStart(6, '0')}`,
    institutionId: 'nuh',
    priority: 'Clinical emergency',
    deliveryNode: 'NUH Radiology PACS',
    patient: { patientId: 'S3456789', familyName: 'OKONKWO-BRAY', givenNames: ['Tobias'], birthDate: '1999-07-21', nhsNumber: '9997037014' },
    studies: uids.map((studyInstanceUid) => ({ studyInstanceUid })),
    ...over,
  };
}
