import type { Actor } from './actor';
import type { CallRef } from './callRef';
import type { PriorityLane } from './jobPriority';
import type { RequestStatus } from './lifecycle/requestStatus';
import { isValidNhsNumber } from './nhsNumber';
import { FREE_TEXT_FIELDS, PATIENT_IDENTIFIER_FIELDS } from './patient';
import type { RequestKind } from './requestKind';

/** Why the DICOM engine held a study for an analyst. Codes only: the details stay in the store. */
export const QUARANTINE_REASONS = ['patientMismatch', 'noMatchingRequest', 'unreadable', 'missingIdentifiers', 'other'] as const;

/** One of QUARANTINE_REASONS. */
export type QuarantineReason = (typeof QUARANTINE_REASONS)[number];

/**
 * The non-identifying facts each audit event carries: counts, codes, statuses, field names. Never names, numbers,
 * dates of birth, addresses or anything a person typed (guideline 4: compliance is reviewed from these records, and
 * they are read by people who need not see the patient).
 */
export interface AuditFactsByType {
  'request.submitted': { kind: RequestKind; lane: PriorityLane; examCount: number };
  'request.validationFailed': { kind: RequestKind; fields: string[] };
  'request.logged': { kind: RequestKind };
  'request.statusChanged': { kind: RequestKind; from: RequestStatus; to: RequestStatus; why: string };
  /**
   * An approver changed a request's details before re-sending it (guideline 2.5b, Edit and re-send): which parts, in
   * words ("exam dates", "sending organisation"), never the values before or after (those stay sealed in the store).
   */
  'request.amended': { kind: RequestKind; fields: string[] };
  /** Someone opened the patient details (reads of patient data are audited too). */
  'request.viewed': { view: 'card' | 'details' };
  'iep.transactionCreated': { iepTransactionId: string; lane: PriorityLane };
  'iep.statusSeen': { iepStatus: string };
  /** Appendix 4 step 13: how many picked studies went with their report, and why the others did not. */
  'trauma.reportsAttached': { attached: number; notIssued: number; none: number; unavailable: number };
  /** An analyst retried the failed step of a request still mid-flow (steps: space-separated step names). */
  'flow.stepRetried': { steps: string; status: RequestStatus };
  'dicom.quarantined': { reason: QuarantineReason; studyCount: number };
  /**
   * An approver released a quarantined delivery to PACS after checking it: the finding codes they accepted
   * (space-separated, e.g. "PATIENT_NAME_MISMATCH") and how many findings. Who is the event's actor; how they
   * confirmed it is free text and stays sealed in the store.
   */
  'dicom.released': { codes: string; findings: number };
  'pacs.stored': { studyCount: number; instanceCount: number };
  'ris.registered': { examCount: number };
  'notification.sent': { audience: 'requester' | 'channel'; topic: string };
  'notification.failed': { audience: 'requester' | 'channel'; reason: string };
  /** An action refused by the server-side role check: what was tried, and the roles the person holds (space-separated). */
  'access.denied': { action: string; roles: string };
  /** The retention purge removed the patient identifiers; the call reference and these facts stay. */
  'request.identifiersPurged': { kind: RequestKind; retentionDays: number };
}

/** The audit event types. */
export type AuditEventType = keyof AuditFactsByType;

/** One audit record, appended to the request's audit stream; `at` is an ISO 8601 UTC instant. */
export type AuditEvent<T extends AuditEventType = AuditEventType> = {
  [K in T]: {
    type: K;
    at: string;
    actor: Actor;
    requestId: string;
    callRef?: CallRef;
    facts: AuditFactsByType[K];
  };
}[T];

/** Builds an audit event with its timestamp from the caller's clock. */
export function auditEvent<T extends AuditEventType>(
  type: T,
  who: { at: Date; actor: Actor; requestId: string; callRef?: CallRef },
  facts: AuditFactsByType[T],
): AuditEvent<T> {
  return {
    type,
    at: who.at.toISOString(),
    actor: who.actor,
    requestId: who.requestId,
    ...(who.callRef !== undefined ? { callRef: who.callRef } : {}),
    facts,
  } as AuditEvent<T>;
}

const IDENTIFYING_KEYS = new Set<string>([...PATIENT_IDENTIFIER_FIELDS, ...FREE_TEXT_FIELDS, 'address', 'name', 'patient']);
const S_NUMBER_LIKE = /\bS\d{7}\b/i;
const DATE_LIKE = /\b\d{4}-\d{2}-\d{2}\b/;
const TEN_DIGITS_LIKE = /\d[\d\s-]{8,14}\d/g;

/**
 * Names of facts that look as if they carry patient data: a patient field name, or a value shaped like an S number,
 * a date, or a Modulus-11-valid NHS number. A second line of defence for tests and the store's debug checks; it does
 * not throw, because an id can look like an NHS number by chance (1 in 11 ten-digit numbers pass the check).
 */
export function suspiciousAuditFacts(facts: Readonly<Record<string, unknown>>): string[] {
  return Object.entries(facts)
    .filter(([key, value]) => {
      if (IDENTIFYING_KEYS.has(key)) return true;
      const text = Array.isArray(value) ? value.join(' ') : typeof value === 'string' ? value : '';
      if (S_NUMBER_LIKE.test(text) || DATE_LIKE.test(text)) return true;
      return (text.match(TEN_DIGITS_LIKE) ?? []).some((candidate) => isValidNhsNumber(candidate));
    })
    .map(([key]) => key);
}
