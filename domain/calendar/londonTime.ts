import { dayNumber, fromDayNumber, type LocalDate } from '../localDate';

/**
 * Wall-clock time in Europe/London, read with Intl.DateTimeFormat (ICU's tz database, shipped with Node); no tz
 * library is installed, and converting by hand with fixed offsets would be wrong twice a year.
 */
export interface LondonWallTime {
  date: LocalDate;
  /** ISO weekday, Monday 1 ... Sunday 7. */
  weekday: number;
  /** Seconds since local midnight, 0 ... 86399. */
  secondOfDay: number;
  /** English weekday name, e.g. "Sunday". */
  weekdayName: string;
}

const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

// h23: some ICU versions print midnight as "24" with hour12: false.
const LONDON = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  weekday: 'long',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

const DAY_MS = 86_400_000;

/** The London wall time of an instant. */
export function londonWallTime(at: Date): LondonWallTime {
  const parts: Record<string, string> = {};
  for (const p of LONDON.formatToParts(at)) parts[p.type] = p.value;
  const date = `${parts.year}-${parts.month}-${parts.day}` as LocalDate;
  const weekdayName = parts.weekday ?? '';
  return {
    date,
    weekday: WEEKDAYS.indexOf(weekdayName) + 1,
    secondOfDay: Number(parts.hour) * 3600 + Number(parts.minute) * 60 + Number(parts.second),
    weekdayName,
  };
}

/** Today's date in London at this instant: what "today" means for every date rule (pass it into validators). */
export function londonLocalDate(at: Date): LocalDate {
  return londonWallTime(at).date;
}

/** London's offset from UTC at an instant, in minutes (0 in GMT, 60 in BST). */
export function londonOffsetMinutes(at: Date): number {
  const wall = londonWallTime(at);
  const wallAsUtcMs = dayNumber(wall.date) * DAY_MS + wall.secondOfDay * 1000;
  return Math.round((wallAsUtcMs - Math.floor(at.getTime() / 1000) * 1000) / 60_000);
}

/**
 * The instant at which London's clocks show `date` and `minuteOfDay`. A wall time in the spring gap (01:00-02:00 on
 * the last Sunday in March) does not exist and one in the autumn overlap exists twice; service hours never fall in
 * either, and here the gap resolves forwards and the overlap to the first (BST) occurrence.
 */
export function londonInstant(date: LocalDate, minuteOfDay: number): Date {
  const wallAsUtcMs = dayNumber(date) * DAY_MS + minuteOfDay * 60_000;
  const firstGuess = wallAsUtcMs - londonOffsetMinutes(new Date(wallAsUtcMs)) * 60_000;
  const offset = londonOffsetMinutes(new Date(firstGuess));
  const candidate = wallAsUtcMs - offset * 60_000;
  // In the overlap both offsets are valid; prefer the earlier instant (BST) so a deadline is never late.
  const bst = wallAsUtcMs - 60 * 60_000;
  return londonOffsetMinutes(new Date(bst)) === 60 && bst < candidate ? new Date(bst) : new Date(candidate);
}

/** The next London date. */
export function nextLondonDate(date: LocalDate, days = 1): LocalDate {
  return fromDayNumber(dayNumber(date) + days);
}

/** "Sunday 08:00": the weekday and 24-hour time in London, for "we open again on ..." messages. */
export function formatLondonWeekdayTime(at: Date): string {
  const wall = londonWallTime(at);
  const hh = String(Math.floor(wall.secondOfDay / 3600)).padStart(2, '0');
  const mm = String(Math.floor((wall.secondOfDay % 3600) / 60)).padStart(2, '0');
  return `${wall.weekdayName} ${hh}:${mm}`;
}
