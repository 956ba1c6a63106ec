/**
 * NHS number checks for header values (NHS Data Dictionary: 10 digits, Modulus 11 check digit).
 * domain/ has the clinician-facing validator; this small copy exists because integrations/ may only import domain
 * types, and the header check must not depend on a module being written in parallel.
 */

/** Digits only, or undefined when the value is not 10 digits once spaces and dashes are removed. */
export function normaliseNhsNumber(value: string): string | undefined {
  const digits = value.replace(/[\s-]/g, '');
  return /^\d{10}$/.test(digits) ? digits : undefined;
}

/** True when a 10-digit string passes Modulus 11 (remainder giving 10 is invalid; 11 means check digit 0). */
export function isValidNhsNumber(digits: string): boolean {
  if (!/^\d{10}$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < 9; i += 1) sum += Number(digits[i]) * (10 - i);
  const check = 11 - (sum % 11);
  if (check === 10) return false;
  return (check === 11 ? 0 : check) === Number(digits[9]);
}
