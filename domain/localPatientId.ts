/**
 * The UHL hospital number ("S number"): the letter S and 7 digits. The trauma appendix calls the local patient id
 * the RWES number, and other trusts use other shapes, so callers may pass their own pattern (from config).
 */
export const DEFAULT_LOCAL_ID_PATTERN = /^S\d{7}$/;

/** Words for the default pattern, used in messages to clinicians. */
export const DEFAULT_LOCAL_ID_DESCRIPTION = 'the letter S followed by 7 digits, for example S1234567';

/**
 * Reads a local patient id as typed: surrounding and inner spaces removed, upper-cased (input is case-insensitive,
 * storage is upper-case). Returns undefined when it does not match the pattern in full.
 */
export function normaliseLocalPatientId(text: string, pattern: RegExp = DEFAULT_LOCAL_ID_PATTERN): string | undefined {
  const candidate = text.replace(/\s+/g, '').toUpperCase();
  return wholeMatch(pattern).test(candidate) ? candidate : undefined;
}

/**
 * The pattern anchored at both ends and made case-insensitive, without the g/y flags: a global RegExp keeps
 * `lastIndex` between calls and would accept and refuse the same id on alternate calls.
 */
function wholeMatch(pattern: RegExp): RegExp {
  const flags = pattern.flags.replace(/[gy]/g, '');
  return new RegExp(`^(?:${pattern.source})$`, flags.includes('i') ? flags : `${flags}i`);
}
