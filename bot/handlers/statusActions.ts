import { myRequests, statusOf } from '../../app';
import { renderHelpCard, renderMyRequestsCard, renderStatusCard } from '../../cards';
import { parseCallRef } from '../../domain';
import { statusData } from '../cardViews';
import { hint, refusalResult, type CardActionHandler, type CardActionResult, type Turn } from './turn';

/** The status card for a call reference the actor may see (their own; analysts: any). */
export async function statusReply(turn: Turn, callRefText: string): Promise<CardActionResult> {
  const view = await statusOf(turn.services.app, turn.actor, callRefText);
  if (view.outcome === 'found') return { reply: [renderStatusCard(statusData(view, turn.services.app.now()))] };
  if (view.outcome === 'invalid') return { reply: [view.errors.map((e) => e.message).join(' ')] };
  return refusalResult(view, 'see this request', 'notRequester');
}

/** "my requests": own, or every open request for an analyst. */
export async function myRequestsReply(turn: Turn): Promise<CardActionResult> {
  const list = await myRequests(turn.services.app, turn.actor);
  if (list.outcome !== 'list') return list.outcome === 'invalid' ? { reply: ['Something was wrong with that request.'] } : refusalResult(list, 'list requests');
  const rows = list.requests.map((r) => ({ requestId: r.id, callRef: r.callRef ?? 'not yet logged', kind: r.kind, status: r.status, updatedAt: r.updatedAt }));
  return { reply: [renderMyRequestsCard({ requests: rows })] };
}

/** A My requests row, confirmation or FYI card's "View status": data { requestId, callRef } (a hint: re-checked). */
const onShowStatus: CardActionHandler = async (turn, data) => {
  const callRef = hint(data, 'callRef');
  if (!callRef) return { error: { status: 400, code: 'badRequest', message: 'This card has no call reference on it.' } };
  return statusReply(turn, callRef);
};

/** My requests' lookup box (input callRefQuery): errors come back under the box. */
const onLookupStatus: CardActionHandler = async (turn, data) => {
  const typed = typeof data.callRefQuery === 'string' ? data.callRefQuery : '';
  if (!parseCallRef(typed)) {
    const list = await myRequests(turn.services.app, turn.actor);
    const rows = list.outcome === 'list' ? list.requests.map((r) => ({ requestId: r.id, callRef: r.callRef ?? 'not yet logged', kind: r.kind, status: r.status, updatedAt: r.updatedAt })) : [];
    const message = typed.trim() === '' ? 'Type a call reference, for example ITB-2026-000123.' : 'That is not a call reference. They look like ITB-2026-000123.';
    return { replace: renderMyRequestsCard({ requests: rows, values: data, errors: [{ field: 'callRefQuery', message }] }) };
  }
  return statusReply(turn, typed);
};

/** Handlers for the status verbs. */
export const statusActions = {
  showStatus: onShowStatus,
  lookupStatus: onLookupStatus,
  openMyRequests: (turn: Turn) => myRequestsReply(turn),
  openHelp: async (turn: Turn): Promise<CardActionResult> => ({ reply: [renderHelpCard({ trauma: turn.actor.roles.includes('radiologist'), analyst: turn.actor.roles.includes('analyst') })] }),
};
