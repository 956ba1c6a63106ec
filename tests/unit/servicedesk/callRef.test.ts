import fc from 'fast-check';
import { formatLocalCallRef, parseLocalCallRef } from '../../../integrations/servicedesk/callRef';

describe('local call references (ITB-<year>-<6 digit seq>)', () => {
  it('formats as the brief shows', () => {
    expect(formatLocalCallRef(2026, 42)).toBe('ITB-2026-000042');
    expect(formatLocalCallRef(2026, 1)).toBe('ITB-2026-000001');
    expect(formatLocalCallRef(2031, 999_999)).toBe('ITB-2031-999999');
  });

  it('grows a digit after 999,999 instead of truncating (no two requests share a reference)', () => {
    expect(formatLocalCallRef(2060, 1_000_000)).toBe('ITB-2060-1000000');
    expect(parseLocalCallRef('ITB-2060-1000000')).toEqual({ year: 2060, seq: 1_000_000 });
  });

  it.each([
    [2026, 0],
    [2026, -1],
    [2026, 1.5],
    [999, 1],
    [10_000, 1],
  ])('refuses year %i, sequence %d', (year, seq) => {
    expect(() => formatLocalCallRef(year, seq)).toThrow(RangeError);
  });

  it('reads back what it formats, tolerating case and spaces (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1000, max: 9999 }), fc.integer({ min: 1, max: 99_999_999 }), (year, seq) => {
        const ref = formatLocalCallRef(year, seq);
        expect(parseLocalCallRef(ref)).toEqual({ year, seq });
        expect(parseLocalCallRef(`  ${ref.toLowerCase()} `)).toEqual({ year, seq });
      }),
    );
  });

  it.each(['ITB-2026-42', 'ITB-2026-0000042', 'ITB-26-000042', 'CR-2026-000042', 'ITB-2026-000000', '10196', '', 'ITB-2026-000042x'])(
    'does not read %j',
    (text) => {
      expect(parseLocalCallRef(text)).toBeUndefined();
    },
  );
});
