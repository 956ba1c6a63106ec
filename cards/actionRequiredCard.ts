import { STATUS_LABELS, TEXT_LIMITS, type FieldError, type RequestStatus } from '../domain';
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
}

/**
 * Action required: Match to request (matchToRequest, input `matchCallRef`), Ask the sender (askSender), Cancel with a
 * required reason (cancelUnmatched), Show patient details (showPatientDetails). Data: { itemId, requestId, callRef }.
 */
export function renderActionRequiredCard(data: ActionRequiredCardData): AdaptiveCard {
  const open = data.decision === undefined;
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
        ? // Guideline 2.7d / issue 5: a held study never reaches PACS from here; releasing one needs the service-desk lead.
          'These images were not put into PACS because a check on the patient failed. Check the patient details; cancel the request with a reason (the requester is told), or ask the service-desk lead to release the images if the check was wrong.'
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
    reasons: data.reasons.map((r) => ({ text: escapeCardText(r) })),
    hasDeadline: data.deadline !== undefined,
    deadlineText: data.deadline ? `If the details are not found by ${formatCardDate(data.deadline)} the images are cancelled (guideline 2.4d).` : '',
    decided: decidedView(data.decision),
    limits: TEXT_LIMITS,
    history: historyView(data.history),
    rules: { callRef: CALL_REF_RULE },
    verbs: CARD_VERBS,
  });
}
