import type { ClinicalOwner, RequesterContact } from '../contacts';
import type { RequestedExam } from '../exam';
import type { LocalDate } from '../localDate';
import type { PatientIdentity } from '../patient';
import type { Priority, PriorityReason } from '../priority';

/** A request for images held by another organisation (guideline 2.3, Appendix 2). */
export interface ImportRequest {
  kind: 'import';
  /** Address is present whenever the NHS number is not. */
  patient: PatientIdentity;
  /** At least one, each named and dated: "All imaging" is refused (Appendix 2). */
  exams: RequestedExam[];
  /** The trust or hospital the images come from, in full. */
  sourceOrganisation: string;
  priority: Priority;
  priorityReason: PriorityReason;
  /** Required when the reason is "Other". */
  priorityReasonDetail?: string;
  /** The date the images are needed by; today or later when submitted. */
  requiredBy: LocalDate;
  clinician: ClinicalOwner;
  requester: RequesterContact;
  comments?: string;
}
