import { RELEASE_CONFIRMATION_MAX, STATUS_LABELS, TEXT_LIMITS, type FieldError, type RequestStatus } from '../domain';
import { decidedView, historyView, type CardDecision, type CardEvent, type CardInstant } from './cardEvents';
import { CALL_REF_RULE } from './clientRules';
import { escapeCardText } from './escape';
import { errorSummary } from './formFields';
import { renderTemplate, type AdaptiveCard } from './render';
import { CARD_VERBS } from './verbs';
import { formatCardDate, formatCardTime } from './words';

/**
 * Images that need an analyst: on IEP with no request or missing details (guideline 2.4), or held in quarantine by the
 * DICOM checks (wrong patient, no request on PAS...). No patient identifiers in the channel: the reasons say what is
 * wrong in general terms, and "Show patient details" sends the specifics 1:1.
 */
export interface ActionRequiredCardData {
  /** The IEP transaction or quarantine record the buttons act on (a hint: the bot re-reads it). */
  itemId: string;
  topic: 'unsolicitedImages' | 'quarantined';
  /** The request it belongs to, when known (quarantine). */
  requestId?: string;
  callRef?: string;
  status?: RequestStatus;
  receivedAt: CardInstant;
  sendingOrganisation?: string;
  studyCount?: number;
  modalities?: readonly string[];
  /** Why it needs a person, in plain words, e.g. "No request matches these images". */
  reasons: readonly string[];
  /** YYYY-MM-DD: cancel if nothing is established by then (2.4d: 2 weeks). */
  deadline?: string;
  history?: readonly CardEvent[];
  decision?: CardDecision;
  /** Problems with the last action, e.g. `{ field: 'matchCallRef', message: 'No request has that call reference.' }`. */
  errors?: readonly FieldError[];
  /**
   * Quarantine: what the DICOM checks found, by kind (codes, no values: the specifics go 1:1 with Show patient
   * details). Shown in plain words instead of `reasons` when given.
   */
  findings?: readonly HeldFindingKind[];
  /**
   * Quarantine: present when every finding is of a kind a person can settle by checking (the workers decide, the
   * server checks again): offers "Release to PACS". `version` names the findings (a hint the server compares).
   */
  release?: { version: string };
}

/** One finding of a held delivery, as the channel may see it. */
export interface HeldFindingKind {
  code: string;
  field?: string;
  against?: 'request' | 'pas';
}

const FIELD_WORDS: Record<string, string> = {
  patientName: "patient's name",
  birthDate: 'date of birth',
  nhsNumber: 'NHS number',
  patientId: 'patient ID',
  localPatientId: 'UHL patient ID',
};

/**
 * A finding in plain words for the channel, with no patient values (guideline: the channel shows only what it needs;
 * the values are in the 1:1 patient details).
 */
export function heldFindingWords(f: HeldFindingKind): string {
  const than = f.against === 'pas' ? 'PAS' : 'the request';
  const field = f.field ? (FIELD_WORDS[f.field] ?? f.field) : 'an identity field';
  switch (f.code) {
    case 'PATIENT_NAME_MISMATCH':
      return `The patient's name in the images differs from ${than}.`;
    case 'BIRTH_DATE_MISMATCH':
      return `The date of birth in the images differs from ${than}.`;
    case 'NHS_NUMBER_MISMATCH':
      return `The NHS number in the images differs from ${than}.`;
    case 'LOCAL_ID_MISMATCH':
      return `The images already carry another UHL patient ID than ${than}'s.`;
    case 'MULTIPLE_PATIENTS':
      return 'The images are of more than one patient.';
    case 'MISSING_IDENTITY':
      return `The ${field} is missing from the images.`;
    case 'GARBLED_IDENTITY':
      return `The ${field} in the images cannot be read.`;
    case 'STUDY_NOT_REQUESTED':
      return 'The images hold a study nobody asked for (date or modality not on the request).';
    case 'REQUEST_PAS_MISMATCH':
      return 'The request and PAS disagree about the patient.';
    case 'PATIENT_NOT_ON_PAS':
      return 'The patient is not registered on PAS (guideline 2.7d).';
    case 'UNREADABLE_INSTANCE':
      return 'Some files cannot be read or are unfit for PACS.';
    case 'MEDIA_INCOMPLETE':
      return 'The CD is incomplete or unreadable.';
    case 'DUPLICATE_INSTANCE':
      return 'The same image appears more than once.';
    case 'INCONSISTENT_STUDY':
      return 'The images of one study disagree on its date.';
    case 'NO_INSTANCES':
      return 'The delivery holds no images.';
    case 'FIX_UP_FAILED':
      return 'An image could not be rewritten with the UHL patient ID.';
    default:
      return 'A check on the images failed.';
  }
}

/**
 * Action required: Match to request (matchToRequest, input `matchCallRef`), Ask the sender (askSender), Cancel with a
 * required reason (cancelUnmatched), Show patient details (showPatientDetails). Data: { itemId, requestId, callRef }.
 * A quarantine whose findings a person can settle also offers Release to PACS (releaseQuarantine, input
 * `releaseConfirmation`, data + findingsVersion); one whose findings cannot be settled says why it is not offered.
 */
export function renderActionRequiredCard(data: ActionRequiredCardData): AdaptiveCard {
  const open = data.decision === undefined;
  const quarantined = data.topic === 'quarantined';
  const releasable = quarantined && data.release !== undefined;
  const reasons = quarantined && data.findings && data.findings.length > 0 ? [...new Set(data.findings.map(heldFindingWords))] : data.reasons;
  const facts = [
    ...(data.callRef ? [{ title: 'Call reference', value: escapeCardText(data.callRef) }] : []),
    ...(data.sendingOrganisation ? [{ title: 'From', value: escapeCardText(data.sendingOrganisation) }] : []),
    { title: 'Received', value: formatCardTime(data.receivedAt) },
    ...(data.studyCount !== undefined ? [{ title: 'Studies', value: String(data.studyCount) }] : []),
    ...(data.modalities && data.modalities.length > 0 ? [{ title: 'Modalities', value: escapeCardText(data.modalities.join(', ')) }] : []),
    ...(data.status ? [{ title: 'Status', value: STATUS_LABELS[data.status] }] : []),
  ];
  return renderTemplate('actionRequired', {
    title: data.topic === 'quarantined' ? 'Action required: images held in quarantine' : 'Action required: images on IEP with no request',
    introText:
      data.topic === 'quarantined'
        ? // Guideline 2.7d / issue 5: images go into PACS only when the patient is right.
          releasable
          ? 'These images were not put into PACS because a check on the patient failed. Check the patient details. If you have confirmed the images ARE this patient (for example a maiden name, or a date of birth the sender confirmed), release them to PACS; otherwise cancel the request with a reason (the requester is told).'
          : 'These images were not put into PACS because a check on the patient failed. Check the patient details; cancel the request with a reason (the requester is told), or ask the sender to fix and resend the images.'
        : 'Images arrived on IEP that match no request. Match them to a request, ask the sender for the details, or cancel.',
    itemId: data.itemId,
    // Matching and asking the sender are for images with no request; a held study belongs to its request already.
    unsolicited: data.topic === 'unsolicitedImages',
    cancelTitle: data.topic === 'quarantined' ? 'Cancel the request' : 'Cancel these images',
    requestId: data.requestId ?? '',
    callRef: data.callRef ?? '',
    open,
    summary: errorSummary(data.errors),
    facts,
    reasons: reasons.map((r) => ({ text: escapeCardText(r) })),
    releasable,
    findingsVersion: data.release?.version ?? '',
    // Why there is no Release button (issue 5: these are fixed at the source or cancelled, never released).
    noRelease: quarantined && !releasable && data.findings !== undefined,
    noReleaseText: 'Release to PACS is not offered: what the checks found (for example more than one patient, a study nobody asked for, unreadable files, or our own records disagreeing) is not settled by checking the patient.',
    hasDeadline: data.deadline !== undefined,
    deadlineText: data.deadline ? `If the details are not found by ${formatCardDate(data.deadline)} the images are cancelled (guideline 2.4d).` : '',
    decided: decidedView(data.decision),
    limits: { ...TEXT_LIMITS, releaseConfirmation: RELEASE_CONFIRMATION_MAX },
    history: historyView(data.history),
    rules: { callRef: CALL_REF_RULE },
    verbs: CARD_VERBS,
  });
}
