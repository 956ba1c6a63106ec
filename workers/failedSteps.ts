import type { Job, Queue } from 'bullmq';
import type { FlowDeps } from './flowDeps';
import { STEP_QUEUE, type FlowStep } from './flowSteps';
import { stepJobId, type FlowRef } from './flowRef';

/**
 * A step whose attempts ran out on a peer that stayed down (PACS past its retries, RIS silent for too long) leaves its
 * job failed and the request at the status it had reached (e.g. iepDownloading, with the images safe on the IEP
 * gateway). Re-processing would start a new run and ask the sending trust again; what the analyst wants once the peer
 * is back is the same step again. Steps are idempotent (STOW by SOP Instance UID, RIS by message control id, IEP by
 * our external reference), so a failed job of the current run can simply be retried.
 *
 * Job ids are the run's flow id and the step (flowSteps.addStep), so the failed jobs are found by id, not by a scan.
 * Deliberate second passes of a step (`<step>.<again>`) are not looked for: they are started by an analyst's action,
 * which can be repeated.
 */
export async function retryFailedSteps(deps: Pick<FlowDeps, 'queues' | 'flowState'>, requestId: string): Promise<FlowStep[]> {
  const run = (await deps.flowState.currentRun(requestId)) ?? 0;
  const ref: FlowRef = { requestId, run };
  const retried: FlowStep[] = [];
  for (const step of Object.keys(STEP_QUEUE) as FlowStep[]) {
    for (const queue of queuesOf(deps, step)) {
      const job: Job | undefined = await queue.getJob(stepJobId(ref, step));
      if (!job || (await job.getState()) !== 'failed') continue;
      await job.retry('failed');
      retried.push(step);
    }
  }
  return retried;
}

/** Where a step's job can be: outbound sends are on the shared or the emergency queue, by lane. */
function queuesOf(deps: Pick<FlowDeps, 'queues'>, step: FlowStep): Queue[] {
  const which = STEP_QUEUE[step];
  if (which !== 'outbound') return [deps.queues[which]];
  return deps.queues.outboundEmergency ? [deps.queues.outbound, deps.queues.outboundEmergency] : [deps.queues.outbound];
}
