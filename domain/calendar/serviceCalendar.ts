import { InvalidCalendarDataError } from '../errors';
import { isoWeekday, type LocalDate } from '../localDate';
import type { RequestKind } from '../requestKind';
import { ENGLAND_AND_WALES_BANK_HOLIDAYS, type BankHolidayList } from './bankHolidays';
import { londonInstant, londonWallTime, nextLondonDate } from './londonTime';

/** Opening and closing time of one day, in minutes after local midnight; open from `opens` up to (not at) `closes`. */
export interface OpeningHours {
  opens: number;
  closes: number;
}

const hm = (h: number, m = 0) => h * 60 + m;

/** guideline 2.9: "Normal working hours are 08:00 to 17:30 (Monday to Friday)". */
export const WEEKDAY_HOURS: OpeningHours = { opens: hm(8), closes: hm(17, 30) };
/** guideline 2.9: "Saturday and Sunday 08:00 20:00". */
export const WEEKEND_HOURS: OpeningHours = { opens: hm(8), closes: hm(20) };

// A week of closures (Christmas to New Year) is well under this; a longer search means broken data.
const SEARCH_DAYS = 14;

/**
 * When the image-transfer service (the MBP service desk) is open, in Europe/London wall time, across clock changes.
 *
 * Decision on bank holidays: the Glossary defines BAU as "Monday-Friday 08:00-17:30, excluding UK Bank Holidays", so
 * a bank holiday that falls on a weekday is closed all day. Weekends keep 08:00-20:00 (2.9); bank holidays never fall
 * on a weekend, because a holiday that would is moved to a substitute weekday. Out of hours only trauma transfers go
 * ahead (2.8), so trauma is always open.
 */
export class ServiceCalendar {
  private readonly holidays: ReadonlyMap<string, string>;

  constructor(readonly bankHolidays: BankHolidayList = ENGLAND_AND_WALES_BANK_HOLIDAYS) {
    this.holidays = new Map(bankHolidays.events.map((e) => [e.date, e.title]));
  }

  /** The bank holiday's name on this London date, or undefined. */
  bankHolidayOn(date: LocalDate): string | undefined {
    return this.holidays.get(date);
  }

  /** True when the data lists this year's bank holidays (otherwise weekdays are treated as ordinary working days). */
  coversYear(year: number): boolean {
    return this.bankHolidays.years.includes(year);
  }

  /** The service's hours on a London date, or undefined when it is closed all day (a weekday bank holiday). */
  openingHoursOn(date: LocalDate): OpeningHours | undefined {
    if (isoWeekday(date) >= 6) return WEEKEND_HOURS;
    return this.holidays.has(date) ? undefined : WEEKDAY_HOURS;
  }

  /** True when the service is open at this instant (opening minute included, closing minute excluded). */
  isOpen(at: Date): boolean {
    const wall = londonWallTime(at);
    const hours = this.openingHoursOn(wall.date);
    return hours !== undefined && wall.secondOfDay >= hours.opens * 60 && wall.secondOfDay < hours.closes * 60;
  }

  /** Trauma transfers go ahead at any hour (2.8); every other kind follows the service hours. */
  isOpenFor(kind: RequestKind, at: Date): boolean {
    return kind === 'trauma' || this.isOpen(at);
  }

  /** The earliest instant at or after `at` when the service is open: `at` itself when open now. */
  nextOpening(at: Date): Date {
    if (this.isOpen(at)) return at;
    const wall = londonWallTime(at);
    for (let day = 0; day <= SEARCH_DAYS; day++) {
      const date = nextLondonDate(wall.date, day);
      const hours = this.openingHoursOn(date);
      if (hours && (day > 0 || wall.secondOfDay < hours.opens * 60)) return londonInstant(date, hours.opens);
    }
    throw new InvalidCalendarDataError(`no opening within ${SEARCH_DAYS} days`);
  }

  /** Like nextOpening, but trauma is always open. */
  nextOpeningFor(kind: RequestKind, at: Date): Date {
    return kind === 'trauma' ? at : this.nextOpening(at);
  }

  /** When the current opening ends, or undefined when closed now. */
  closesAt(at: Date): Date | undefined {
    const wall = londonWallTime(at);
    const hours = this.openingHoursOn(wall.date);
    if (!hours || !this.isOpen(at)) return undefined;
    return londonInstant(wall.date, hours.closes);
  }
}

/** The service calendar with England and Wales bank holidays from domain/data. */
export const serviceCalendar = new ServiceCalendar();

/** True when the service is open at `at` (default calendar). */
export const isOpen = (at: Date): boolean => serviceCalendar.isOpen(at);
/** Earliest open instant at or after `at` (default calendar). */
export const nextOpening = (at: Date): Date => serviceCalendar.nextOpening(at);
/** Trauma always open; others follow the hours (default calendar). */
export const isOpenFor = (kind: RequestKind, at: Date): boolean => serviceCalendar.isOpenFor(kind, at);
/** nextOpening, with trauma always open (default calendar). */
export const nextOpeningFor = (kind: RequestKind, at: Date): Date => serviceCalendar.nextOpeningFor(kind, at);
