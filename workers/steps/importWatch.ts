import { advance } from '../advance';
import type { FlowDeps } from '../flowDeps';
import type { FlowRef } from '../flowRef';
import { addStep } from '../flowSteps';
import { iepPollDelayMs } from '../iepMapping';
import { armOnIepWarning } from '../timers/armTimers';
import { done, later, PermanentStepError, type StepOutcome } from '../stepOutcome';
import { endUnsuccessfully } from './iepOutcomes';

const FOLLOWING = ['iepNew', 'iepStarted', 'onIep', 'iepDownloadRequest', 'iepDownloading'] as const;

/**
 * Import step 2: follows the IEP request until the sending trust has put the images On IEP (2.3b-c), with a backoff
 * (the job re-delays itself: often at first, then every few minutes), and hands over to the inbound download. A
 * Decline, Failed or Purged ends the run and tells the requester and the analysts (2.5).
 */
export async function importWatchStep(ref: FlowRef, deps: FlowDeps): Promise<StepOutcome> {
  const summary = await deps.store.requests.getSummary(ref.requestId);
  if (!summary) return done('request gone');
  if (!(FOLLOWING as readonly string[]).includes(summary.status)) return done(`stopped following: request is ${summary.status}`);
  const { iepTransactionId } = await deps.flowState.get(ref);
  if (!iepTransactionId) throw new PermanentStepError('NO_IEP_TRANSACTION', `run ${ref.run} of request ${ref.requestId} has no IEP transaction`);

  const tx = await deps.iep.getTransaction(iepTransactionId, summary.callRef ? { callRef: summary.callRef } : {});
  const seen = [{ type: 'iep.statusSeen' as const, facts: { iepStatus: tx.status } }];
  switch (tx.status) {
    case 'New':
    case 'Started':
    case 'Uploading': {
      if (tx.status !== 'New' && summary.status === 'iepNew') {
        await advance(deps, ref, 'iepStarted', { why: 'the sending organisation is uploading', audit: seen });
      }
      const now = deps.clock.now();
      const waited = now.getTime() - Date.parse(summary.statusSince);
      const urgent = summary.lane === 'blueLight' || summary.lane === 'clinicalEmergency';
      return later(iepPollDelayMs(waited, urgent, deps.options.iepPollMinMs, deps.options.iepPollMaxMs), `IEP status ${tx.status}`);
    }
    case 'On IEP': {
      const moved = await advance(deps, ref, 'onIep', { why: 'IEP status On IEP', audit: seen });
      const since = moved.outcome === 'moved' ? new Date(moved.transition.at) : deps.clock.now();
      // 12 days On IEP without a download: warn before IEP purges it at 15 (Appendix 1 "Purged").
      await armOnIepWarning(deps, ref.requestId, since);
      await addStep(deps, ref, 'import.download', summary.lane);
      return done('On IEP: download queued');
    }
    case 'Download Request':
    case 'Downloading':
    case 'Delivered':
      // A download was asked for already (an earlier delivery of this step, before a crash): the download step carries on.
      await addStep(deps, ref, 'import.download', summary.lane);
      return done(`IEP status ${tx.status}: download step carries on`);
    default: {
      const ended = await endUnsuccessfully(deps, ref, tx);
      return done(ended ? `IEP status ${tx.status}` : `unknown IEP status`);
    }
  }
}
