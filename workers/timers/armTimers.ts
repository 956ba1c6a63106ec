import {
  addDays,
  BLUE_LIGHT_TARGET_MS,
  isTerminal,
  londonInstant,
  londonLocalDate,
  NEEDS_INFORMATION_CANCEL_AFTER_DAYS,
  REQUEST_STATUSES,
  type RequestStatus,
} from '../../domain';
import type { FlowDeps } from '../flowDeps';
import { addTimer, type TimerDeps } from './timerJobs';

const HOUR = 3600_000;
const DAY = 24 * HOUR;

/** Blue Light escalates to the channel at 3 h, and is overdue at the 4 h target. */
export const BLUE_LIGHT_AT_RISK_MS = 3 * HOUR;

/** IEP purges at 15 days (Appendix 1); we warn at 12, leaving three to download. */
export const ON_IEP_WARNING_MS = 12 * DAY;

/** Arms both Blue Light timers of a request, from when it was submitted. */
export async function armBlueLightTimers(deps: TimerDeps, requestId: string, createdAt: Date): Promise<void> {
  const anchor = createdAt.toISOString();
  await addTimer(deps, { timer: 'blueLight.atRisk', requestId, anchor, dueAt: new Date(createdAt.getTime() + BLUE_LIGHT_AT_RISK_MS).toISOString() });
  await addTimer(deps, { timer: 'blueLight.overdue', requestId, anchor: new Date(createdAt.getTime() + 1).toISOString(), dueAt: new Date(createdAt.getTime() + BLUE_LIGHT_TARGET_MS).toISOString() });
}

/**
 * Arms the 2-week cancellation of a request waiting for details (2.4d), from when it entered needsInformation. The
 * domain counts London dates (isInformationOverdue: due on the 14th day after); the notice goes out when the desk
 * opens that day, so the cancellation lands where someone can act on it.
 */
export async function armInformationDeadline(deps: TimerDeps & Pick<FlowDeps, 'calendar'>, requestId: string, since: Date): Promise<void> {
  const deadlineDate = addDays(londonLocalDate(since), NEEDS_INFORMATION_CANCEL_AFTER_DAYS);
  const due = deps.calendar.nextOpening(londonInstant(deadlineDate, 0));
  await addTimer(deps, { timer: 'information.deadline', requestId, anchor: since.toISOString(), dueAt: due.toISOString() });
}

/** Arms the 12-day warning for an import On IEP since `since`. */
export async function armOnIepWarning(deps: TimerDeps, requestId: string, since: Date): Promise<void> {
  await addTimer(deps, { timer: 'onIep.warning', requestId, anchor: since.toISOString(), dueAt: new Date(since.getTime() + ON_IEP_WARNING_MS).toISOString() });
}

const OPEN_STATUSES: readonly RequestStatus[] = REQUEST_STATUSES.filter((s) => !isTerminal(s));

/**
 * Arms, from the store's status indexes, every timer a request should have: a safety net run on a schedule and at
 * start-up, because some states begin outside the workers (the app asks for information; a Blue Light request waits
 * for approval). Idempotent: timers are keyed by request and anchor. Returns how many it looked at.
 */
export async function armTimersFromStore(deps: FlowDeps, limitPerStatus = 1000): Promise<number> {
  let seen = 0;
  for (const status of OPEN_STATUSES) {
    const rows = await deps.store.requests.listByStatus(status, { limit: limitPerStatus });
    for (const { id, since } of rows) {
      seen++;
      const summary = await deps.store.requests.getSummary(id);
      if (!summary) continue;
      if (status === 'needsInformation') await armInformationDeadline(deps, id, since);
      if (status === 'onIep' && summary.kind === 'import') await armOnIepWarning(deps, id, since);
      if (summary.lane === 'blueLight') await armBlueLightTimers(deps, id, new Date(summary.createdAt));
    }
  }
  return seen;
}
