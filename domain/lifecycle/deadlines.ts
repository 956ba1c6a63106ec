import { addDays, compareLocalDates, type LocalDate } from '../localDate';

/** guideline 2.4d: no details within 2 weeks, the request is cancelled. */
export const NEEDS_INFORMATION_CANCEL_AFTER_DAYS = 14;

/** Appendix 1 "Statuses": images are no longer on IEP after 15 days (Purged). */
export const IEP_PURGE_AFTER_DAYS = 15;

/** Glossary "Blue Light": images expected within 4 hours. */
export const BLUE_LIGHT_TARGET_MS = 4 * 60 * 60 * 1000;

/** The London date on which a request waiting for information since `since` is cancelled. */
export function informationDeadline(since: LocalDate): LocalDate {
  return addDays(since, NEEDS_INFORMATION_CANCEL_AFTER_DAYS);
}

/** True when the 2-week wait (2.4d) is over on `today` (both London dates). */
export function isInformationOverdue(since: LocalDate, today: LocalDate): boolean {
  return compareLocalDates(today, informationDeadline(since)) >= 0;
}

/** True when a Blue Light request submitted at `submittedAt` has passed its 4-hour target at `now`. */
export function isBlueLightOverdue(submittedAt: Date, now: Date): boolean {
  return now.getTime() - submittedAt.getTime() > BLUE_LIGHT_TARGET_MS;
}
