import type { IepStatusName } from '../../domain/lifecycle';

/**
 * The objects of the IEP integration contract (docs/iep-contract.md), as the workflow sees them. Sectra publishes no
 * API, so these are the shapes we ask an integration point to speak; the sandbox simulator speaks them too.
 * Patient data travels in these objects to and from IEP only: never put them in logs, errors or job payloads.
 */

/**
 * IEP's priorities (guideline Appendix 1 step 5: "Normal is the default. Batch is overnight transfers"; Appendix 4
 * step 15: "Set the priority to clinical emergency", which is what the forms call Blue Light).
 */
export const IEP_PRIORITIES = ['Normal', 'Batch', 'Clinical emergency'] as const;
export type IepPriority = (typeof IEP_PRIORITIES)[number];

/** The status names the guideline lists (Appendix 1 "Statuses"), spelt as IEP shows them. */
export type IepStatus = IepStatusName;

/** Statuses nothing leaves. */
export const IEP_FINAL_STATUSES: readonly IepStatus[] = ['Delivered', 'Failed', 'Decline', 'Purged'];

/** request: we ask an institution for images (import). transfer: images are sent to an institution (export). */
export type IepTransactionType = 'request' | 'transfer';

/** out: we created it. in: another institution created it for us (e.g. images with no request, guideline 2.4). */
export type IepDirection = 'out' | 'in';

/** An organisation on IEP, or one of its sites (e.g. "Nottingham City Hospital [Nottingham University Hospitals]"). */
export interface IepInstitution {
  id: string;
  name: string;
  /** The organisation a site belongs to. */
  parent?: { id: string; name: string };
  /** DICOM delivery nodes it receives on, e.g. "NUH Radiology PACS" (Appendix 4 step 14). */
  deliveryNodes: string[];
}

/** A patient as IEP holds them. Sent to IEP and read back; never logged. */
export interface IepPatient {
  /** The patient id at the institution that holds the images: ours (S number / RWES number) on a transfer. */
  patientId?: string;
  nhsNumber?: string;
  /** Appendix 4 step 9: "If there is no NHS number enter a reason". */
  noNhsNumberReason?: string;
  familyName: string;
  givenNames: string[];
  /** YYYY-MM-DD. */
  birthDate: string;
  sex?: 'M' | 'F' | 'O' | 'U';
  /** Needed when there is no NHS number (Appendix 1 step 2). */
  address?: { lines: string[]; city?: string; postalCode?: string };
}

/** One exam asked for. "All imaging" is not accepted (Appendix 2), so each names a date or a date range. */
export interface IepRequestedExam {
  /** YYYY-MM-DD, or use dateFrom/dateTo. */
  studyDate?: string;
  dateFrom?: string;
  dateTo?: string;
  /** DICOM modality, e.g. CT. */
  modality?: string;
  /** Type of study and body part, e.g. "CT head". */
  description?: string;
  accessionNumber?: string;
  examCode?: string;
}

/** Appendix 1 step 3: without the requesting clinician, consultant and department "your request may be declined". */
export interface IepRequestedBy {
  clinician: string;
  consultant: string;
  department: string;
  contact?: string;
}

/** A study carried by a transaction (no patient identifiers). */
export interface IepStudy {
  studyInstanceUid: string;
  /** YYYY-MM-DD, when known. */
  studyDate?: string;
  modalities: string[];
  description?: string;
  accessionNumber?: string;
  instances?: number;
  /** On a transfer: the sender attached a report to this study (Appendix 4 step 13). */
  reportAttached?: boolean;
}

/** Create request: import images from `institutionId` (guideline 2.3b, Appendix 1). */
export interface NewIepRequest {
  /** Ours (request id or call ref): the idempotency key. Creating again with it returns the same transaction. */
  externalReference: string;
  /** Where the images are. */
  institutionId: string;
  priority: IepPriority;
  /** Our delivery node, UHLPACSWFM01 (Appendix 1 step 5). */
  deliveryNode: string;
  patient: IepPatient;
  /** Appendix 1 step 4: the UHL Patient ID (S number) for the DICOM header. */
  dicomHeaderPatientId?: string;
  exams: IepRequestedExam[];
  requestedBy: IepRequestedBy;
  /** YYYY-MM-DD (Appendix 1 step 6). */
  requiredBy?: string;
  comments?: string;
}

/** Create transfer: export studies we placed on the IEP node to `institutionId` (guideline 2.6b, Appendix 4). */
export interface NewIepTransfer {
  externalReference: string;
  /** The destination, named in full on the form; its id here. */
  institutionId: string;
  priority: IepPriority;
  /** One of the destination's delivery nodes, e.g. "NUH Radiology PACS". */
  deliveryNode: string;
  patient: IepPatient;
  /** Appendix 4 step 12: "Only send relevant imaging"; step 13: the report may be attached. */
  studies: Array<{ studyInstanceUid: string; reportText?: string }>;
  /** Appendix 3: the site contact. */
  recipient?: { name: string; position?: string; phone?: string; email?: string };
  requiredBy?: string;
  comments?: string;
}

/** Why the sending institution declined (guideline 2.5a). */
export interface IepDecline {
  code: string;
  reason: string;
}

/** One IEP transaction. */
export interface IepTransaction {
  id: string;
  type: IepTransactionType;
  direction: IepDirection;
  /** Ours, for transactions we created. */
  externalReference?: string;
  /** The other party: the source of a request, the destination of a transfer, the sender of an incoming one. */
  institution: { id: string; name: string };
  priority: IepPriority;
  deliveryNode: string;
  status: IepStatus;
  /** ISO 8601. */
  statusChangedAt: string;
  createdAt: string;
  updatedAt: string;
  patient: IepPatient;
  dicomHeaderPatientId?: string;
  studies: IepStudy[];
  decline?: IepDecline;
  failure?: { reason: string };
  /** When the images leave IEP (15 days after On IEP, Appendix 1 "Purged"). */
  purgeAt?: string;
  deliveredAt?: string;
  messageCount: number;
}

/** What a create call returns. */
export interface IepCreated {
  transaction: IepTransaction;
  /** False when the external reference had been used before and the existing transaction came back. */
  created: boolean;
}

/** A message on a transaction (guideline 2.4b: "Contact remote/sending ... Hospital via IEP for the above details"). */
export interface IepMessage {
  id: string;
  /** ISO 8601. */
  at: string;
  author: { institutionId: string; name: string };
  text: string;
}

export interface NewIepMessage {
  text: string;
  /** Our idempotency key for the message: posting twice with it adds one message. */
  clientMessageId: string;
}

/** A decline reason IEP offers (guideline 2.5a). */
export interface IepDeclineReason {
  code: string;
  text: string;
}

/** Filters for the list of incoming transactions. */
export interface IepIncomingQuery {
  status?: IepStatus;
  /** ISO 8601: only transactions changed at or after this. */
  updatedSince?: string;
}
