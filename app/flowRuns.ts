import { reprocessStatus, type RequestKind, type Transition } from '../domain';
import type { AppDeps } from './deps';
import { bestEffort } from './decide';

/**
 * Starts the flow for the run that `upTo` began. Each entry into the flow's start status (approved; logged for trauma)
 * is one run: the first is the original, later ones (a re-process, or approval after the requester reworked a declined
 * request, 2.5b) are re-processes 1, 2... Counting from the history gives a repeat the same number, so the
 * idempotent FlowStarter starts nothing new.
 */
export async function startFlowRun(deps: AppDeps, requestId: string, kind: RequestKind, upTo: Transition): Promise<void> {
  const stored = await deps.store.requests.get(requestId).catch(() => undefined);
  if (!stored) return;
  const startStatus = reprocessStatus(kind);
  const runs = stored.history.filter((t) => t.to === startStatus && t.at <= upTo.at).length;
  const reprocess = runs > 1 ? runs - 1 : undefined;
  await bestEffort(deps, 'start flow', { requestId }, () => deps.flows.start(requestId, { lane: stored.lane, ...(reprocess !== undefined ? { reprocess } : {}) }));
}
