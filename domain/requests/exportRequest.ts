import type { ClinicalOwner, ExportDestination, RequesterContact } from '../contacts';
import type { RequestedExam } from '../exam';
import type { LocalDate } from '../localDate';
import type { PatientIdentity } from '../patient';
import type { ExportPriority, PriorityReason } from '../priority';

/** A request to send UHL images to another organisation (guideline 2.6, Appendix 3). */
export interface ExportRequest {
  kind: 'export';
  /** Address is present whenever the NHS number is not. */
  patient: PatientIdentity;
  exams: RequestedExam[];
  destination: ExportDestination;
  priority: ExportPriority;
  priorityReason: PriorityReason;
  /** Required when the reason is "Other". */
  priorityReasonDetail?: string;
  requiredBy: LocalDate;
  clinician: ClinicalOwner;
  requester: RequesterContact;
  comments?: string;
  additionalInstructions?: string;
}
