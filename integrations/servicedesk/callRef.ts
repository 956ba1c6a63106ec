/**
 * Call references from the local service desk: `ITB-<year>-<sequence, 6 digits zero-padded>`, e.g. ITB-2026-000042.
 * Guideline 2.3g and 2.7a: the requester is told the call reference, and every step is audited against it.
 *
 * The one place this format is written and read for now. (domain/callRef.ts is being written in parallel; when it
 * lands, this module should delegate to it.)
 */
const CALL_REF = /^ITB-(\d{4})-(\d{6,})$/;

/**
 * Formats a call reference. The sequence is padded to 6 digits and never truncated: after 999,999 requests it simply
 * grows a digit, which `parseLocalCallRef` still reads.
 */
export function formatLocalCallRef(year: number, seq: number): string {
  if (!Number.isInteger(year) || year < 1000 || year > 9999) throw new RangeError('call reference year must be 4 digits');
  if (!Number.isSafeInteger(seq) || seq < 1) throw new RangeError('call reference sequence must be a positive integer');
  return `ITB-${year}-${String(seq).padStart(6, '0')}`;
}

/** Reads a call reference made by formatLocalCallRef; undefined for anything else (whitespace and case tolerated). */
export function parseLocalCallRef(text: string): { year: number; seq: number } | undefined {
  const canonical = text.trim().toUpperCase();
  const m = CALL_REF.exec(canonical);
  if (!m) return undefined;
  const year = Number(m[1]);
  const seq = Number(m[2]);
  if (year < 1000 || !Number.isSafeInteger(seq) || seq < 1) return undefined;
  // Only the one spelling we issue: "ITB-2026-0000042" is not ITB-2026-000042.
  return formatLocalCallRef(year, seq) === canonical ? { year, seq } : undefined;
}
