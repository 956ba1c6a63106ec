import { DEFAULT_LOCAL_ID_DESCRIPTION, DEFAULT_LOCAL_ID_PATTERN, TEXT_LIMITS, validationMessages as m } from '../domain';
import { cardRegexForLocalId } from './localIdRegex';

/**
 * Client-side checks that mirror domain/validation, so most mistakes are caught on the phone before a round trip.
 * The server stays the authority; the rule that matters here is the other way round: a card must never refuse what the
 * server accepts, or a clinician is stuck. tests/unit/cards/clientRules.test.ts checks that with the domain validators.
 *
 * Regexes are tested by clients as `new RegExp(regex).test(value)` with no flags (a partial match), and by other engines
 * on iOS and Android, so each is anchored and uses only syntax all of them share (no \p{..}, no lookbehind).
 */

/** How the trust writes its local patient id: the S number by default, or e.g. the trauma appendix's RWES number. */
export interface LocalIdFormat {
  /** The configured pattern (config.localIdPattern); default `^S\d{7}$`. */
  pattern?: RegExp;
  /** Words for the pattern in messages, e.g. "RWE followed by 6 digits, for example RWE123456". */
  description?: string;
  /** The input's label; default "Hospital number (S number)". */
  label?: string;
  /** Placeholder, e.g. "S1234567". */
  example?: string;
}

/** An Input.Text's client check. regex null: the client checks only presence (and length). */
export interface TextRule {
  regex: string | null;
  errorMessage: string;
  placeholder: string | null;
  maxLength: number | null;
}

// "[Xx]" for each letter, so a keyword matches in any case without the i flag (which card regexes cannot carry).
const anyCase = (word: string) => [...word].map((c) => (/[a-z]/i.test(c) ? `[${c.toUpperCase()}${c.toLowerCase()}]` : c)).join('');

/** The local id rule from the configured pattern (domain/localPatientId.ts: spaces removed, case ignored). */
export function localIdRule(format: LocalIdFormat = {}): TextRule {
  const pattern = format.pattern ?? DEFAULT_LOCAL_ID_PATTERN;
  return {
    regex: cardRegexForLocalId(pattern) ?? null,
    errorMessage: m.localIdInvalid(format.description ?? DEFAULT_LOCAL_ID_DESCRIPTION),
    placeholder: format.example ?? (format.pattern === undefined ? 'S1234567' : null),
    maxLength: 40,
  };
}

/** NHS number shape: 10 digits with spaces, hyphens or en dashes anywhere (Modulus 11 is checked by the server). */
export const NHS_NUMBER_RULE: TextRule = {
  regex: '^[\\s\\-\u2013]*(?:[0-9][\\s\\-\u2013]*){10}$',
  errorMessage: m.nhsNumberFormat,
  placeholder: '10 digits, e.g. 999 000 0018',
  maxLength: 20,
};

/** Exam code: letters, digits and `space . _ / -`, up to 20 after trimming; the server upper-cases it. */
export const EXAM_CODE_RULE: TextRule = {
  regex: '^\\s*[A-Za-z0-9][A-Za-z0-9 ._/-]{0,19}\\s*$',
  errorMessage: m.examCodeInvalid,
  placeholder: 'e.g. XCHES',
  maxLength: 30,
};

/** E-mail: something@host.tld, looser than the server's zod check so the card never refuses a good address. */
export function emailRule(message: string): TextRule {
  return { regex: '^\\s*[^\\s@]+@[^\\s@]+\\.[^\\s@]+\\s*$', errorMessage: message, placeholder: 'name@nhs.net', maxLength: 254 };
}

// 7 to 17 digits with the punctuation people type ("0116 496 0123", "+44 (0)116 ...", "0044-116-..."): covers every UK
// and E.164 number the server accepts.
const FULL_PHONE = '[\\s().-]*\\+?[\\s().-]*(?:[0-9][\\s().-]*){7,17}';
// "x18000", "ext 18000", "extension 18000", "bleep 4321", "blp 4321", or just the digits.
const EXTENSION = `\\s*(?:${anyCase('x')}|${anyCase('ext')}\\.?|${anyCase('extension')}|${anyCase('bleep')}|${anyCase('blp')})?\\s*[0-9]{4,6}\\s*`;

/** A UHL contact: full number, extension or bleep (domain contactPhone). */
export const CONTACT_PHONE_RULE: TextRule = {
  regex: `^(?:${FULL_PHONE}|${EXTENSION})$`,
  errorMessage: m.requesterPhoneInvalid,
  placeholder: 'e.g. 0116 496 0123 or ext 18000',
  maxLength: 30,
};

/** A number someone outside UHL can dial (domain externalPhone): no extensions. */
export const EXTERNAL_PHONE_RULE: TextRule = {
  regex: `^${FULL_PHONE}$`,
  errorMessage: m.siteContactPhoneInvalid,
  placeholder: 'e.g. 0116 496 0123',
  maxLength: 30,
};

/** A call reference as typed in a lookup box (domain parseCallRef: any case, surrounding spaces). */
export const CALL_REF_RULE: TextRule = {
  regex: `^\\s*${anyCase('itb')}-[0-9]{4}-[0-9]{6,9}\\s*$`,
  errorMessage: 'Enter a call reference like ITB-2026-000123.',
  placeholder: 'ITB-2026-000123',
  maxLength: 30,
};

/** A free-text rule: presence and the domain's length limit only. */
export function textRule(maxLength: number, errorMessage: string, placeholder: string | null = null): TextRule {
  return { regex: null, errorMessage, placeholder, maxLength };
}

/** Length limits as the cards apply them (the domain's, from TEXT_LIMITS). */
export const CARD_TEXT_LIMITS = TEXT_LIMITS;
