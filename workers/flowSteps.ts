import { BULLMQ_PRIORITY, type PriorityLane } from '../domain';
import type { FlowDeps, FlowJobData, FlowQueues } from './flowDeps';
import { stepJobId, type FlowRef } from './flowRef';
import { emergencyQueueOf, isEmergencyLane } from './outboundLanes';

/** Every step of every flow, and the queue it runs in. */
export const STEP_QUEUE = {
  'import.request': 'flow',
  'import.watch': 'flow',
  'import.download': 'inbound',
  'export.find': 'flow',
  'outbound.send': 'outbound',
  'outbound.watch': 'flow',
  'cd.import': 'flow',
  'ris.register': 'flow',
  /** A quarantined import released by an approver after a check (workers/steps/releaseQuarantine.ts). */
  'quarantine.release': 'flow',
} as const satisfies Record<string, keyof Omit<FlowQueues, 'timers' | 'outboundEmergency'>>;

export type FlowStep = keyof typeof STEP_QUEUE;

export function isFlowStep(name: string): name is FlowStep {
  return Object.prototype.hasOwnProperty.call(STEP_QUEUE, name);
}

/**
 * Queues the next step of a run in its lane. The job id is the run's flow id and the step, so a repeat (a retried
 * step, two workers after a crash) adds nothing while the first is kept (completed jobs are kept a week). `again`
 * names a deliberate second pass of the same step (e.g. the analyst pointed a CD import at new contents).
 */
export async function addStep(deps: Pick<FlowDeps, 'queues'>, ref: FlowRef, step: FlowStep, lane: PriorityLane, again?: string): Promise<void> {
  const which = STEP_QUEUE[step];
  // Blue Light and trauma transfers go to the emergency outbound queue, which may use the reserved thread (2.3d).
  const queue = which === 'outbound' && isEmergencyLane(lane) ? emergencyQueueOf(deps.queues) : deps.queues[which];
  const data: FlowJobData = { requestId: ref.requestId, run: ref.run };
  await queue.add(step, data, { jobId: stepJobId(ref, again ? `${step}.${again}` : step), priority: BULLMQ_PRIORITY[lane] });
}

/** True when a later run of the request has started (a re-process): this run's jobs stop. */
export async function isSuperseded(deps: Pick<FlowDeps, 'flowState'>, ref: FlowRef): Promise<boolean> {
  const current = await deps.flowState.currentRun(ref.requestId);
  return current !== undefined && current > ref.run;
}

/** Sleeps in real time (a job following an IEP transaction while it holds a thread). */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
