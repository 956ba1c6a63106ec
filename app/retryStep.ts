import { auditEvent, isTerminal, type CallRef } from '../domain';
import { hasRole, type AppActor } from './appActor';
import { REPROCESS_FROM } from './analystDecisions';
import type { AppDeps } from './deps';
import { auditDenial } from './denials';
import { appMessages } from './messages';
import type { Refusal } from './outcomes';
import { storeRefusal } from './submitRequest';

/**
 * Retries the failed step of a request's current run (workers/failedSteps.ts). Implemented by the workers' queues; the
 * bot process holds producer connections to them.
 */
export interface StepRetrier {
  retryFailedSteps(requestId: string): Promise<string[]>;
}

export type RetryStepOutcome = { outcome: 'retried'; requestId: string; callRef?: CallRef; steps: string[] } | Refusal;

/**
 * "Re-process" on a "step failed" card whose request is still mid-flow (e.g. at iepDownloading after UHL PACS stayed
 * down past the step's attempts): the same step runs again, in the same run, instead of a new run that would ask the
 * sending trust again (guideline 2.5b "re-process"; the images are safe on the IEP gateway meanwhile). Steps are
 * idempotent, so a retry never duplicates what the failed attempts did. Approvers only (denials audited); audited.
 */
export async function retryFailedStep(deps: AppDeps, actor: AppActor, requestId: string): Promise<RetryStepOutcome> {
  try {
    const summary = await deps.store.requests.getSummary(requestId);
    if (!summary) return { outcome: 'notFound', message: appMessages.notFound() };
    const ids = { requestId: summary.id, ...(summary.callRef ? { callRef: summary.callRef } : {}) };
    if (!hasRole(actor, 'analyst')) {
      await auditDenial(deps, actor, 'reprocess', ids);
      return { outcome: 'denied', message: appMessages.deniedApprover };
    }
    if (isTerminal(summary.status) || (REPROCESS_FROM as readonly string[]).includes(summary.status)) {
      return { outcome: 'notNow', message: 'This request is not waiting on a failed step.', status: summary.status };
    }
    if (!deps.steps) return { outcome: 'unavailable', message: 'Retrying a step is not available from Teams here. Please tell the service-desk lead.' };
    const steps = await deps.steps.retryFailedSteps(summary.id);
    // A repeat click (or Teams' retried invoke) finds the step already running again: nothing failed any more.
    if (steps.length === 0) return { outcome: 'notNow', message: 'Nothing has failed on this request now: it is being processed. The channel is told if a step fails again.', status: summary.status };
    await deps.store.audit.append(
      auditEvent('flow.stepRetried', { at: deps.now(), actor: { type: 'user', aadObjectId: actor.aadObjectId, role: 'analyst' }, ...ids }, { steps: steps.join(' '), status: summary.status }),
    );
    deps.logger.info({ ...ids, steps }, 'failed step retried by an analyst');
    return { outcome: 'retried', ...ids, steps };
  } catch (err) {
    return storeRefusal(deps, err, appMessages.actionNotSaved);
  }
}
