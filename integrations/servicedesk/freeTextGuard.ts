/**
 * Checks on what we send to a service desk. Its records are read widely (analysts, reports, section 4 monitoring) and
 * are not encrypted by us, so summary, note and id text must not carry patient identifiers. Names cannot be spotted
 * reliably; S numbers and NHS-number-shaped digit runs can, and are refused as a second line of defence.
 */
/** A summary is one line on a queue view (Ivanti Subject holds 255 with our prefix). */
export const SUMMARY_MAX = 200;
/** Notes and resolutions: a paragraph, not a document. */
export const NOTE_MAX = 4000;

const S_NUMBER = /(^|[^A-Za-z0-9])[Ss]\d{7}(?!\d)/;
// Ten digits as an NHS number is written (3-3-4 with optional spaces or dashes), not inside a longer number.
const NHS_NUMBER_SHAPE = /(?<!\d)\d{3}[ -]?\d{3}[ -]?\d{4}(?!\d)/;
const REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/** Problems with one free-text field, as "field: problem" (never quoting the text). */
export function freeTextProblems(field: string, text: string, maxLength: number): string[] {
  const t = text.trim();
  const problems: string[] = [];
  if (t === '') problems.push(`${field}: empty`);
  if (t.length > maxLength) problems.push(`${field}: longer than ${maxLength} characters`);
  if (S_NUMBER.test(t)) problems.push(`${field}: looks like it holds an S number (no patient data may go to the service desk)`);
  if (NHS_NUMBER_SHAPE.test(t)) problems.push(`${field}: looks like it holds an NHS number (no patient data may go to the service desk)`);
  return problems;
}

/**
 * Problems with our request id: it becomes part of a Redis key and an OData string literal, so only a safe alphabet.
 * (Not run through the digit-shape checks: our store makes these ids, and a UUID or ULID may hold ten digits in a row.)
 */
export function requestIdProblems(requestId: string): string[] {
  return REQUEST_ID.test(requestId) ? [] : ['requestId: must be 1-128 letters, digits, ".", "_", ":" or "-"'];
}
