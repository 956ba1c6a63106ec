import { InvalidLocalDateError } from './errors';

declare const localDateBrand: unique symbol;

/**
 * A calendar date as people in the UK write it on a form, `YYYY-MM-DD`, with no time and no time zone.
 *
 * Why a string and not a Date: Teams' Input.Date hands back the previous day for users ahead of UTC, and
 * `new Date('2026-03-29')` is midnight UTC, which is still the 28th in any zone behind UTC. So card dates stay
 * strings end to end; they compare correctly as strings because the format is fixed-width. Date arithmetic below
 * works on day numbers (Howard Hinnant's civil-calendar algorithms), never on Date objects: no tz or date library is
 * installed and Temporal is not in Node 20, so this small, well-known arithmetic is written out here.
 */
export type LocalDate = string & { readonly [localDateBrand]: true };

/** Year, month (1-12) and day (1-31) of a LocalDate. */
export interface LocalDateParts {
  year: number;
  month: number;
  day: number;
}

const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for years with 29 February (proleptic Gregorian calendar). */
export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Number of days in a month of a year. */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Parses `YYYY-MM-DD` (exactly that, after trimming) into a LocalDate, or undefined when it is not a real date. */
export function parseLocalDate(text: string): LocalDate | undefined {
  const m = LOCAL_DATE.exec(text.trim());
  if (!m) return undefined;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  return `${m[1]}-${m[2]}-${m[3]}` as LocalDate;
}

/** Like parseLocalDate but throws InvalidLocalDateError; for reading back values we stored ourselves. */
export function toLocalDate(text: string): LocalDate {
  const parsed = parseLocalDate(text);
  if (parsed === undefined) throw new InvalidLocalDateError();
  return parsed;
}

/** Type guard: a string holding a real `YYYY-MM-DD` date. */
export function isLocalDate(value: unknown): value is LocalDate {
  return typeof value === 'string' && parseLocalDate(value) === value;
}

/** Builds a LocalDate from its parts; throws InvalidLocalDateError when they do not make a real date. */
export function localDateFromParts(parts: LocalDateParts): LocalDate {
  const text = `${String(parts.year).padStart(4, '0')}-${String(parts.month).padStart(2, '0')}-${String(parts.day).padStart(2, '0')}`;
  return toLocalDate(text);
}

/** Splits a LocalDate into numbers. */
export function localDateParts(date: LocalDate): LocalDateParts {
  return { year: Number(date.slice(0, 4)), month: Number(date.slice(5, 7)), day: Number(date.slice(8, 10)) };
}

/** Negative when a is earlier, 0 when equal, positive when later (plain string order is date order here). */
export function compareLocalDates(a: LocalDate, b: LocalDate): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Days since 1970-01-01 for a civil date (days_from_civil). */
export function dayNumber(date: LocalDate): number {
  const { year, month, day } = localDateParts(date);
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** The civil date of a day number (civil_from_days). */
export function fromDayNumber(days: number): LocalDate {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return localDateFromParts({ year, month, day });
}

/** The date `days` later (or earlier, when negative). */
export function addDays(date: LocalDate, days: number): LocalDate {
  return fromDayNumber(dayNumber(date) + days);
}

/** Whole days from a to b (positive when b is later). */
export function daysBetween(a: LocalDate, b: LocalDate): number {
  return dayNumber(b) - dayNumber(a);
}

/** ISO weekday: Monday 1 ... Sunday 7. */
export function isoWeekday(date: LocalDate): number {
  // 1970-01-01 was a Thursday (ISO 4).
  return ((((dayNumber(date) + 3) % 7) + 7) % 7) + 1;
}

/**
 * Age in completed years on `today`. Someone born on 29 February turns a year older on 1 March in common years
 * (the birthday has not been reached on 28 February).
 */
export function ageOn(birthDate: LocalDate, today: LocalDate): number {
  const b = localDateParts(birthDate);
  const t = localDateParts(today);
  const hadBirthday = t.month > b.month || (t.month === b.month && t.day >= b.day);
  return t.year - b.year - (hadBirthday ? 0 : 1);
}
