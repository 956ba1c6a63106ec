import { STATUS_LABELS, canRequesterCancel, type RequestKind, type RequestStatus } from '../domain';
import { decidedView, type CardDecision } from './cardEvents';
import { escapeCardText } from './escape';
import { renderTemplate, type AdaptiveCard } from './render';
import { CARD_VERBS } from './verbs';
import { KIND_SHORT_LABELS } from './words';

/** The request the requester asked to cancel. */
export interface CancelConfirmCardData {
  requestId: string;
  callRef: string;
  kind: RequestKind;
  status: RequestStatus;
  /** Set after "Yes" or "No": the card is updated in place without buttons. */
  decision?: CardDecision;
}

/**
 * Confirm cancel: "Yes, cancel it" (confirmCancel) or "No, keep it" (keepRequest). Only before processing starts
 * (domain canRequesterCancel); otherwise the card explains why not and offers no buttons. The bot still re-checks the
 * status and that the clicker is the requester when the answer comes.
 */
export function renderCancelConfirmCard(data: CancelConfirmCardData): AdaptiveCard {
  const allowed = canRequesterCancel(data.status);
  const ref = escapeCardText(data.callRef);
  return renderTemplate('cancelConfirm', {
    title: allowed ? `Cancel ${ref}?` : `${ref} can no longer be cancelled here`,
    requestId: data.requestId,
    callRef: data.callRef,
    open: allowed && data.decision === undefined,
    bodyText: allowed
      ? `This stops your ${KIND_SHORT_LABELS[data.kind].toLowerCase()} request before anyone starts on it. You cannot undo this: you would need to send a new request.`
      : `Processing has started (status: ${STATUS_LABELS[data.status]}). To stop it, call the service desk on x18000 and quote ${ref}.`,
    decided: decidedView(data.decision),
    verbs: CARD_VERBS,
  });
}
