import fc from 'fast-check';
import { isInBatchWindow, londonWallTime, nextBatchWindow } from '../../../domain/calendar';

const utc = (iso: string) => new Date(iso);

describe('overnight Batch window (20:00-07:00 London)', () => {
  it.each([
    ['2026-06-15T18:59:59Z', false], // 19:59:59 BST
    ['2026-06-15T19:00:00Z', true], // 20:00 BST
    ['2026-06-16T05:59:59Z', true], // 06:59:59 BST
    ['2026-06-16T06:00:00Z', false], // 07:00 BST
    ['2026-12-15T19:59:59Z', false],
    ['2026-12-15T20:00:00Z', true],
    ['2026-12-16T06:59:59Z', true],
    ['2026-12-16T07:00:00Z', false],
  ])('%s in window: %s', (at, inside) => {
    expect(isInBatchWindow(utc(at))).toBe(inside);
  });

  it('is 10 hours on the spring-forward night and 12 on the fall-back night (2026 and 2027)', () => {
    const hours = (w: { start: Date; end: Date }) => (w.end.getTime() - w.start.getTime()) / 3_600_000;
    expect(hours(nextBatchWindow(utc('2026-03-28T12:00:00Z')))).toBe(10);
    expect(hours(nextBatchWindow(utc('2026-10-24T12:00:00Z')))).toBe(12);
    expect(hours(nextBatchWindow(utc('2027-03-27T12:00:00Z')))).toBe(10);
    expect(hours(nextBatchWindow(utc('2027-10-30T12:00:00Z')))).toBe(12);
    expect(nextBatchWindow(utc('2026-03-28T12:00:00Z'))).toEqual({ start: utc('2026-03-28T20:00:00Z'), end: utc('2026-03-29T06:00:00Z') });
  });

  it('gives the window containing the instant, or the next one; always 20:00 to 07:00 London', () => {
    fc.assert(
      fc.property(fc.date({ min: utc('2025-01-01T00:00:00Z'), max: utc('2028-12-30T00:00:00Z'), noInvalidDate: true }), (at) => {
        const w = nextBatchWindow(at);
        expect(londonWallTime(w.start).secondOfDay).toBe(20 * 3600);
        expect(londonWallTime(w.end).secondOfDay).toBe(7 * 3600);
        expect(w.end.getTime()).toBeGreaterThan(at.getTime());
        if (isInBatchWindow(at)) expect(w.start.getTime()).toBeLessThanOrEqual(at.getTime());
        else {
          expect(w.start.getTime()).toBeGreaterThan(at.getTime());
          expect(w.start.getTime() - at.getTime()).toBeLessThanOrEqual(13 * 3_600_000);
        }
        expect(isInBatchWindow(w.start)).toBe(true);
        expect(isInBatchWindow(w.end)).toBe(false);
        expect(isInBatchWindow(new Date(w.end.getTime() - 1000))).toBe(true);
      }),
      { numRuns: 1500 },
    );
  });
});
