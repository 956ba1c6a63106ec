import type { Job } from 'bullmq';
import { isTerminal, type ChannelNotice } from '../../domain';
import { advance } from '../advance';
import type { FlowDeps } from '../flowDeps';
import { notifyJobId, notifyPriority, type NotifyJobData } from '../notifyQueue';
import { done, later, type StepOutcome } from '../stepOutcome';
import { unsolicitedDeadlinePassed, unsolicitedWarning } from '../unsolicited';
import type { TimerJobData } from './timerJobs';

/**
 * Runs one timer. Early (the shared clock says it is not due yet): re-delays itself to its dueAt. Due: re-reads the
 * request and acts only if the state it was armed for still holds, so a timer whose request moved on does nothing.
 */
export async function execTimerJob(job: Pick<Job<TimerJobData>, 'data'>, deps: FlowDeps): Promise<StepOutcome> {
  const data = job.data;
  const now = deps.clock.now();
  const due = new Date(data.dueAt);
  if (now < due) return later(due.getTime() - now.getTime(), 'not due yet on the shared clock', due);

  if (data.itemId) {
    if (data.timer === 'unsolicited.warning') return done(await unsolicitedWarning(deps, data.itemId));
    if (data.timer === 'unsolicited.deadline') return done(await unsolicitedDeadlinePassed(deps, data.itemId));
    return done('unknown item timer');
  }
  if (!data.requestId) return done('timer without a request');
  const summary = await deps.store.requests.getSummary(data.requestId);
  if (!summary) return done('request gone');
  const notice: ChannelNotice = { requestId: summary.id, ...(summary.callRef ? { callRef: summary.callRef } : {}), kind: summary.kind, status: summary.status, topic: 'blueLightAtRisk' };

  switch (data.timer) {
    case 'blueLight.atRisk':
      if (isTerminal(summary.status)) return done('ended before 3 h');
      await deps.notifier.notifyChannel(notice);
      return done('Blue Light at risk: channel told');
    case 'blueLight.overdue': {
      if (isTerminal(summary.status)) return done('ended before 4 h');
      if (!deps.notifyQueue) return done('overdue notice not sent: no notify queue (same notice key as at risk)');
      // Until the domain has a "blueLightOverdue" topic, the 4 h notice is the at-risk notice under its own job id,
      // so it is not de-duplicated against the 3 h one.
      const job: NotifyJobData = { type: 'channel', notice };
      await deps.notifyQueue.add('channel', job, { jobId: `${notifyJobId(job)}.overdue`, priority: notifyPriority(job) });
      return done('Blue Light overdue: channel told');
    }
    case 'information.deadline': {
      if (summary.status !== 'needsInformation' || summary.statusSince !== data.anchor) return done('details arrived, or the request moved on');
      const moved = await advance(deps, { requestId: summary.id, run: 0 }, 'cancelled', {
        why: 'no details within 2 weeks (2.4d)',
        tellRequester: true,
        channel: 'informationOverdue',
        idempotencyKey: `timer:information:${summary.id}:${data.anchor}`,
      });
      return done(moved.outcome === 'moved' ? 'cancelled after 2 weeks without details' : 'request moved on');
    }
    case 'onIep.warning': {
      const stillWaiting = (summary.status === 'onIep' && summary.statusSince === data.anchor) || summary.status === 'iepDownloadRequest';
      if (!stillWaiting) return done('downloaded, or the request moved on');
      // No "not downloaded" topic yet (docs/workflows.md asks for one): stepFailed at onIep says "look at this".
      await deps.notifier.notifyChannel({ ...notice, topic: 'stepFailed' });
      return done('On IEP 12 days without a download: channel told');
    }
    default:
      return done('unknown timer');
  }
}

