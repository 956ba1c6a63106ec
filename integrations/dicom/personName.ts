/**
 * Person Name (PN) handling for the identity check (PS3.5 6.2.1): "Family^Given^Middle^Prefix^Suffix", with up to
 * three component groups (alphabetic=ideographic=phonetic). We compare the alphabetic group only.
 * Hand-written: dcmjs splits PN into groups for JSON, but has no normalisation for matching.
 */

export interface PersonNameParts {
  family: string;
  given: string;
}

/** Splits a PN value; undefined when it is not a single name (a backslash means several values). */
export function parsePersonName(pn: string): PersonNameParts | undefined {
  if (pn.includes('\\')) return undefined;
  const alphabetic = pn.split('=')[0] ?? '';
  const [family = '', given = ''] = alphabetic.split('^');
  return { family: family.trim(), given: given.trim() };
}

/**
 * The form names are compared in: upper case, accents removed (NFKD), apostrophes dropped (O'Brien = OBRIEN),
 * any other punctuation a space (Smith-Jones = SMITH JONES), spaces collapsed.
 */
export function normaliseName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toUpperCase()
    .replace(/['\u2019`]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** First given name only: headers often carry middle names in the given component, requests rarely do. */
function firstGiven(name: string): string {
  return normaliseName(name).split(' ')[0] ?? '';
}

/**
 * Whether a header name matches the expected patient: family names equal, first given names equal (after
 * normalisation). An empty side never matches.
 */
export function compareNames(header: PersonNameParts, expected: { familyName: string; givenName: string }): { family: boolean; given: boolean } {
  const family = normaliseName(header.family);
  const given = firstGiven(header.given);
  return {
    family: family !== '' && family === normaliseName(expected.familyName),
    given: given !== '' && given === firstGiven(expected.givenName),
  };
}

/** "FAMILY, Given" for an analyst's reason text. */
export function displayName(parts: PersonNameParts): string {
  return `${parts.family.toUpperCase()}, ${parts.given}`;
}
