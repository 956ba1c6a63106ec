import type { RequestStatus } from '../../domain';
import { advance } from '../advance';
import type { FlowDeps } from '../flowDeps';
import type { FlowRef } from '../flowRef';
import { iepPollDelayMs } from '../iepMapping';
import { done, later, PermanentStepError, type StepOutcome } from '../stepOutcome';
import { endUnsuccessfully } from './iepOutcomes';

const FOLLOWING: readonly RequestStatus[] = ['onIep', 'iepDelivered'];

/**
 * Export step 4 / trauma: follows the transfer, without holding an IEP thread, until the receiving trust has downloaded
 * it (Delivered, Appendix 4 step 17), then completes and tells the requester with the call reference. Purged (never
 * downloaded in 15 days) or Failed reach the requester and the analysts.
 */
export async function outboundWatchStep(ref: FlowRef, deps: FlowDeps): Promise<StepOutcome> {
  const summary = await deps.store.requests.getSummary(ref.requestId);
  if (!summary) return done('request gone');
  if (!FOLLOWING.includes(summary.status)) return done(`stopped following: request is ${summary.status}`);
  const { iepTransactionId } = await deps.flowState.get(ref);
  if (!iepTransactionId) throw new PermanentStepError('NO_IEP_TRANSACTION', `run ${ref.run} of request ${ref.requestId} has no IEP transaction`);
  if (summary.status === 'onIep') {
    const tx = await deps.iep.getTransaction(iepTransactionId, summary.callRef ? { callRef: summary.callRef } : {});
    if (tx.status === 'On IEP') {
      const waited = deps.clock.now().getTime() - Date.parse(summary.statusSince);
      const urgent = summary.lane === 'blueLight' || summary.lane === 'clinicalEmergency';
      return later(iepPollDelayMs(waited, urgent, deps.options.iepPollMinMs, deps.options.iepPollMaxMs), 'waiting for the receiver to download');
    }
    if (tx.status !== 'Delivered') {
      await endUnsuccessfully(deps, ref, tx);
      return done(`IEP status ${tx.status}`);
    }
    await advance(deps, ref, 'iepDelivered', { why: 'IEP status Delivered', audit: [{ type: 'iep.statusSeen', facts: { iepStatus: tx.status } }] });
  }
  await advance(deps, ref, 'completed', { why: 'delivered to the receiving organisation', tellRequester: true });
  return done('completed');
}
