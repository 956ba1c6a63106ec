import { STATUS_LABELS, type RequestKind, type RequestStatus } from '../domain';
import type { CardInstant } from './cardEvents';
import { CALL_REF_RULE } from './clientRules';
import { escapeCardText } from './escape';
import { fieldViews, type FormState } from './formFields';
import { renderTemplate, type AdaptiveCard } from './render';
import { CARD_VERBS } from './verbs';
import { KIND_SHORT_LABELS, formatCardTime } from './words';

/** One of the user's requests. */
export interface MyRequestRow {
  requestId: string;
  callRef: string;
  kind: RequestKind;
  status: RequestStatus;
  updatedAt: CardInstant;
}

/** The user's requests, newest first, and the lookup box's last submission (input id `callRefQuery`). */
export interface MyRequestsCardData extends FormState {
  requests: readonly MyRequestRow[];
  /** Rows shown; the rest are counted ("and 12 older"). Default 15 keeps the card short on a phone. */
  maxRows?: number;
}

const DEFAULT_MAX_ROWS = 15;

function statusColor(status: RequestStatus): string {
  if (status === 'completed') return 'Good';
  if (['rejected', 'cancelled', 'iepFailed', 'iepDeclined', 'iepPurged', 'needsInformation', 'quarantined'].includes(status)) return 'Attention';
  return 'Default';
}

/**
 * My requests: one tappable row per request (showStatus with its requestId and callRef) and a lookup by call reference
 * (lookupStatus, input `callRefQuery`). The lookup box has no isRequired and no regex: a tap on a row submits the whole
 * card, so a check on the box would block the tap; the bot answers an empty or malformed lookup (parseCallRef) with
 * an error on `callRefQuery`.
 */
export function renderMyRequestsCard(data: MyRequestsCardData): AdaptiveCard {
  const max = data.maxRows ?? DEFAULT_MAX_ROWS;
  const rows = data.requests.slice(0, max);
  const more = data.requests.length - rows.length;
  return renderTemplate('myRequests', {
    title: 'My requests',
    emptyText: 'You have no requests yet. Type "help" to see what you can ask for.',
    rows: rows.map((r) => ({
      requestId: r.requestId,
      callRef: escapeCardText(r.callRef),
      statusLabel: STATUS_LABELS[r.status],
      statusColor: statusColor(r.status),
      detail: `${KIND_SHORT_LABELS[r.kind]} · updated ${formatCardTime(r.updatedAt)}`,
      viewTitle: `Show ${r.callRef}`,
    })),
    hasMore: more > 0,
    moreText: `And ${more} older. Look one up by its call reference below.`,
    f: fieldViews(['callRefQuery'], data, { callRefQuery: 'Call reference' }),
    rules: { callRef: CALL_REF_RULE },
    verbs: CARD_VERBS,
  });
}
