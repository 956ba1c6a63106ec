import type { PriorityLane, RequestKind } from '../domain';
import { escapeCardText } from './escape';
import { renderTemplate, type AdaptiveCard } from './render';
import { CARD_VERBS } from './verbs';
import { KIND_LABELS, LANE_LABELS } from './words';

/** What the requester sees once the request is logged. */
export interface ConfirmationCardData {
  requestId: string;
  callRef: string;
  kind: RequestKind;
  /** The queue lane (domain priorityLaneOf(request)): Blue Light, Standard, Clinical emergency, ... */
  priority: PriorityLane;
  /** What happens next, e.g. "An analyst checks and approves your request." */
  nextStep: string;
  /** When, e.g. "Blue Light: images within 4 hours of approval." */
  expected: string;
  /** When the service desk is closed now (domain isOpenFor): its next opening, e.g. "Sunday 08:00" (formatLondonWeekdayTime). */
  outOfHours?: { nextOpening: string };
}

/**
 * Confirmation: the call reference large (staff quote it on the phone), the next step and the expected time, and when
 * out of hours the next opening (guideline 2.9). Buttons: View status (showStatus), My requests (openMyRequests).
 */
export function renderConfirmationCard(data: ConfirmationCardData): AdaptiveCard {
  return renderTemplate('confirmation', {
    heading: 'Request received',
    requestId: data.requestId,
    callRef: data.callRef,
    callRefText: escapeCardText(data.callRef),
    facts: [
      { title: 'Request', value: KIND_LABELS[data.kind] },
      { title: 'Priority', value: LANE_LABELS[data.priority] },
      { title: 'Next step', value: escapeCardText(data.nextStep) },
      { title: 'Expected', value: escapeCardText(data.expected) },
    ],
    outOfHours: data.outOfHours
      ? {
          show: true,
          text: `The service desk is closed now. It opens again ${escapeCardText(data.outOfHours.nextOpening)}; your request waits safely until then.`,
        }
      : { show: false, text: '' },
    // guideline 2.3a: the service desk's phone number is x18000.
    quoteText: 'Quote the call reference if you contact the service desk (x18000). We will tell you here as it progresses.',
    verbs: CARD_VERBS,
  });
}
