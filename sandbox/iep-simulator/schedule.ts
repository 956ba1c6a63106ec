import type { SimPriority } from './simTransaction';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/**
 * How long each step takes in simulated time. Defaults are plausible, not measured: IEP publishes no figures, and the
 * guideline only says downloads "can take some time" (2.3e) and Blue Light aims at 4 hours (Appendix 7).
 */
export interface IepSchedule {
  /** New -> Started: the other institution looks at a request (or the gateway picks up a transfer). */
  acknowledgeMs: number;
  /** Started -> On IEP: uploading. */
  uploadMs: number;
  /** Download Request: queued before a thread is tried. */
  downloadQueueMs: number;
  /** Downloading -> Delivered. */
  downloadMs: number;
  /** On IEP -> Delivered for our transfers: the receiving trust downloads (Appendix 4 step 17). */
  receiverDownloadMs: number;
  /** Appendix 1 "Purged": images will not be available on IEP after 15 days. */
  purgeAfterMs: number;
  /** Clinical emergency steps take this fraction of the time (it has its own outbound thread, 2.3d). */
  clinicalEmergencyFactor: number;
  /** Batch is "overnight transfers" (Appendix 1 step 5): it is not acknowledged before this UTC hour... */
  batchWindowStartHourUtc: number;
  /** ...and a batch created before this UTC hour is inside the night's window. */
  batchWindowEndHourUtc: number;
  /** Guideline 2.3d: five outbound threads, one for clinical emergencies only... */
  outboundThreads: number;
  reservedClinicalEmergencyThreads: number;
  /** ...and four inbound. */
  inboundThreads: number;
}

export const DEFAULT_SCHEDULE: IepSchedule = {
  acknowledgeMs: 10 * MINUTE,
  uploadMs: 20 * MINUTE,
  downloadQueueMs: 1 * MINUTE,
  downloadMs: 5 * MINUTE,
  receiverDownloadMs: 30 * MINUTE,
  purgeAfterMs: 15 * DAY,
  clinicalEmergencyFactor: 0.25,
  batchWindowStartHourUtc: 20,
  batchWindowEndHourUtc: 6,
  outboundThreads: 5,
  reservedClinicalEmergencyThreads: 1,
  inboundThreads: 4,
};

/** The duration of a step for this priority and slow-down factor. */
export function stepMs(base: number, priority: SimPriority, schedule: IepSchedule, slowFactor: number): number {
  const f = priority === 'Clinical emergency' ? schedule.clinicalEmergencyFactor : 1;
  return Math.round(base * f * slowFactor);
}

/** When a transaction created at `t` is acknowledged: Batch waits for the overnight window. */
export function acknowledgeAt(t: number, priority: SimPriority, schedule: IepSchedule, slowFactor: number): number {
  const due = t + stepMs(schedule.acknowledgeMs, priority, schedule, slowFactor);
  return priority === 'Batch' ? Math.max(due, nextBatchWindow(t, schedule)) : due;
}

/** `t` itself when inside the overnight window, else the window's next start. */
export function nextBatchWindow(t: number, schedule: IepSchedule): number {
  const d = new Date(t);
  const hour = d.getUTCHours();
  const { batchWindowStartHourUtc: start, batchWindowEndHourUtc: end } = schedule;
  const inside = start > end ? hour >= start || hour < end : hour >= start && hour < end;
  if (inside) return t;
  const next = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), start);
  return next > t ? next : next + DAY;
}
