import { IllegalTransitionError } from '../errors';
import type { RequestKind } from '../requestKind';
import type { RequestStatus } from './requestStatus';

type Edges = Partial<Record<RequestStatus, readonly RequestStatus[]>>;

// Every kind but trauma is logged with the service desk and then approved by an analyst (guideline 2.7a: a formal
// request is the completed form plus the logged service request). needsInformation covers 2.4 and 2.5b; after two
// weeks without the details the request is cancelled (2.4d).
const intakeWithApproval: Edges = {
  submitted: ['logged', 'cancelled'],
  logged: ['awaitingApproval', 'needsInformation', 'cancelled'],
  awaitingApproval: ['approved', 'rejected', 'needsInformation', 'cancelled'],
  needsInformation: ['awaitingApproval', 'rejected', 'cancelled'],
};

// Failed, Decline and Purged are re-processed with the requester (2.5b) or cancelled.
const reworkAfterIep: readonly RequestStatus[] = ['approved', 'needsInformation', 'cancelled'];

// The DICOM engine holds a study for an analyst (wrong patient, mismatched ids); the analyst releases it to PACS or
// cancels. Only inbound images (imports and CDs) go through it.
const quarantine: Edges = {
  quarantined: ['deliveredToPacs', 'cancelled'],
  deliveredToPacs: ['registeredOnRis', 'quarantined'],
  // guideline 2.2: every study uploaded to PACS is entered on RIS, one entry per exam (2.3f).
  registeredOnRis: ['completed'],
};

/*
 * IEP statuses arrive by polling, so intermediate ones can be missed: each step may move to any later one in its
 * direction's order, never back. Cancelling stays possible until the images have reached their destination.
 *
 * Import order (2.3b-f): New -> Started (sender uploading) -> On IEP -> Download Request (queued) -> Downloading ->
 * Delivered (in our PACS, failed-verification list).
 */
const importFlow: Edges = {
  ...intakeWithApproval,
  ...quarantine,
  approved: ['iepNew', 'cancelled'],
  iepNew: ['iepStarted', 'onIep', 'iepDownloadRequest', 'iepDownloading', 'iepDelivered', 'iepFailed', 'iepDeclined', 'cancelled'],
  iepStarted: ['onIep', 'iepDownloadRequest', 'iepDownloading', 'iepDelivered', 'iepFailed', 'iepDeclined', 'cancelled'],
  // Purged: not downloaded within 15 days, the images are gone from IEP.
  onIep: ['iepDownloadRequest', 'iepDownloading', 'iepDelivered', 'iepFailed', 'iepPurged', 'cancelled'],
  iepDownloadRequest: ['iepDownloading', 'iepDelivered', 'iepFailed', 'iepPurged', 'cancelled'],
  iepDownloading: ['iepDelivered', 'iepFailed', 'quarantined', 'cancelled'],
  iepDelivered: ['registeredOnRis', 'quarantined'],
  iepFailed: reworkAfterIep,
  // Decline: "Declined by sending Institution" (study not held, or clinically inappropriate, 2.5a).
  iepDeclined: reworkAfterIep,
  iepPurged: reworkAfterIep,
};

/**
 * Outbound order (2.6b, Appendix 4): New -> Started -> On IEP (the receiver may download) -> Delivered (in their PACS).
 * Once On IEP it is the receiving trust's job to download (Appendix 4, step 17), so On IEP may complete.
 */
const outboundIep: Edges = {
  iepNew: ['iepStarted', 'onIep', 'iepDelivered', 'iepFailed', 'cancelled'],
  iepStarted: ['onIep', 'iepDelivered', 'iepFailed', 'cancelled'],
  onIep: ['iepDelivered', 'iepFailed', 'iepPurged', 'completed'],
  iepDelivered: ['completed'],
};

const exportFlow: Edges = {
  ...intakeWithApproval,
  ...outboundIep,
  approved: ['iepNew', 'cancelled'],
  iepFailed: reworkAfterIep,
  iepPurged: reworkAfterIep,
};

// Trauma: no approval step, any hour (2.8). A failure is re-sent (back to logged) or, out of hours, a disc is burnt
// instead (Appendix 4, step 18) and the transfer cancelled.
const traumaFlow: Edges = {
  submitted: ['logged', 'cancelled'],
  logged: ['iepNew', 'cancelled'],
  ...outboundIep,
  iepFailed: ['logged', 'cancelled'],
  iepPurged: ['logged', 'cancelled'],
};

// CD import: no IEP. The disc is read through the DICOM engine into PACS, or held; an unreadable or unlabelled disc
// sends the request back to the requester (Appendix 6: "incomplete forms or unlabelled CDs will not be processed").
const cdImportFlow: Edges = {
  ...intakeWithApproval,
  ...quarantine,
  approved: ['deliveredToPacs', 'quarantined', 'needsInformation', 'cancelled'],
};

const FLOWS: Record<RequestKind, Edges> = { import: importFlow, export: exportFlow, trauma: traumaFlow, cdImport: cdImportFlow };

/** The statuses a request of this kind may move to from `from` (empty for terminal and unused statuses). */
export function allowedTransitions(kind: RequestKind, from: RequestStatus): readonly RequestStatus[] {
  return FLOWS[kind][from] ?? [];
}

/** True when the lifecycle allows `from` -> `to` for this kind. Staying in the same status is not a transition. */
export function canTransition(kind: RequestKind, from: RequestStatus, to: RequestStatus): boolean {
  return allowedTransitions(kind, from).includes(to);
}

/** Throws IllegalTransitionError unless `from` -> `to` is allowed for this kind. */
export function assertTransition(kind: RequestKind, from: RequestStatus, to: RequestStatus): void {
  if (!canTransition(kind, from, to)) throw new IllegalTransitionError(kind, from, to);
}

/** Where a failed, declined or purged transfer goes to be processed again: approved, or logged for trauma. */
export function reprocessStatus(kind: RequestKind): RequestStatus {
  return kind === 'trauma' ? 'logged' : 'approved';
}

// Before these, nothing has been asked of another organisation or of PACS.
const REQUESTER_CANCELLABLE: readonly RequestStatus[] = ['submitted', 'logged', 'awaitingApproval', 'needsInformation'];

/**
 * True while the requester may still cancel their own request: before processing starts (approval, or for trauma the
 * IEP transfer). Analysts may cancel later; the transition table says where.
 */
export function canRequesterCancel(status: RequestStatus): boolean {
  return REQUESTER_CANCELLABLE.includes(status);
}
