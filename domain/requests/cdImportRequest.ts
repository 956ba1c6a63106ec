import type { RequesterContact } from '../contacts';
import type { CdStudy } from '../exam';
import type { PatientIdentity } from '../patient';

/**
 * A request to upload images brought in on CD (Appendices 5 and 6). The service-desk call reference the form asks
 * for is issued by us when the request is logged, so it is not an input.
 */
export interface CdImportRequest {
  kind: 'cdImport';
  /** Address is present whenever the NHS number is not. */
  patient: PatientIdentity;
  /** The studies on the disc(s): date plus description or CRIS exam code. */
  exams: CdStudy[];
  /** How many CDs are in the envelope. */
  cdCount: number;
  /** Internal post address for returning the discs. */
  internalPostAddress: string;
  /** Urgent CDs are brought to County Hall by arrangement instead of waiting for Wednesday's collection (Appendix 5). */
  urgent: boolean;
  requester: RequesterContact;
  comments?: string;
}
