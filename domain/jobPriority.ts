import type { Priority } from './priority';

/**
 * Queue lanes, most urgent first. Trauma goes as a clinical emergency (Appendix 4, step 15); Blue Light next (2.3a,
 * target 4 hours); urgent CDs are brought to County Hall by arrangement (Appendix 5) so they jump the Standard queue;
 * Batch is overnight.
 */
export const PRIORITY_LANES = ['clinicalEmergency', 'blueLight', 'urgentCd', 'standard', 'batch'] as const;

/** One of PRIORITY_LANES. */
export type PriorityLane = (typeof PRIORITY_LANES)[number];

/**
 * BullMQ job priority per lane: lower runs sooner and 1 is the highest. Every job must get one, because BullMQ runs
 * jobs WITHOUT a priority before all prioritised ones (priority 0 means "none"). Gaps leave room for a lane later
 * without renumbering jobs already waiting.
 */
export const BULLMQ_PRIORITY: Readonly<Record<PriorityLane, number>> = {
  clinicalEmergency: 1,
  blueLight: 2,
  urgentCd: 3,
  standard: 5,
  batch: 10,
};

/** What decides a request's lane; every TransferRequest has this shape. */
export type PrioritySource =
  | { kind: 'trauma' }
  | { kind: 'import' | 'export'; priority: Priority }
  | { kind: 'cdImport'; urgent: boolean };

/** The lane a request's jobs run in. */
export function priorityLaneOf(request: PrioritySource): PriorityLane {
  switch (request.kind) {
    case 'trauma':
      return 'clinicalEmergency';
    case 'cdImport':
      return request.urgent ? 'urgentCd' : 'standard';
    case 'import':
    case 'export':
      return request.priority;
  }
}

/** The BullMQ `priority` option for a request's jobs (always 1 or more). */
export function bullmqPriorityOf(request: PrioritySource): number {
  return BULLMQ_PRIORITY[priorityLaneOf(request)];
}
