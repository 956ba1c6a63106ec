import { createHash } from 'node:crypto';
import type { QuarantineCode, QuarantineReason } from './reconcile';

/**
 * A finding an analyst checked and accepted when releasing a held delivery to PACS: exactly what the engine said
 * (code, field, which reference, and the text with the values it quoted). Texts quote patient values, so accepted
 * findings are stored sealed and never logged.
 */
export type AcceptedFinding = Pick<QuarantineReason, 'code' | 'field' | 'against' | 'text'>;

/**
 * Findings a person can settle by checking (a phone call to the sending trust, the patient's record): one identity
 * field of the images disagrees with the request or PAS, e.g. a maiden name, a transposed birth date, an NHS number
 * typed wrongly by the sender. The images still name one patient and every other check passed.
 *
 * Everything else is never released from Teams, and why:
 * - MULTIPLE_PATIENTS: some images are someone else's; releasing would file them under our patient.
 * - STUDY_NOT_REQUESTED, NO_INSTANCES: nobody asked for these images; fixed at the source (a corrected request) or cancelled.
 * - UNREADABLE_INSTANCE, MEDIA_INCOMPLETE, DUPLICATE_INSTANCE, INCONSISTENT_STUDY, FIX_UP_FAILED: the files
 *   themselves are at fault; a person checking the patient cannot fix them (retry or cancel).
 * - GARBLED_IDENTITY: the identity cannot be read, so there is nothing to check.
 * - MISSING_IDENTITY: images with no name or birth date identify nobody; "it is the same patient" could not be
 *   checked against them. (A missing Patient ID is replaced by the S number anyway, but it comes with the rest.)
 * - LOCAL_ID_MISMATCH: the images already carry another UHL patient's S number: PACS may hold them under that patient,
 *   which is a PACS merge for the PACS team, not a release.
 * - REQUEST_PAS_MISMATCH, PATIENT_NOT_ON_PAS: our own records disagree (guideline 2.7d); the request or PAS is
 *   corrected first, then the images are imported as usual.
 */
export const RELEASABLE_CODES: readonly QuarantineCode[] = ['PATIENT_NAME_MISMATCH', 'BIRTH_DATE_MISMATCH', 'NHS_NUMBER_MISMATCH'];

/** True when every finding is of a kind a person can settle by checking (RELEASABLE_CODES), and there is one. */
export function isReleasable(findings: readonly Pick<QuarantineReason, 'code'>[]): boolean {
  return findings.length > 0 && findings.every((f) => RELEASABLE_CODES.includes(f.code));
}

/** One finding as a comparable key: the counts and file lists are not part of it (a re-download may renumber). */
export function findingKey(f: AcceptedFinding): string {
  return JSON.stringify([f.code, f.field ?? '', f.against ?? '', f.text]);
}

/** The findings as the release accepts them: unique, in a stable order, no counts or files. */
export function acceptedFindingsOf(reasons: readonly AcceptedFinding[]): AcceptedFinding[] {
  const byKey = new Map<string, AcceptedFinding>();
  for (const r of reasons) {
    byKey.set(findingKey(r), { code: r.code, ...(r.field !== undefined ? { field: r.field } : {}), ...(r.against !== undefined ? { against: r.against } : {}), text: r.text });
  }
  return [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, f]) => f);
}

/**
 * True when a delivery's findings are EXACTLY the accepted ones (as sets of findingKey), and all of them are
 * releasable: nothing new, nothing different (another name is another text), nothing missing (a finding that went
 * away means the delivery changed, so the analyst looks again). Undefined or empty `accepted` accepts nothing.
 */
export function findingsMatchAccepted(found: readonly AcceptedFinding[], accepted: readonly AcceptedFinding[] | undefined): boolean {
  if (!accepted || accepted.length === 0 || !isReleasable(accepted) || !isReleasable(found)) return false;
  const want = new Set(accepted.map(findingKey));
  const got = new Set(found.map(findingKey));
  if (want.size !== got.size) return false;
  for (const k of got) if (!want.has(k)) return false;
  return true;
}

/**
 * A version for a set of findings: sha256 of a per-request salt and the findings' keys, 20 hex characters. The card
 * carries it as a hint; the server compares it with the one it stored at quarantine time, so a release accepts only
 * the findings the analyst saw. The salt is random and kept server-side, so the version reveals nothing of the values.
 */
export function findingsVersion(salt: string, findings: readonly AcceptedFinding[]): string {
  const h = createHash('sha256').update(salt);
  for (const f of acceptedFindingsOf(findings)) h.update('\n').update(findingKey(f));
  return h.digest('hex').slice(0, 20);
}
