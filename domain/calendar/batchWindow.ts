import { londonInstant, londonWallTime, nextLondonDate } from './londonTime';

/**
 * The overnight window in which Batch imports run (IEP: "Batch is overnight transfers", Appendix 1 step 5), London wall
 * time, every night: 20:00 to 07:00.
 *
 * Why these hours: 20:00 is the latest the service is staffed on any day (weekends, 2.9), so Batch traffic never takes
 * one of the four inbound IEP threads (2.3d) while analysts are working Standard and Blue Light requests; ending at
 * 07:00 leaves an hour for downloads in flight to land in PACS before the 08:00 opening. Weeknights between 17:30 and
 * 20:00 are left out on purpose: the same window every night is easier to explain and to monitor.
 * Across clock changes the window is 10 hours (spring) or 12 hours (autumn) long, because it follows wall time.
 */
export const BATCH_WINDOW = { startsAt: '20:00', endsAt: '07:00' } as const;

const STARTS_MIN = 20 * 60;
const ENDS_MIN = 7 * 60;

/** One night's batch window. */
export interface BatchWindowSpan {
  start: Date;
  end: Date;
}

/** True when `at` is inside the overnight window (20:00 included, 07:00 excluded). */
export function isInBatchWindow(at: Date): boolean {
  const { secondOfDay } = londonWallTime(at);
  return secondOfDay >= STARTS_MIN * 60 || secondOfDay < ENDS_MIN * 60;
}

/**
 * The window `at` is in, or the next one. `start` may be before `at` when already inside; a worker delays a Batch job
 * by max(0, start - now).
 */
export function nextBatchWindow(at: Date): BatchWindowSpan {
  const wall = londonWallTime(at);
  if (wall.secondOfDay < ENDS_MIN * 60) {
    // After midnight: the window started yesterday evening.
    return { start: londonInstant(nextLondonDate(wall.date, -1), STARTS_MIN), end: londonInstant(wall.date, ENDS_MIN) };
  }
  return { start: londonInstant(wall.date, STARTS_MIN), end: londonInstant(nextLondonDate(wall.date), ENDS_MIN) };
}
