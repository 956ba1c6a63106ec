import fc from 'fast-check';
import {
  ENGLAND_AND_WALES_BANK_HOLIDAYS,
  ServiceCalendar,
  formatLondonWeekdayTime,
  isOpen,
  isOpenFor,
  londonInstant,
  londonLocalDate,
  londonOffsetMinutes,
  londonWallTime,
  nextOpening,
  nextOpeningFor,
  readBankHolidays,
  serviceCalendar,
} from '../../../domain/calendar';
import { InvalidCalendarDataError } from '../../../domain/errors';
import { addDays, isoWeekday, toLocalDate, type LocalDate } from '../../../domain/localDate';
import { REQUEST_KINDS } from '../../../domain/requestKind';

const utc = (iso: string) => new Date(iso);
const iso = (d: Date) => d.toISOString();

describe('London wall time', () => {
  it('gives the London date, not the UTC one (the Teams Input.Date trap)', () => {
    expect(londonLocalDate(utc('2026-06-14T23:30:00Z'))).toBe('2026-06-15'); // 00:30 BST
    expect(londonLocalDate(utc('2026-12-14T23:30:00Z'))).toBe('2026-12-14'); // GMT = UTC
  });

  it.each([
    ['2026-03-29T00:59:59Z', 0, '2026-03-29T01:00:00Z', 60],
    ['2026-10-25T00:59:59Z', 60, '2026-10-25T01:00:00Z', 0],
    ['2027-03-28T00:59:59Z', 0, '2027-03-28T01:00:00Z', 60],
    ['2027-10-31T00:59:59Z', 60, '2027-10-31T01:00:00Z', 0],
  ])('changes offset at the clock change: %s is +%i, %s is +%i', (before, offBefore, after, offAfter) => {
    expect(londonOffsetMinutes(utc(before))).toBe(offBefore);
    expect(londonOffsetMinutes(utc(after))).toBe(offAfter);
  });

  it('londonInstant inverts londonWallTime for every minute outside the spring gap', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4 * 366 }), fc.integer({ min: 0, max: 1439 }), (dayOffset, minute) => {
        const date = addDays(toLocalDate('2025-01-01'), dayOffset);
        const at = londonInstant(date, minute);
        const wall = londonWallTime(at);
        const inSpringGap = isoWeekday(date) === 7 && date.slice(5, 7) === '03' && Number(date.slice(8)) >= 25 && minute >= 60 && minute < 120;
        if (inSpringGap) expect(wall.secondOfDay).toBe((minute + 60) * 60);
        else expect({ date: wall.date, second: wall.secondOfDay }).toEqual({ date, second: minute * 60 });
      }),
      { numRuns: 3000 },
    );
  });

  it('resolves the autumn repeated hour to its first (BST) occurrence', () => {
    expect(iso(londonInstant(toLocalDate('2026-10-25'), 90))).toBe('2026-10-25T00:30:00.000Z');
  });
});

describe('service hours (guideline 2.9)', () => {
  it.each([
    // Sunday 29 March 2026: clocks went forward at 01:00 GMT; hours are 08:00-20:00 BST = 07:00-19:00 UTC.
    ['2026-03-29T06:59:59Z', false],
    ['2026-03-29T07:00:00Z', true],
    ['2026-03-29T18:59:59Z', true],
    ['2026-03-29T19:00:00Z', false],
    // Sunday 25 October 2026: clocks went back; 08:00-20:00 GMT = UTC.
    ['2026-10-25T07:59:59Z', false],
    ['2026-10-25T08:00:00Z', true],
    ['2026-10-25T19:59:59Z', true],
    ['2026-10-25T20:00:00Z', false],
    // Monday 30 March 2026 (BST): 08:00-17:30 BST = 07:00-16:30 UTC.
    ['2026-03-30T06:59:00Z', false],
    ['2026-03-30T07:00:00Z', true],
    ['2026-03-30T16:29:59Z', true],
    ['2026-03-30T16:30:00Z', false],
    // Monday 26 October 2026 (GMT).
    ['2026-10-26T08:00:00Z', true],
    ['2026-10-26T17:29:59Z', true],
    ['2026-10-26T17:30:00Z', false],
    // 2027 changes: Sunday 28 March, Sunday 31 October.
    ['2027-03-28T07:00:00Z', true],
    ['2027-03-28T19:00:00Z', false],
    ['2027-10-31T07:30:00Z', false],
    ['2027-10-31T08:00:00Z', true],
    // Bank holidays on weekdays are closed all day.
    ['2026-04-06T10:00:00Z', false], // Easter Monday
    ['2026-12-25T12:00:00Z', false], // Christmas Day (Friday)
    ['2026-12-28T12:00:00Z', false], // Boxing Day substitute (Monday)
    ['2026-08-31T10:00:00Z', false], // Summer bank holiday
    ['2027-03-29T10:00:00Z', false], // Easter Monday 2027
    // Weekends keep their hours even when Christmas falls on them.
    ['2027-12-25T12:00:00Z', true],
    ['2026-12-26T12:00:00Z', true],
  ])('%s open: %s', (at, open) => {
    expect(isOpen(utc(at))).toBe(open);
  });

  it.each([
    ['Saturday 21:00 -> Sunday 08:00, across the spring change', '2026-03-28T21:00:00Z', '2026-03-29T07:00:00.000Z', 'Sunday 08:00'],
    ['Saturday 21:00 -> Sunday 08:00, across the autumn change', '2026-10-24T20:00:00Z', '2026-10-25T08:00:00.000Z', 'Sunday 08:00'],
    ['Saturday 21:00 -> Sunday 08:00, spring 2027', '2027-03-27T21:00:00Z', '2027-03-28T07:00:00.000Z', 'Sunday 08:00'],
    ['Saturday 21:00 -> Sunday 08:00, autumn 2027', '2027-10-30T20:00:00Z', '2027-10-31T08:00:00.000Z', 'Sunday 08:00'],
    ['Friday 17:31 -> Saturday 08:00', '2026-06-12T16:31:00Z', '2026-06-13T07:00:00.000Z', 'Saturday 08:00'],
    ['Monday 06:00 -> Monday 08:00', '2026-01-05T06:00:00Z', '2026-01-05T08:00:00.000Z', 'Monday 08:00'],
    ['Sunday 20:00 before Easter Monday -> Tuesday 08:00', '2026-04-05T19:00:00Z', '2026-04-07T07:00:00.000Z', 'Tuesday 08:00'],
    ['Thursday 17:31 before Good Friday 2027 -> Saturday 08:00', '2027-03-25T17:31:00Z', '2027-03-27T08:00:00.000Z', 'Saturday 08:00'],
    ['Sunday 20:00 before Easter Monday 2027 (first BST day) -> Tuesday 08:00', '2027-03-28T19:00:00Z', '2027-03-30T07:00:00.000Z', 'Tuesday 08:00'],
    ['Christmas Eve 2026 17:31 -> Saturday 26th 08:00', '2026-12-24T17:31:00Z', '2026-12-26T08:00:00.000Z', 'Saturday 08:00'],
    ['Sunday 27 Dec 2026 20:00 -> Tuesday 29th (Boxing Day substitute)', '2026-12-27T20:00:00Z', '2026-12-29T08:00:00.000Z', 'Tuesday 08:00'],
    ['Sunday 26 Dec 2027 20:00 -> Wednesday 29th (two substitute days)', '2027-12-26T20:00:00Z', '2027-12-29T08:00:00.000Z', 'Wednesday 08:00'],
    ['Sunday 30 Aug 2026 20:00 -> Tuesday (August bank holiday)', '2026-08-30T19:00:00Z', '2026-09-01T07:00:00.000Z', 'Tuesday 08:00'],
    ['New Year 2028 (substitute Monday 3 Jan)', '2028-01-02T20:00:00Z', '2028-01-04T08:00:00.000Z', 'Tuesday 08:00'],
  ])('%s', (_name, at, expected, text) => {
    const opening = nextOpening(utc(at));
    expect(iso(opening)).toBe(expected);
    expect(formatLondonWeekdayTime(opening)).toBe(text);
  });

  it('nextOpening is the instant itself when open, else the first open minute after it', () => {
    fc.assert(
      fc.property(fc.date({ min: utc('2025-01-01T00:00:00Z'), max: utc('2028-12-20T00:00:00Z'), noInvalidDate: true }), (at) => {
        const opening = nextOpening(at);
        expect(isOpen(opening)).toBe(true);
        if (isOpen(at)) {
          expect(opening).toBe(at);
        } else {
          expect(opening.getTime()).toBeGreaterThan(at.getTime());
          expect(formatLondonWeekdayTime(opening)).toMatch(/ 08:00$/);
          expect(isOpen(new Date(opening.getTime() - 1000))).toBe(false);
          // Sample the closed stretch: nothing open in between.
          for (let i = 1; i < 8; i++) expect(isOpen(new Date(at.getTime() + ((opening.getTime() - at.getTime()) * i) / 8))).toBe(false);
        }
      }),
      { numRuns: 1500 },
    );
  });

  it('trauma is always open; other kinds follow the hours', () => {
    fc.assert(
      fc.property(fc.date({ min: utc('2025-01-01T00:00:00Z'), max: utc('2028-12-31T00:00:00Z'), noInvalidDate: true }), fc.constantFrom(...REQUEST_KINDS), (at, kind) => {
        expect(isOpenFor(kind, at)).toBe(kind === 'trauma' ? true : isOpen(at));
        expect(nextOpeningFor(kind, at)).toEqual(kind === 'trauma' ? at : nextOpening(at));
      }),
      { numRuns: 500 },
    );
  });

  it('says when the current opening ends', () => {
    expect(iso(serviceCalendar.closesAt(utc('2026-03-29T12:00:00Z'))!)).toBe('2026-03-29T19:00:00.000Z');
    expect(iso(serviceCalendar.closesAt(utc('2026-10-26T12:00:00Z'))!)).toBe('2026-10-26T17:30:00.000Z');
    expect(serviceCalendar.closesAt(utc('2026-10-26T18:00:00Z'))).toBeUndefined();
  });

  it('takes other bank holiday data (e.g. a trust-specific closure)', () => {
    const closed = new ServiceCalendar(readBankHolidays({ years: [2026], events: [{ date: '2026-06-15', title: 'Trust closure' }] }));
    expect(closed.isOpen(utc('2026-06-15T10:00:00Z'))).toBe(false);
    expect(iso(closed.nextOpening(utc('2026-06-15T10:00:00Z')))).toBe('2026-06-16T07:00:00.000Z');
    expect(closed.isOpen(utc('2026-04-06T10:00:00Z'))).toBe(true); // this calendar does not know Easter Monday
    expect(closed.coversYear(2027)).toBe(false);
    expect(serviceCalendar.coversYear(2028)).toBe(true);
  });
});

/** Anonymous Gregorian algorithm (Meeus/Jones/Butcher) for Easter Sunday: an independent check of the data. */
function easterSunday(year: number): LocalDate {
  const a = year % 19, b = Math.floor(year / 100), c = year % 100, d = Math.floor(b / 4), e = b % 4;
  const f = Math.floor((b + 8) / 25), g = Math.floor((b - f + 1) / 3), h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4), k = c % 4, l = (32 + 2 * e + 2 * i - h - k) % 7, m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31), day = ((h + l - 7 * m + 114) % 31) + 1;
  return toLocalDate(`${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`);
}

/** The last Monday of a month (Spring and Summer bank holidays). */
function lastMondayOf(year: number, month: number): LocalDate {
  let d = addDays(toLocalDate(`${month === 12 ? year + 1 : year}-${String(month === 12 ? 1 : month + 1).padStart(2, '0')}-01`), -1);
  while (isoWeekday(d) !== 1) d = addDays(d, -1);
  return d;
}

describe('England and Wales bank holiday data (domain/data)', () => {
  const events = ENGLAND_AND_WALES_BANK_HOLIDAYS.events;
  const byYear = (y: number) => events.filter((e) => e.date.startsWith(String(y))).map((e) => e.date);

  it.each([2025, 2026, 2027, 2028])('%i has the eight holidays, all on weekdays, at the dates the rules give', (year) => {
    const dates = byYear(year);
    expect(dates).toHaveLength(8);
    for (const d of dates) expect(isoWeekday(d)).toBeLessThanOrEqual(5);
    const easter = easterSunday(year);
    expect(dates).toContain(addDays(easter, -2)); // Good Friday
    expect(dates).toContain(addDays(easter, 1)); // Easter Monday
    expect(dates).toContain(lastMondayOf(year, 5)); // Spring
    expect(dates).toContain(lastMondayOf(year, 8)); // Summer
    let earlyMay = toLocalDate(`${year}-05-01`);
    while (isoWeekday(earlyMay) !== 1) earlyMay = addDays(earlyMay, 1);
    expect(dates).toContain(earlyMay);
  });

  it('has the substitute days for weekend Christmases and New Years', () => {
    expect(byYear(2026)).toEqual(expect.arrayContaining(['2026-12-25', '2026-12-28']));
    expect(byYear(2027)).toEqual(expect.arrayContaining(['2027-12-27', '2027-12-28']));
    expect(byYear(2028)).toEqual(expect.arrayContaining(['2028-01-03', '2028-12-25', '2028-12-26']));
  });

  it('refuses malformed data', () => {
    expect(() => readBankHolidays({ years: [2026], events: [{ date: '2026-02-30', title: 'x' }] })).toThrow(InvalidCalendarDataError);
    expect(() => readBankHolidays({ years: [2026], events: [{ date: '2027-01-01', title: 'x' }] })).toThrow(InvalidCalendarDataError);
    expect(() => readBankHolidays({ events: [] })).toThrow(InvalidCalendarDataError);
  });
});
