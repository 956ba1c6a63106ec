import { isInBatchWindow, nextBatchWindow, type PriorityLane, type ServiceCalendar } from '../domain';

/**
 * When a flow's first step may run (guideline 2.9): trauma (clinical emergency) at any hour; Batch in the overnight
 * window (domain BATCH_WINDOW, IEP Appendix 1 step 5: "Batch is overnight transfers"); everything else, Blue Light
 * included, in service hours, because out of hours "only trauma transfers go ahead". Returns undefined to go now, or
 * the instant to wait for. Work already in flight is not gated: only a flow's first step (and a Batch download, which
 * would otherwise take one of the four inbound threads in the day) asks.
 */
export function notBefore(lane: PriorityLane, now: Date, calendar: ServiceCalendar): Date | undefined {
  if (lane === 'clinicalEmergency') return undefined;
  if (lane === 'batch') return isInBatchWindow(now) ? undefined : nextBatchWindow(now).start;
  return calendar.isOpen(now) ? undefined : calendar.nextOpening(now);
}

/** Whether a Batch download may take an inbound thread now (2.3d, overnight window). */
export function batchMayDownload(lane: PriorityLane, now: Date): Date | undefined {
  return lane === 'batch' && !isInBatchWindow(now) ? nextBatchWindow(now).start : undefined;
}
