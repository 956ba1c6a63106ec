import { InvalidCallRefError } from './errors';
import { londonLocalDate } from './calendar/londonTime';

declare const callRefBrand: unique symbol;

/**
 * The call reference quoted to requesters and on every message (guideline 2.3g: "a call ref no. for audit purposes"):
 * `ITB-2026-000123`. The year is the London year of issue and the number a counter per year that the store keeps in
 * Redis, so a reference is never reused. Six digits, zero-padded; from 1,000,000 on it simply grows longer.
 */
export type CallRef = string & { readonly [callRefBrand]: true };

/** Prefix of every call reference. */
export const CALL_REF_PREFIX = 'ITB';

/** The parts of a call reference. */
export interface CallRefParts {
  year: number;
  sequence: number;
}

const MAX_SEQUENCE = 999_999_999;
// Six digits, or more without a leading zero, so that each reference has exactly one spelling.
const CALL_REF = /^ITB-(\d{4})-(\d{6}|[1-9]\d{6,8})$/;

/** Builds the reference for a year's nth request; throws InvalidCallRefError outside 2000-9999 or 1-999,999,999. */
export function formatCallRef(year: number, sequence: number): CallRef {
  if (!Number.isInteger(year) || year < 2000 || year > 9999) throw new InvalidCallRefError('year must be 2000-9999');
  if (!Number.isInteger(sequence) || sequence < 1 || sequence > MAX_SEQUENCE) {
    throw new InvalidCallRefError(`sequence must be 1-${MAX_SEQUENCE}`);
  }
  return `${CALL_REF_PREFIX}-${year}-${String(sequence).padStart(6, '0')}` as CallRef;
}

/**
 * Reads a reference as a person types it (any case, surrounding spaces): the canonical reference and its parts, or
 * undefined when it is not one.
 */
export function parseCallRef(text: string): (CallRefParts & { callRef: CallRef }) | undefined {
  const m = CALL_REF.exec(text.trim().toUpperCase());
  if (!m) return undefined;
  const year = Number(m[1]);
  const sequence = Number(m[2]);
  if (year < 2000 || sequence < 1) return undefined;
  return { callRef: formatCallRef(year, sequence), year, sequence };
}

/** True for a reference in its canonical (stored) form. */
export function isCallRef(value: unknown): value is CallRef {
  return typeof value === 'string' && parseCallRef(value)?.callRef === value;
}

/** The year a reference issued at this instant carries: the London year (a reference made at 00:30 BST on 1 January is that year's). */
export function callRefYear(at: Date): number {
  return Number(londonLocalDate(at).slice(0, 4));
}
