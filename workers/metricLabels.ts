import { STEP_QUEUE } from './flowSteps';
import { QueueName } from './queueNames';
import { RETENTION_QUEUE } from './retentionQueue';
import { TIMER_SCHEDULES } from './timerQueue';
import { TIMER_KINDS } from './timers/timerJobs';

/**
 * The only label values our metrics may carry: queue names, step (job) names and outcome words, all fixed in code.
 * A job's name could in principle be anything a producer wrote, and ids (request ids, job ids, call references) must
 * never reach a label (they would identify work, and every distinct value is a new series), so anything outside these
 * sets is reported as `other`.
 */
export const OTHER = 'other';

/** The job counts read from BullMQ for each queue (Queue.getJobCounts). */
export const JOB_STATES = ['waiting', 'active', 'delayed', 'failed', 'prioritized'] as const;
export type JobState = (typeof JOB_STATES)[number];

/** A failed attempt: BullMQ will run it again, or it gave up (attempts used up, or a permanent error). */
export const FAILURE_OUTCOMES = ['retrying', 'gave_up'] as const;
export type FailureOutcome = (typeof FAILURE_OUTCOMES)[number];

const KNOWN_QUEUES: ReadonlySet<string> = new Set<string>([...Object.values(QueueName), RETENTION_QUEUE]);

const flowStepsIn = (lane: (typeof STEP_QUEUE)[keyof typeof STEP_QUEUE]): string[] =>
  Object.entries(STEP_QUEUE)
    .filter(([, q]) => q === lane)
    .map(([step]) => step);

/** Which job names each queue runs (workers/flowSteps.ts STEP_QUEUE, the timers, the housekeeping queues). */
export const STEPS_BY_QUEUE: Readonly<Record<string, readonly string[]>> = {
  [QueueName.selfCheck]: ['self-check'],
  [QueueName.flow]: flowStepsIn('flow'),
  [QueueName.iepOutbound]: flowStepsIn('outbound'),
  [QueueName.iepOutboundEmergency]: flowStepsIn('outbound'),
  [QueueName.iepInbound]: flowStepsIn('inbound'),
  [QueueName.timers]: [...TIMER_KINDS, TIMER_SCHEDULES.arm.name, TIMER_SCHEDULES.incoming.name],
  [RETENTION_QUEUE]: ['retention'],
};

/** The queue label for a queue name: one of ours, or `other`. */
export function queueLabel(name: string): string {
  return KNOWN_QUEUES.has(name) ? name : OTHER;
}

/** The step label for a job of `queue` called `jobName`: a step that queue runs, or `other`. */
export function stepLabel(queue: string, jobName: string | undefined): string {
  const known = STEPS_BY_QUEUE[queue];
  return jobName !== undefined && known?.includes(jobName) ? jobName : OTHER;
}

/** Every label value any of our metrics may carry (the unit test checks a scrape against it). */
export function allowedLabelValues(): Set<string> {
  return new Set<string>([...KNOWN_QUEUES, ...Object.values(STEPS_BY_QUEUE).flat(), ...JOB_STATES, ...FAILURE_OUTCOMES, OTHER]);
}
