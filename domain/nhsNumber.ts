declare const nhsNumberBrand: unique symbol;

/** An NHS number that passed the Modulus 11 check, held as 10 ASCII digits with no separators. */
export type NhsNumber = string & { readonly [nhsNumberBrand]: true };

/** Why text is not an NHS number: the wrong shape, or a check digit that does not match. */
export type NhsNumberProblem = 'format' | 'checkDigit';

/** Outcome of reading an NHS number typed by a person. */
export type NhsNumberParse = { ok: true; value: NhsNumber } | { ok: false; problem: NhsNumberProblem };

// People type "999 000 0018", "999-000-0018" or paste from Word (en dash, no-break space): allow those separators
// anywhere, and nothing else, so a stray letter or a dot is refused rather than silently dropped.
const SEPARATORS = /[\s\-\u2013]/g;
const TEN_DIGITS = /^[0-9]{10}$/;

/**
 * The Modulus 11 check digit for the first nine digits (NHS Data Dictionary, "NHS Number"): weights 10 down to 2,
 * remainder of the sum by 11, check = 11 - remainder; 11 becomes 0 and 10 means no valid number has these nine digits.
 * Returns undefined for that "10" case, or when the input is not nine ASCII digits.
 */
export function nhsCheckDigit(firstNine: string): number | undefined {
  if (!/^[0-9]{9}$/.test(firstNine)) return undefined;
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(firstNine[i]) * (10 - i);
  const check = 11 - (sum % 11);
  if (check === 10) return undefined;
  return check === 11 ? 0 : check;
}

/** Reads an NHS number as typed (spaces or dashes allowed) and checks its Modulus 11 check digit. */
export function parseNhsNumber(text: string): NhsNumberParse {
  const digits = text.replace(SEPARATORS, '');
  if (!TEN_DIGITS.test(digits)) return { ok: false, problem: 'format' };
  const expected = nhsCheckDigit(digits.slice(0, 9));
  if (expected === undefined || expected !== Number(digits[9])) return { ok: false, problem: 'checkDigit' };
  return { ok: true, value: digits as NhsNumber };
}

/** True when the text is a valid NHS number (separators allowed). */
export function isValidNhsNumber(text: string): boolean {
  return parseNhsNumber(text).ok;
}

/** The usual 3-3-4 display form, e.g. "999 000 0018", for cards (never for logs). */
export function formatNhsNumber(nhsNumber: NhsNumber): string {
  return `${nhsNumber.slice(0, 3)} ${nhsNumber.slice(3, 6)} ${nhsNumber.slice(6)}`;
}
