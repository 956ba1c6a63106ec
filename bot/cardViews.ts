import { DECISION_REASONS, type AcceptedRequest, type RequestStatusView, type UnsolicitedImages } from '../app';
import type { ActionRequiredCardData, ApprovalCardData, CardDecision, CardEvent, ConfirmationCardData, InformationExchange, StatusCardData } from '../cards';
import { QUARANTINE_RELEASED_WHY, STATUS_LABELS, informationDeadline, londonLocalDate, type Actor, type Transition } from '../domain';
import type { StoredRequest } from '../store';
import { BOT_DISPLAY_NAME } from './staffNames';

/** Display names by Entra object id (StaffNames.lookup). */
export type NameBook = ReadonlyMap<string, string>;

/** The Entra ids named in a request's history and its requester: what to look up before rendering. */
export function peopleOf(request: { requester: string; history: readonly Transition[] }): string[] {
  return [request.requester, ...request.history.flatMap((t) => (t.by.type === 'user' ? [t.by.aadObjectId] : []))];
}

/** "Bronwen Achterberg", "Imaging Transfer Bot", or a neutral role word when the name is unknown. */
export function nameOf(actor: Actor, names: NameBook): string {
  if (actor.type === 'system') return BOT_DISPLAY_NAME;
  return names.get(actor.aadObjectId.toLowerCase()) ?? (actor.role === 'analyst' ? 'A service-desk analyst' : actor.role === 'radiologist' ? 'The radiologist' : 'The requester');
}

/** The confirmation card's data for an accepted request. */
export function confirmationData(accepted: AcceptedRequest): ConfirmationCardData {
  return {
    requestId: accepted.requestId,
    callRef: accepted.callRef,
    kind: accepted.kind,
    priority: accepted.lane,
    nextStep: accepted.outOfHours ? `${accepted.nextStep} ${accepted.outOfHours.note}` : accepted.nextStep,
    expected: accepted.expected,
    ...(accepted.outOfHours ? { outOfHours: { nextOpening: accepted.outOfHours.nextOpening } } : {}),
  };
}

// What each kind of change is called on channel cards.
const WHAT: Record<string, string> = {
  [DECISION_REASONS.approved]: 'Approved',
  [DECISION_REASONS.rejected]: 'Rejected',
  [DECISION_REASONS.informationRequested]: 'Asked the requester for information',
  [DECISION_REASONS.informationSupplied]: 'The requester answered',
  [DECISION_REASONS.cancelledByRequester]: 'Cancelled by the requester',
  [DECISION_REASONS.cancelledByAnalyst]: 'Cancelled',
  [DECISION_REASONS.reprocess]: 'Re-processed',
  [DECISION_REASONS.editedAndReprocessed]: 'Edited and re-sent',
};

function eventOf(t: Transition, names: NameBook): CardEvent {
  return { what: WHAT[t.why] ?? STATUS_LABELS[t.to], by: nameOf(t.by, names), at: t.at };
}

/** The question-and-answer pairs of a request (2.4a), in order: questions by analysts, answers by the requester. */
export function exchangesOf(history: readonly Transition[], names: NameBook): InformationExchange[] {
  const out: InformationExchange[] = [];
  for (const t of history) {
    if (t.why === DECISION_REASONS.informationRequested && t.note !== undefined) {
      out.push({ question: t.note, askedBy: nameOf(t.by, names), askedAt: t.at });
    } else if (t.why === DECISION_REASONS.informationSupplied && t.note !== undefined) {
      const open = [...out].reverse().find((x) => x.answer === undefined);
      if (open) Object.assign(open, { answer: t.note, answeredAt: t.at });
    }
  }
  return out;
}

const DECISIONS: Record<string, Pick<CardDecision, 'what' | 'tone'>> = {
  [DECISION_REASONS.approved]: { what: 'Approved', tone: 'good' },
  [DECISION_REASONS.rejected]: { what: 'Rejected', tone: 'attention' },
  [DECISION_REASONS.cancelledByRequester]: { what: 'Cancelled by the requester', tone: 'neutral' },
  [DECISION_REASONS.cancelledByAnalyst]: { what: 'Cancelled', tone: 'neutral' },
};

/** The decision that closed the approval step, once there is one (the latest approve, reject or cancel). */
export function decisionOf(request: StoredRequest, names: NameBook): CardDecision | undefined {
  if (['submitted', 'logged', 'awaitingApproval', 'needsInformation'].includes(request.status)) return undefined;
  const t = [...request.history].reverse().find((h) => DECISIONS[h.why] !== undefined);
  if (!t) return undefined;
  const d = DECISIONS[t.why]!;
  // A rejection's reason goes to the requester; on the channel card it is shown to the analysts who decided it.
  return { ...d, by: nameOf(t.by, names), at: t.at, ...(t.why === DECISION_REASONS.rejected && t.note ? { detail: t.note } : {}) };
}

/**
 * The channel's approval card for a stored request: only what the channel needs (no patient identifiers, and not the
 * free-text priority detail, which may mention the patient: "Show patient details" has it), the questions and
 * answers, who did what and when, and the decision once made.
 */
export function approvalData(request: StoredRequest, names: NameBook): ApprovalCardData {
  const body = request.request;
  const reason = body && (body.kind === 'import' || body.kind === 'export') ? body.priorityReason : undefined;
  const decision = decisionOf(request, names);
  return {
    requestId: request.id,
    callRef: request.callRef ?? 'not yet logged',
    kind: request.kind,
    priority: request.lane,
    ...(reason ? { priorityReason: reason } : {}),
    ...(request.organisation ? { organisation: request.organisation } : {}),
    requestedBy: names.get(request.requester.toLowerCase()) ?? 'The requester',
    examCount: request.examCount,
    ...(request.requiredBy ? { requiredBy: request.requiredBy } : {}),
    status: request.status,
    submittedAt: request.createdAt,
    exchanges: exchangesOf(request.history, names),
    history: request.history.filter((t) => t.by.type === 'user' || WHAT[t.why] !== undefined).map((t) => eventOf(t, names)),
    ...(decision ? { decision } : {}),
  };
}

/** The requester's status card. */
export function statusData(view: RequestStatusView, now: Date): StatusCardData {
  const r = view.request;
  return {
    requestId: r.id,
    callRef: r.callRef ?? 'not yet logged',
    kind: r.kind,
    status: r.status,
    timeline: [{ status: 'submitted', at: r.createdAt }, ...view.timeline.map((t) => ({ status: t.to, at: t.at }))],
    canCancel: view.canCancel,
    ...(nextStepOf(view) ? { nextStep: nextStepOf(view)! } : {}),
    updatedAt: now,
  };
}

/** Someone else's words inside our sentence: ends with one full stop, inside the quotes. */
function quoted(text: string): string {
  const t = text.trim();
  return /[.!?]$/.test(t) ? t : `${t}.`;
}

/** A status sentence with what went with a trauma transfer (e.g. "report attached to 2 of 3 studies ..."). */
function withTransferNote(view: RequestStatusView, sentence: string): string {
  return view.transferNote ? `${sentence} ${view.transferNote.charAt(0).toUpperCase()}${view.transferNote.slice(1)}.` : sentence;
}

function nextStepOf(view: RequestStatusView): string | undefined {
  switch (view.request.status) {
    case 'awaitingApproval':
      return 'A service-desk analyst will check and approve your request.';
    case 'needsInformation':
      return `The service desk asked: "${view.openQuestion ?? 'see their message'}". Answer on the question card, by ${informationDeadline(londonLocalDate(new Date(view.request.statusSince)))}, or the request is cancelled (guideline 2.4d).`;
    case 'approved':
      return 'Approved: the transfer is being set up on IEP.';
    case 'onIep':
      return withTransferNote(view, view.request.kind === 'import' ? 'The images are on IEP and will be downloaded into PACS.' : 'The images are on IEP for the receiving trust to download.');
    case 'iepNew':
    case 'iepStarted':
      return view.transferNote ? withTransferNote(view, 'The images are being sent on IEP.') : undefined;
    case 'rejected':
      return view.outcomeReason ? `Rejected by the service desk. Their reason: ${view.outcomeReason}` : 'Rejected by the service desk.';
    case 'iepDeclined':
      // Guideline 2.5a/b: the requester hears the sending trust's reason; the service desk reworks it with them.
      return `The sending trust declined the request${view.outcomeReason ? `: "${quoted(view.outcomeReason)}"` : '.'} The service desk will rework it with you and send it again, or contact you.`;
    case 'iepFailed':
      return `The IEP transfer failed${view.outcomeReason ? `: "${quoted(view.outcomeReason)}"` : '.'} The service desk has been told and will re-send it.${
        // Appendix 4 step 18: failed trauma images are resolved by IM&T; meanwhile, a CD.
        view.request.kind === 'trauma' ? ' If the images are needed before then, burn a CD for the patient.' : ''
      }`;
    case 'iepPurged':
      return 'IEP removed the images before they were downloaded (15 days). The service desk will ask the sending trust to send them again.';
    case 'deliveredToPacs':
    case 'registeredOnRis':
    case 'completed':
      // Issue 5: a held delivery released by an approver after a check; the requester sees that it was.
      return view.timeline.some((t) => t.why === QUARANTINE_RELEASED_WHY)
        ? "The images were held for a check on the patient's details, then released to UHL PACS after the service desk checked them."
        : undefined;
    default:
      return undefined;
  }
}

/**
 * The action-required card's data for images with no request (guideline 2.4), from the item as the workers hold it:
 * open (Match / Ask the sender / Cancel), asked (still open, with who asked when), or closed with who matched or
 * cancelled it and when. `reason` is the analyst's cancel reason from this turn (it is not kept anywhere else).
 */
export function unsolicitedCardData(
  item: UnsolicitedImages,
  names: NameBook,
  extra: { errors?: ActionRequiredCardData['errors']; reason?: string } = {},
): ActionRequiredCardData {
  const d = item.decision;
  const who = d ? (names.get(d.by.toLowerCase()) ?? 'A service-desk analyst') : BOT_DISPLAY_NAME;
  const history: CardEvent[] = [{ what: 'Arrived on IEP with no request', by: BOT_DISPLAY_NAME, at: item.receivedAt }];
  if (item.state === 'asked' || d?.what === 'askedSender') history.push({ what: 'Asked the sender for the details (guideline 2.4b)', by: who, at: d?.at ?? item.receivedAt });
  let decision: CardDecision | undefined;
  if (item.state === 'matched') {
    decision = { what: `Matched to ${d?.callRef ?? 'a request'}`, by: who, at: d?.at ?? item.receivedAt, tone: 'good' };
  } else if (item.state === 'cancelled') {
    decision =
      d?.what === 'cancelled'
        ? { what: 'Cancelled', by: who, at: d.at, tone: 'neutral', ...(extra.reason ? { detail: extra.reason } : {}) }
        : { what: 'Cancelled after 2 weeks without details (guideline 2.4d)', by: BOT_DISPLAY_NAME, at: d?.at ?? item.deadline, tone: 'neutral' };
  }
  return {
    itemId: item.itemId,
    topic: 'unsolicitedImages',
    receivedAt: item.receivedAt,
    sendingOrganisation: item.institutionName,
    studyCount: item.studyCount,
    modalities: item.modalities,
    reasons: ['No request matches these images (guideline 2.4).'],
    deadline: item.deadline,
    history,
    ...(decision ? { decision } : {}),
    ...(extra.errors ? { errors: extra.errors } : {}),
  };
}
