import { statusOf } from '../../app';
import { renderApprovalCard, renderStatusCard, type AdaptiveCard } from '../../cards';
import type { StoredRequest } from '../../store';
import { approvalData, peopleOf, statusData } from '../cardViews';
import type { Turn } from './turn';

/** The stored request and the display names its cards need. */
export async function requestWithNames(turn: Turn, requestId: string): Promise<{ request: StoredRequest; names: Map<string, string> } | undefined> {
  const request = await turn.services.app.store.requests.get(requestId);
  if (!request) return undefined;
  const names = await turn.services.staffNames.lookup(peopleOf(request)).catch(() => new Map<string, string>());
  return { request, names };
}

/** The approval card as it stands now (decided: no buttons, who and when). */
export async function currentApprovalCard(turn: Turn, requestId: string): Promise<AdaptiveCard | undefined> {
  const found = await requestWithNames(turn, requestId);
  return found ? renderApprovalCard(approvalData(found.request, found.names)) : undefined;
}

/** The status card as the actor may see it, or undefined. */
export async function currentStatusCard(turn: Turn, callRef: string): Promise<AdaptiveCard | undefined> {
  const view = await statusOf(turn.services.app, turn.actor, callRef);
  return view.outcome === 'found' ? renderStatusCard(statusData(view, turn.services.app.now())) : undefined;
}
