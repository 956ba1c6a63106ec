import type { Priority } from '../../domain/priority';
import type { RequestKind } from '../../domain/requestKind';

/**
 * The IM&T service desk (Ivanti, formerly LANDesk) as the workflow sees it. Guideline 2.7a: the formal written request
 * for a transfer is "the correctly completed request form with the logged service request"; the logged request gives
 * the call reference that the requester is told (2.3g) and that every step is audited against. Section 4: compliance
 * is monitored from these records, so notes and the resolution are written back to them.
 *
 * What goes to the desk is ids, kind, priority and a one-line summary WITHOUT patient data; the completed form (with
 * the patient's details) stays in our encrypted store, found by `requestId`.
 */

/** Kinds of transfer: the domain's RequestKind. */
export type ServiceRequestKind = RequestKind;

/** Priority as logged: the domain's Priority, plus trauma's clinical emergency (Appendix 4, step 15). */
export type ServiceRequestPriority = Priority | 'clinicalEmergency';

export interface ServiceRequestToLog {
  /**
   * Our request id (store key). Idempotency key: logging the same id again returns the same call reference, because
   * a job that logs the request can run twice (BullMQ delivery is at least once).
   */
  requestId: string;
  kind: ServiceRequestKind;
  priority: ServiceRequestPriority;
  /**
   * One line for the desk, e.g. "IEP import from Nottingham University Hospitals: 2 exams, required by 2026-02-03".
   * Must not hold patient data: text that looks like an S number or an NHS number is refused.
   */
  summary: string;
}

export interface LoggedServiceRequest {
  callRef: string;
  /** When the desk first logged it (ISO 8601). */
  loggedAt: string;
  /** True when this requestId had been logged before and the existing call reference was returned. */
  alreadyLogged: boolean;
}

export interface ServiceDesk {
  /** Logs the service request and returns its call reference. Throws ServiceDeskError. */
  logRequest(request: ServiceRequestToLog): Promise<LoggedServiceRequest>;
  /** Adds a note (no patient data) to the logged request, e.g. "Images delivered to PACS". Throws ServiceDeskError. */
  addNote(callRef: string, note: string): Promise<void>;
  /** Resolves the request with a closing note. Resolving a resolved request does nothing. Throws ServiceDeskError. */
  resolve(callRef: string, resolution: string): Promise<void>;
}

export const SERVICE_REQUEST_KIND_LABELS: Record<ServiceRequestKind, string> = {
  import: 'IEP import',
  export: 'IEP export',
  trauma: 'Trauma transfer',
  cdImport: 'CD import',
};

export const SERVICE_REQUEST_PRIORITY_LABELS: Record<ServiceRequestPriority, string> = {
  blueLight: 'Blue Light',
  standard: 'Standard',
  batch: 'Batch',
  clinicalEmergency: 'Clinical emergency',
};
