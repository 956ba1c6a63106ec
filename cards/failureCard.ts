import { STATUS_LABELS, TEXT_LIMITS, type RequestKind, type RequestStatus } from '../domain';
import { decidedView, historyView, type CardDecision, type CardEvent, type CardInstant } from './cardEvents';
import { escapeCardText } from './escape';
import { renderTemplate, type AdaptiveCard } from './render';
import { CARD_VERBS } from './verbs';
import { KIND_SHORT_LABELS, formatCardTime } from './words';

/** A transfer that failed, was declined by the sending trust, or was purged from IEP (guideline 2.5). */
export interface FailureCardData {
  requestId: string;
  callRef: string;
  kind: RequestKind;
  /** Usually iepFailed, iepDeclined or iepPurged. */
  status: RequestStatus;
  /** IEP's decline reason or the failure, in words (no patient data). */
  reason: string;
  at: CardInstant;
  organisation?: string;
  history?: readonly CardEvent[];
  decision?: CardDecision;
  /** Offer "Edit and re-send" (imports and exports: what IEP declines can be reworked, 2.5b). Default: by kind. */
  editable?: boolean;
}

/**
 * Failure / decline card in the channel: Re-process (reprocess), Back to requester with a message (returnToRequester,
 * input `question`), Cancel with a reason (cancelRequest, input `reason`) (2.5b), and for imports and exports Edit and
 * re-send (openEditRequest: the bot answers with the edit card). Updated in place once decided.
 */
export function renderFailureCard(data: FailureCardData): AdaptiveCard {
  const open = data.decision === undefined;
  const declined = data.status === 'iepDeclined';
  const advice =
    data.kind === 'trauma'
      ? // Appendix 4 step 18: failed images are resolved by IM&T; out of hours, burn a CD.
        'Trauma transfer: if the images are needed before this is fixed, burn a CD for the patient.'
      : declined
        ? 'The sending trust declined (study not held, or clinically inappropriate). Rework the request with the requester.'
        : '';
  return renderTemplate('failure', {
    title: `${declined ? 'Declined' : data.status === 'iepPurged' ? 'Purged from IEP' : 'Transfer failed'}: ${escapeCardText(data.callRef)}`,
    requestId: data.requestId,
    callRef: data.callRef,
    open,
    editable: open && (data.editable ?? (data.kind === 'import' || data.kind === 'export')),
    facts: [
      { title: 'Request', value: KIND_SHORT_LABELS[data.kind] },
      ...(data.organisation ? [{ title: data.kind === 'import' ? 'From' : 'To', value: escapeCardText(data.organisation) }] : []),
      { title: 'Status', value: STATUS_LABELS[data.status] },
      { title: 'When', value: formatCardTime(data.at) },
    ],
    reasonHeading: declined ? 'Reason given by the sending trust' : 'What went wrong',
    reason: escapeCardText(data.reason),
    hasAdvice: advice !== '',
    adviceText: advice,
    decided: decidedView(data.decision),
    history: historyView(data.history),
    limits: TEXT_LIMITS,
    verbs: CARD_VERBS,
  });
}
