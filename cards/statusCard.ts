import { STATUS_LABELS, canRequesterCancel, type RequestKind, type RequestStatus } from '../domain';
import type { CardInstant } from './cardEvents';
import { escapeCardText } from './escape';
import { renderTemplate, type AdaptiveCard } from './render';
import { CARD_VERBS } from './verbs';
import { KIND_SHORT_LABELS, formatCardTime } from './words';

/** One status the request passed through. */
export interface StatusStep {
  status: RequestStatus;
  at: CardInstant;
}

/** A request's status card, sent to the requester and updated in place as the status changes. */
export interface StatusCardData {
  requestId: string;
  callRef: string;
  kind: RequestKind;
  status: RequestStatus;
  /** Oldest first, as the store's Transition records give them. */
  timeline: readonly StatusStep[];
  /**
   * The bot's answer to "may this viewer cancel?" (the requester themself). The card also checks the domain rule
   * (canRequesterCancel: before processing starts), so a stale true never offers a Cancel it would refuse.
   */
  canCancel: boolean;
  /** What happens next, in plain words. */
  nextStep?: string;
  /** When this card was rendered (the "updated" line). */
  updatedAt?: CardInstant;
}

// Colours add emphasis; the status words carry the meaning.
function statusColor(status: RequestStatus): string {
  if (status === 'completed') return 'Good';
  if (['rejected', 'cancelled', 'iepFailed', 'iepDeclined', 'iepPurged', 'quarantined', 'needsInformation'].includes(status)) return 'Attention';
  return 'Default';
}

/** Status: now, next step, the timeline with times (STATUS_LABELS), Refresh (showStatus), Cancel (requestCancel) if allowed. */
export function renderStatusCard(data: StatusCardData): AdaptiveCard {
  const steps = [...data.timeline].sort((a, b) => new Date(a.at).getTime() - new Date(b.at).getTime());
  return renderTemplate('status', {
    title: `${escapeCardText(data.callRef)} · ${KIND_SHORT_LABELS[data.kind]}`,
    requestId: data.requestId,
    callRef: data.callRef,
    nowText: STATUS_LABELS[data.status],
    nowColor: statusColor(data.status),
    hasNextStep: Boolean(data.nextStep?.trim()),
    nextStep: data.nextStep ? escapeCardText(data.nextStep) : '',
    timeline: steps.map((s, i) => ({
      title: STATUS_LABELS[s.status] + (i === steps.length - 1 && s.status === data.status ? ' (now)' : ''),
      value: formatCardTime(s.at),
    })),
    updatedText: `Updated ${formatCardTime(data.updatedAt ?? steps[steps.length - 1]?.at ?? new Date())}`,
    canCancel: data.canCancel && canRequesterCancel(data.status),
    verbs: CARD_VERBS,
  });
}
