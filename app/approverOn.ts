import type { RequestSummary } from '../store';
import { hasRole, type AppActor } from './appActor';
import type { AppDeps } from './deps';
import { auditDenial, type GuardedAction } from './denials';
import { appMessages } from './messages';
import type { Refusal } from './outcomes';
import { storeRefusal } from './submitRequest';

/** What an analyst action answers when the workers' side of it is not wired in this deployment. */
export const WORK_NOT_AVAILABLE = 'This cannot be done from Teams here yet. Please tell the service-desk lead.';

/**
 * Reads the request a card names (the id is only a hint: the record read here is what counts) and checks the actor is
 * an approver; a denial is audited against the request as `action`. With `needsWork`, also refuses when the workers'
 * port (AnalystWork) is not wired. The one guard of the analyst actions (edit, flow actions, quarantine release).
 */
export async function approverOn(
  deps: AppDeps,
  actor: AppActor,
  requestIdHint: string,
  action: GuardedAction,
  opts: { needsWork?: boolean } = {},
): Promise<{ summary: RequestSummary } | { refusal: Refusal }> {
  let summary: RequestSummary | undefined;
  try {
    summary = await deps.store.requests.getSummary(requestIdHint);
  } catch (err) {
    return { refusal: storeRefusal(deps, err, appMessages.actionNotSaved) };
  }
  if (!summary) return { refusal: { outcome: 'notFound', message: appMessages.notFound() } };
  if (!hasRole(actor, 'analyst')) {
    await auditDenial(deps, actor, action, { requestId: summary.id, ...(summary.callRef ? { callRef: summary.callRef } : {}) });
    return { refusal: { outcome: 'denied', message: appMessages.deniedApprover } };
  }
  if (opts.needsWork && !deps.work) return { refusal: { outcome: 'unavailable', message: WORK_NOT_AVAILABLE } };
  return { summary };
}
