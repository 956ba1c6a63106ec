import { BULLMQ_PRIORITY } from '../../domain';
import { indexDueJob } from '../dueTimers';
import type { FlowDeps } from '../flowDeps';
import { jobIdOf } from '../flowRef';

/**
 * The deadlines the service keeps, as delayed BullMQ jobs (they survive restarts; no in-memory timers):
 * - blueLight.atRisk / blueLight.overdue: Blue Light not completed 3 h / 4 h after it was submitted (Glossary: images
 *   expected within 4 hours), to the channel;
 * - information.deadline: 2 weeks waiting for details, then cancelled with notice (2.4d);
 * - onIep.warning: On IEP for 12 days without a download, before IEP purges it at 15 (Appendix 1 "Purged");
 * - unsolicited.warning / unsolicited.deadline: the same two for images on IEP with no request (2.4).
 */
export const TIMER_KINDS = ['blueLight.atRisk', 'blueLight.overdue', 'information.deadline', 'onIep.warning', 'unsolicited.warning', 'unsolicited.deadline'] as const;
export type TimerKind = (typeof TIMER_KINDS)[number];

/** A timer: what, for which request or incoming item (ids), when (our Clock), and what state it was armed for. */
export interface TimerJobData {
  readonly timer: TimerKind;
  readonly requestId?: string;
  readonly itemId?: string;
  /** ISO instant on our Clock: early deliveries (a clock moved back, or a real delay shorter than the moved one) re-delay. */
  readonly dueAt: string;
  /** ISO instant the state it watches began (e.g. entering needsInformation): a later re-entry arms its own timer. */
  readonly anchor?: string;
}

/** The timer's job id: one per thing, deadline and anchor, so arming twice adds one job. */
export function timerJobId(data: TimerJobData): string {
  return jobIdOf('timer', data.timer, data.requestId ?? data.itemId ?? '-', Date.parse(data.anchor ?? data.dueAt));
}

/**
 * Arms a timer: a job delayed by (dueAt - now) on our Clock, listed in the due index for promoteDueTimers. A timer
 * already armed (same id) is left as it is. Kept a week after it fires, so a sweep re-arming it in that time is a no-op.
 */
/** What arming a timer needs (the bot's flow starter has this much). */
export type TimerDeps = Pick<FlowDeps, 'queues' | 'clock' | 'redis' | 'prefix'>;

export async function addTimer(deps: TimerDeps, data: TimerJobData): Promise<void> {
  const jobId = timerJobId(data);
  const due = new Date(data.dueAt);
  const delay = Math.max(0, due.getTime() - deps.clock.now().getTime());
  const urgent = data.timer.startsWith('blueLight.');
  await deps.queues.timers.add(data.timer, data, { jobId, delay, priority: urgent ? BULLMQ_PRIORITY.blueLight : BULLMQ_PRIORITY.standard });
  if (delay > 0) await indexDueJob(deps.redis, deps.prefix, deps.queues.timers.name, jobId, due);
}
