import fc from 'fast-check';
import {
  addDays,
  ageOn,
  compareLocalDates,
  daysBetween,
  daysInMonth,
  isLocalDate,
  isoWeekday,
  localDateFromParts,
  parseLocalDate,
  toLocalDate,
  type LocalDate,
} from '../../../domain/localDate';
import { InvalidLocalDateError } from '../../../domain/errors';

const pad = (n: number, w: number) => String(n).padStart(w, '0');
const realDate = fc
  .record({ year: fc.integer({ min: 1800, max: 2200 }), month: fc.integer({ min: 1, max: 12 }), day: fc.integer({ min: 1, max: 31 }) })
  .map(({ year, month, day }) => ({ year, month, day: Math.min(day, daysInMonth(year, month)) }));
const asText = ({ year, month, day }: { year: number; month: number; day: number }) => `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;

describe('LocalDate', () => {
  it('parses every real date and refuses days past the end of the month', () => {
    fc.assert(
      fc.property(realDate, (d) => {
        expect(parseLocalDate(asText(d))).toBe(asText(d));
        expect(parseLocalDate(asText({ ...d, day: daysInMonth(d.year, d.month) + 1 }))).toBeUndefined();
      }),
    );
    expect(parseLocalDate('2024-02-29')).toBe('2024-02-29');
    expect(parseLocalDate('2026-02-29')).toBeUndefined();
    expect(parseLocalDate('1900-02-29')).toBeUndefined();
    expect(parseLocalDate('2000-02-29')).toBe('2000-02-29');
  });

  it('refuses other shapes, including ISO instants that would go through UTC', () => {
    for (const bad of ['2026-3-29', '29/03/2026', '2026-03-29T00:00:00Z', '2026-13-01', '2026-00-10', '0000-01-01', '', '20260329']) {
      expect(parseLocalDate(bad)).toBeUndefined();
    }
    expect(() => toLocalDate('2026-02-30')).toThrow(InvalidLocalDateError);
    expect(isLocalDate('2026-03-29')).toBe(true);
    expect(isLocalDate(' 2026-03-29')).toBe(false);
  });

  it('orders as strings the same way as by (year, month, day)', () => {
    fc.assert(
      fc.property(realDate, realDate, (a, b) => {
        const byParts = a.year - b.year || a.month - b.month || a.day - b.day;
        expect(Math.sign(compareLocalDates(asText(a) as LocalDate, asText(b) as LocalDate))).toBe(Math.sign(byParts));
      }),
    );
  });

  it('adds days consistently: forward then back is the identity, and daysBetween inverts addDays', () => {
    fc.assert(
      fc.property(realDate, fc.integer({ min: -40000, max: 40000 }), (d, n) => {
        const start = localDateFromParts(d);
        const moved = addDays(start, n);
        expect(addDays(moved, -n)).toBe(start);
        expect(daysBetween(start, moved)).toBe(n);
        expect(isLocalDate(moved)).toBe(true);
      }),
    );
    expect(addDays(toLocalDate('2026-03-28'), 1)).toBe('2026-03-29');
    expect(addDays(toLocalDate('2028-02-28'), 1)).toBe('2028-02-29');
    expect(addDays(toLocalDate('2026-12-31'), 1)).toBe('2027-01-01');
  });

  it('knows the weekday (ISO, Monday 1) of fixed dates and steps it by one each day', () => {
    expect(isoWeekday(toLocalDate('2026-03-29'))).toBe(7); // a Sunday, the spring clock change
    expect(isoWeekday(toLocalDate('1970-01-01'))).toBe(4);
    expect(isoWeekday(toLocalDate('2027-12-27'))).toBe(1);
    fc.assert(
      fc.property(realDate, (d) => {
        const date = localDateFromParts(d);
        expect(isoWeekday(addDays(date, 1))).toBe((isoWeekday(date) % 7) + 1);
      }),
    );
  });

  it('counts age in completed years, birthday included', () => {
    expect(ageOn(toLocalDate('2000-03-29'), toLocalDate('2026-03-28'))).toBe(25);
    expect(ageOn(toLocalDate('2000-03-29'), toLocalDate('2026-03-29'))).toBe(26);
    expect(ageOn(toLocalDate('2008-02-29'), toLocalDate('2026-02-28'))).toBe(17);
    expect(ageOn(toLocalDate('2008-02-29'), toLocalDate('2026-03-01'))).toBe(18);
    fc.assert(
      fc.property(realDate, fc.integer({ min: 0, max: 60000 }), (d, n) => {
        const birth = localDateFromParts(d);
        const age = ageOn(birth, addDays(birth, n));
        expect(age).toBeGreaterThanOrEqual(Math.floor(n / 366));
        expect(age).toBeLessThanOrEqual(Math.floor(n / 365));
      }),
    );
  });
});
