import { z } from 'zod';
import { cleanFreeText, textLength } from '../freeText';
import { ageOn, compareLocalDates, parseLocalDate, type LocalDate } from '../localDate';
import { DEFAULT_LOCAL_ID_DESCRIPTION, DEFAULT_LOCAL_ID_PATTERN, normaliseLocalPatientId } from '../localPatientId';
import { parseNhsNumber, type NhsNumber } from '../nhsNumber';
import { messages } from './messages';

/**
 * zod schemas for single card fields, each carrying our clinician-facing messages. Card inputs arrive as strings
 * ("" when left empty; toggles as "true"/"false"), so every schema first turns blank into undefined.
 */

const blankToUndefined = (v: unknown): unknown => (v === null || (typeof v === 'string' && v.trim() === '') ? undefined : v);

/** Oldest age we accept for a date of birth (issue rule: "age at most 130"). */
export const MAX_AGE_YEARS = 130;

/** Length limits, in characters, for free-text fields. */
export const TEXT_LIMITS = {
  personName: 50,
  staffName: 70,
  organisation: 120,
  department: 100,
  address: 300,
  examDescription: 120,
  reason: 300,
  comments: 1000,
  internalPostAddress: 200,
} as const;

/**
 * Built once per distinct arguments, then reused. Building a zod schema costs far more than parsing with it: the bot
 * benchmark's CPU profile (docs/performance.md) showed these factories rebuilding their schemas for every field of
 * every submission. The arguments are few and fixed (messages, limits, the id pattern, today's date), so the cache
 * stays small; it is emptied if it ever passes SCHEMA_CACHE_LIMIT (a long-running bot sees a new `today` each day).
 * Schemas are immutable, so sharing one between calls is safe.
 */
const SCHEMA_CACHE_LIMIT = 512;
const schemaCache = new Map<string, unknown>();
function reuse<S>(kind: string, args: readonly unknown[], build: () => S): S {
  const key = `${kind}:${JSON.stringify(args, (_k, v: unknown) => (v instanceof RegExp ? `/${v.source}/${v.flags}` : v))}`;
  const found = schemaCache.get(key);
  if (found !== undefined) return found as S;
  if (schemaCache.size >= SCHEMA_CACHE_LIMIT) schemaCache.clear();
  const schema = build();
  schemaCache.set(key, schema);
  return schema;
}

/** Cleans a string and checks its length; `missing` when nothing is left after cleaning. */
function cleaned(opts: { missing: string; max: number; multiline?: boolean }) {
  return reuse('cleaned', [opts.missing, opts.max, opts.multiline === true], () => z.string({ error: opts.missing }).transform((raw, ctx) => {
    const text = cleanFreeText(raw, { multiline: opts.multiline });
    const length = textLength(text);
    if (length === 0) ctx.issues.push({ code: 'custom', message: opts.missing, input: raw });
    else if (length > opts.max) ctx.issues.push({ code: 'custom', message: messages.textTooLong(opts.max, length), input: raw });
    else return text;
    return z.NEVER;
  }));
}

/** Required free text (single line unless `multiline`). */
export function requiredText(opts: { missing: string; max: number; multiline?: boolean }) {
  return reuse('requiredText', [opts.missing, opts.max, opts.multiline === true], () => z.preprocess(blankToUndefined, cleaned(opts)));
}

/** Optional free text: blank gives undefined. */
export function optionalText(opts: { max: number; multiline?: boolean }) {
  return reuse('optionalText', [opts.max, opts.multiline === true], () =>
    z.preprocess(blankToUndefined, cleaned({ missing: messages.textMissing('some text'), ...opts }).optional()),
  );
}

// Letters (any script, with accents), spaces, hyphens, apostrophes and full stops: "O'Neil", "Smith-Jones", "Zoë".
const NAME = /^[\p{L}\p{M}][\p{L}\p{M} '\u2019.-]*$/u;

/** A patient's family or given name. */
export function personName(missing: string) {
  return reuse('personName', [missing], () =>
    requiredText({ missing, max: TEXT_LIMITS.personName }).pipe(z.string().regex(NAME, { error: messages.nameCharacters })),
  );
}

/** A required local date `YYYY-MM-DD`. */
export function requiredDate(missing: string) {
  return reuse('requiredDate', [missing], () => z.preprocess(
    blankToUndefined,
    z.string({ error: missing }).transform((raw, ctx) => {
      const date = parseLocalDate(raw);
      if (date !== undefined) return date;
      ctx.issues.push({ code: 'custom', message: messages.dateInvalid, input: raw });
      return z.NEVER;
    }),
  ));
}

/** A date that is today or earlier. */
export function pastOrToday(missing: string, today: LocalDate, inFuture: string) {
  return reuse('pastOrToday', [missing, today, inFuture], () => requiredDate(missing).refine((d: LocalDate) => compareLocalDates(d, today) <= 0, { error: inFuture }));
}

/** Date of birth: a real date, not in the future, age at most 130. */
export function birthDate(today: LocalDate) {
  return reuse('birthDate', [today], () =>
    pastOrToday(messages.birthDateMissing, today, messages.birthDateInFuture).refine((d: LocalDate) => ageOn(d, today) <= MAX_AGE_YEARS, {
      error: messages.birthDateTooOld,
    }),
  );
}

/** A date that is today or later (date required by). */
export function todayOrLater(missing: string, today: LocalDate, inPast: string) {
  return reuse('todayOrLater', [missing, today, inPast], () => requiredDate(missing).refine((d: LocalDate) => compareLocalDates(d, today) >= 0, { error: inPast }));
}

/** Optional NHS number: blank gives undefined; otherwise 10 digits with a valid Modulus 11 check digit. */
export const nhsNumberField = z.preprocess(
  blankToUndefined,
  z
    .string({ error: messages.nhsNumberFormat })
    .transform((raw, ctx): NhsNumber => {
      const parsed = parseNhsNumber(raw);
      if (parsed.ok) return parsed.value;
      const message = parsed.problem === 'format' ? messages.nhsNumberFormat : messages.nhsNumberCheckDigit;
      ctx.issues.push({ code: 'custom', message, input: raw });
      return z.NEVER;
    })
    .optional(),
);

/** The local patient id (S number by default), upper-cased. */
export function localIdField(pattern: RegExp = DEFAULT_LOCAL_ID_PATTERN, description: string = DEFAULT_LOCAL_ID_DESCRIPTION) {
  const message = messages.localIdInvalid(description);
  return reuse('localId', [pattern, description], () => z.preprocess(
    blankToUndefined,
    z.string({ error: message }).transform((raw, ctx) => {
      const id = normaliseLocalPatientId(raw, pattern);
      if (id !== undefined) return id;
      ctx.issues.push({ code: 'custom', message, input: raw });
      return z.NEVER;
    }),
  ));
}

/** An e-mail address, stored lower-case. */
export function emailField(message: string) {
  return reuse('email', [message], () =>
    z.preprocess(
      (v) => (typeof v === 'string' ? blankToUndefined(v.trim().toLowerCase()) : blankToUndefined(v)),
      z.email({ error: message }).max(254, { error: message }),
    ),
  );
}

const PHONE_PUNCTUATION = /[\s().-]/g;
// UK numbers (0 or +44/0044, then 9-10 digits) or international E.164 (+ or 00, up to 15 digits).
const FULL_PHONE = /^(?:(?:\+44|0044|0)\d{9,10}|(?:\+|00)[1-9]\d{6,14})$/;
// Inside the trust people give an extension or a bleep: "x18000", "ext 18000", "bleep 4321".
const EXTENSION = /^(?:x|ext\.?|extension|bleep|blp)?\s*\d{4,6}$/i;

/** A phone number someone outside the trust can dial. Stored tidied, as typed. */
export function externalPhone(message: string) {
  return reuse('externalPhone', [message], () =>
    requiredText({ missing: message, max: 30 }).refine((t: string) => FULL_PHONE.test(t.replace(PHONE_PUNCTUATION, '')), { error: message }),
  );
}

/** A UHL contact number: a full phone number, an extension or a bleep. */
export function contactPhone(message: string) {
  return reuse('contactPhone', [message], () =>
    requiredText({ missing: message, max: 30 }).refine(
      (t: string) => FULL_PHONE.test(t.replace(PHONE_PUNCTUATION, '')) || EXTENSION.test(t.trim()),
      { error: message },
    ),
  );
}

/** One value from a fixed list (an Input.ChoiceSet). */
export function choice<const T extends readonly [string, ...string[]]>(values: T, message: string) {
  return reuse('choice', [values, message], () => z.preprocess(blankToUndefined, z.enum(values, { error: message })));
}

/** An Input.Toggle: "true"/"false" strings from cards, booleans from other callers; blank is false. */
export const toggleField = z.preprocess(
  (v) => (v === 'true' ? true : v === 'false' || blankToUndefined(v) === undefined ? false : v),
  z.boolean({ error: messages.toggleInvalid }),
);

// One all-capitals word ("NUH", "QMC", "GOSH") is an abbreviation; the forms ask for the name in full.
const ABBREVIATION = /^[A-Z&]{2,8}$/;

/** An organisation's name, in full. */
export function organisationName(missing: string) {
  return reuse('organisationName', [missing], () =>
    requiredText({ missing, max: TEXT_LIMITS.organisation }).refine((t: string) => !ABBREVIATION.test(t) && textLength(t) >= 5, {
      error: messages.organisationInFull,
    }),
  );
}

/** An optional exam code, upper-cased: letters and digits (codes differ by trust, so no fixed length). */
export const examCodeField = z.preprocess(
  (v) => (typeof v === 'string' ? blankToUndefined(v.trim().toUpperCase()) : blankToUndefined(v)),
  z
    .string({ error: messages.examCodeInvalid })
    .regex(/^[A-Z0-9][A-Z0-9 ._/-]{0,19}$/, { error: messages.examCodeInvalid })
    .optional(),
);

/** A whole number from 1 to max (Input.Number arrives as a string from Teams). */
export function countField(max: number, message: string) {
  return reuse('count', [max, message], () =>
    z.preprocess(
      (v) => (typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : blankToUndefined(v)),
      z.number({ error: message }).int({ error: message }).min(1, { error: message }).max(max, { error: message }),
    ),
  );
}
