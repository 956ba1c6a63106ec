import fc from 'fast-check';
import { formatNhsNumber, isValidNhsNumber, nhsCheckDigit, parseNhsNumber } from '../../../domain/nhsNumber';

/**
 * An independent reference: written from the NHS Data Dictionary description, in a different style from the
 * implementation (array reduce, remainder cases spelled out), with the same input contract (whitespace, "-" and
 * en dash are separators, anything else is not).
 */
function referenceIsValid(input: string): boolean {
  const kept = [...input].filter((ch) => !(/\s/.test(ch) || ch === '-' || ch === '\u2013'));
  if (kept.length !== 10 || !kept.every((ch) => ch >= '0' && ch <= '9')) return false;
  const digits = kept.map((ch) => ch.charCodeAt(0) - 48);
  const total = digits.slice(0, 9).reduce((acc, digit, i) => acc + digit * (10 - i), 0);
  const remainder = total % 11;
  if (remainder === 1) return false; // 11 - 1 = 10: no valid check digit exists
  const check = remainder === 0 ? 0 : 11 - remainder;
  return digits[9] === check;
}

const digit = fc.constantFrom(...'0123456789'.split(''));
const separator = fc.constantFrom(' ', '-', '\u2013', '  ', '\t', '\u00a0');
const digitString = (n: number) => fc.array(digit, { minLength: n, maxLength: n }).map((d) => d.join(''));

/** Ten digits with separators sprinkled between them, as people type them. */
const separated = fc
  .tuple(digitString(10), fc.array(fc.option(separator, { nil: '' }), { minLength: 11, maxLength: 11 }))
  .map(([d, seps]) => seps.map((s, i) => s + (d[i] ?? '')).join(''));

/** Nine random digits completed with the right check digit where one exists (mostly valid inputs). */
const completed = digitString(9).map((nine) => nine + String(nhsCheckDigit(nine) ?? 0));

const noisy = fc.string({ unit: fc.constantFrom(...'0123456789 -\u2013a.x\t'.split('')), minLength: 0, maxLength: 14 });

describe('NHS number (Modulus 11)', () => {
  it('agrees with an independent reference implementation over 100,000 inputs', () => {
    fc.assert(
      fc.property(fc.oneof(digitString(10), separated, completed, noisy, fc.string(), digitString(9), digitString(11)), (input) => {
        expect(isValidNhsNumber(input)).toBe(referenceIsValid(input));
      }),
      { numRuns: 100_000 },
    );
  });

  it('accepts synthetic test numbers from the 999 range, with or without separators', () => {
    for (const typed of ['9990000018', '999 000 0018', '999-000-0018', ' 999 000 0026 ', '999\u2013000\u20130034']) {
      expect(parseNhsNumber(typed)).toEqual({ ok: true, value: typed.replace(/[\s\-\u2013]/g, '') });
    }
  });

  it('refuses every number whose first nine digits give remainder 10 (check digit would be 10)', () => {
    // 999000000: 9*10 + 9*9 + 9*8 = 243 = 22*11 + 1, so 11 - 1 = 10: no last digit makes it valid.
    expect(nhsCheckDigit('999000000')).toBeUndefined();
    for (let last = 0; last <= 9; last++) {
      expect(parseNhsNumber(`999000000${last}`)).toEqual({ ok: false, problem: 'checkDigit' });
    }
  });

  it('uses check digit 0 when the remainder is 0 (11 becomes 0)', () => {
    // 999000005: 243 + 5*2 = 253 = 23*11, remainder 0, check 11 -> 0.
    expect(nhsCheckDigit('999000005')).toBe(0);
    expect(isValidNhsNumber('9990000050')).toBe(true);
    expect(parseNhsNumber('9990000051')).toEqual({ ok: false, problem: 'checkDigit' });
  });

  it('tells a wrong shape from a wrong check digit', () => {
    expect(parseNhsNumber('999000001')).toEqual({ ok: false, problem: 'format' });
    expect(parseNhsNumber('99900000188')).toEqual({ ok: false, problem: 'format' });
    expect(parseNhsNumber('999.000.0018')).toEqual({ ok: false, problem: 'format' });
    expect(parseNhsNumber('999000001８')).toEqual({ ok: false, problem: 'format' }); // full-width digit
    expect(parseNhsNumber('9990000019')).toEqual({ ok: false, problem: 'checkDigit' });
  });

  it('changing any single digit of a valid number makes it invalid', () => {
    fc.assert(
      fc.property(completed.filter((n) => isValidNhsNumber(n)), fc.integer({ min: 0, max: 9 }), fc.integer({ min: 1, max: 9 }), (n, pos, delta) => {
        const changed = n.slice(0, pos) + String((Number(n[pos]) + delta) % 10) + n.slice(pos + 1);
        expect(isValidNhsNumber(changed)).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it('formats 3-3-4 for display', () => {
    const parsed = parseNhsNumber('9990000018');
    if (!parsed.ok) throw new Error('fixture should be valid');
    expect(formatNhsNumber(parsed.value)).toBe('999 000 0018');
  });
});
