import type { PatientIdentity } from '../patient';
import type { TraumaDestination } from './traumaDestinations';

/**
 * An urgent transfer of an emergency-department trauma patient's images to the major trauma centre, by the on-call
 * radiologist, at any hour (guideline 2.1c, 2.8, Appendix 4). No approval step and no priority choice: it always
 * goes at clinical-emergency priority.
 */
export interface TraumaRequest {
  kind: 'trauma';
  /** Identified by local id (RWES/S number) and NHS number, or a reason why there is none (step 9). */
  patient: Omit<PatientIdentity, 'address'>;
  /** Required when the patient has no NHS number (Appendix 4, step 9). */
  noNhsNumberReason?: string;
  destination: TraumaDestination;
  /** The studies picked from the patient's PACS list ("Only send relevant imaging", step 12). */
  studyInstanceUids: string[];
  /** Attach the report to each study (step 13). */
  attachReport: boolean;
  /** The radiologist confirmed this is a trauma patient in ED: the agreement covers nobody else (2.1c). */
  edTraumaConfirmed: true;
  clinicalNote?: string;
}
