import {
  PRIORITY_REASON_LABELS,
  TEXT_LIMITS,
  STATUS_LABELS,
  type PriorityLane,
  type PriorityReason,
  type RequestKind,
  type RequestStatus,
} from '../domain';
import { decidedView, historyView, type CardDecision, type CardEvent, type CardInstant } from './cardEvents';
import { escapeCardText } from './escape';
import { renderTemplate, type AdaptiveCard } from './render';
import { CARD_VERBS } from './verbs';
import { KIND_SHORT_LABELS, LANE_LABELS, formatCardDate, formatCardTime } from './words';

/** A question an analyst asked the requester, and the answer once it came back. */
export interface InformationExchange {
  question: string;
  askedBy: string;
  askedAt: CardInstant;
  answer?: string;
  answeredAt?: CardInstant;
}

/**
 * The approval card in the service-desk channel. Only what the channel needs: no patient identifiers (those go 1:1 to
 * an authorised approver through "Show patient details").
 */
export interface ApprovalCardData {
  requestId: string;
  callRef: string;
  kind: RequestKind;
  priority: PriorityLane;
  priorityReason?: PriorityReason;
  /** The requester's words when the reason is "Other". */
  priorityReasonDetail?: string;
  /** The trust: where the images come from (import) or go to (export). */
  organisation?: string;
  /** Display name of the requester (Teams). */
  requestedBy: string;
  examCount: number;
  /** YYYY-MM-DD (London). */
  requiredBy?: string;
  status: RequestStatus;
  submittedAt: CardInstant;
  exchanges?: readonly InformationExchange[];
  history?: readonly CardEvent[];
  /** Set once approved, rejected or cancelled: the card is then updated in place without buttons. */
  decision?: CardDecision;
}

// Buttons show while a decision is still to be made (needsInformation too: an analyst may decide without the answer).
const OPEN_STATUSES: readonly RequestStatus[] = ['submitted', 'logged', 'awaitingApproval', 'needsInformation'];

/**
 * Approve (approve), Reject with a required reason (reject), Needs information with a required question
 * (askForInformation), Show patient details (showPatientDetails). Every action's data carries requestId and callRef.
 */
export function renderApprovalCard(data: ApprovalCardData): AdaptiveCard {
  const open = data.decision === undefined && OPEN_STATUSES.includes(data.status);
  const reason = data.priorityReason ? PRIORITY_REASON_LABELS[data.priorityReason] : undefined;
  const detail = data.priorityReasonDetail?.trim() ? escapeCardText(data.priorityReasonDetail.trim()) : undefined;
  const facts = [
    { title: 'Call reference', value: escapeCardText(data.callRef) },
    { title: 'Request', value: KIND_SHORT_LABELS[data.kind] },
    { title: 'Priority', value: LANE_LABELS[data.priority] },
    ...(reason ? [{ title: 'Reason', value: detail ? `${reason}: ${detail}` : reason }] : []),
    ...(data.organisation ? [{ title: data.kind === 'export' ? 'To' : 'From', value: escapeCardText(data.organisation) }] : []),
    { title: 'Requested by', value: escapeCardText(data.requestedBy) },
    { title: 'Exams', value: String(data.examCount) },
    ...(data.requiredBy ? [{ title: 'Needed by', value: formatCardDate(data.requiredBy) }] : []),
    { title: 'Submitted', value: formatCardTime(data.submittedAt) },
    { title: 'Status', value: STATUS_LABELS[data.status] },
  ];
  return renderTemplate('approval', {
    title: open ? `Approval needed: ${escapeCardText(data.callRef)}` : `${escapeCardText(data.callRef)}: ${STATUS_LABELS[data.status]}`,
    requestId: data.requestId,
    callRef: data.callRef,
    open,
    blueLight: data.priority === 'blueLight' && open,
    // guideline 2.3a and the 4-hour Blue Light target.
    blueLightText: 'Blue Light: the images are needed within 4 hours.',
    facts,
    exchanges: (data.exchanges ?? []).map((x) => ({
      askedText: `Question from ${escapeCardText(x.askedBy)} at ${formatCardTime(x.askedAt)}`,
      question: escapeCardText(x.question),
      hasAnswer: x.answer !== undefined,
      answerHeading: x.answer !== undefined ? `Answer${x.answeredAt ? ` at ${formatCardTime(x.answeredAt)}` : ''}` : "Waiting for the requester's answer",
      answer: x.answer !== undefined ? escapeCardText(x.answer) : '',
    })),
    decided: decidedView(data.decision),
    privacyText: 'Patient details are not shown in the channel. "Show patient details" sends them to you privately if you are an approver.',
    limits: TEXT_LIMITS,
    history: historyView(data.history),
    verbs: CARD_VERBS,
  });
}
