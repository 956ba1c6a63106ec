import { z } from 'zod';
import { PacsInvalidQueryError, type PacsErrorContext } from './errors';
import type { StudyQuery } from './pacsClient';

/**
 * Checks a StudyQuery before anything is sent, and turns it into the matching keys both DICOMweb and DIMSE use.
 * Wildcards and multi-value separators are refused: the workflow always searches for one patient or exam, never
 * "all imaging" (guideline 2.3a), and a stray "*" would turn a patient search into a whole-archive search.
 */

/** PS3.5 9.1: a UID is dot-separated numbers without leading zeros, at most 64 characters. */
export const UID_PATTERN = /^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*$/;

/** True when `uid` is a syntactically valid DICOM UID. */
export function isDicomUid(uid: string): boolean {
  return uid.length > 0 && uid.length <= 64 && UID_PATTERN.test(uid);
}

/** PS3.4 C.2.2.2.4: "*" and "?" are wildcards in LO/SH/PN matching; PS3.5 6.2: "\" separates values. */
const NO_WILDCARDS = /^[^*?\\]*$/;

const localDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD')
  .refine((d) => {
    const t = new Date(`${d}T00:00:00Z`);
    return !Number.isNaN(t.getTime()) && t.toISOString().slice(0, 10) === d;
  }, 'is not a calendar date');

const schema = z
  .object({
    // LO (PS3.5 6.2): at most 64 characters.
    patientId: z.string().trim().min(1).max(64).regex(NO_WILDCARDS, 'must not contain * ? or \\').optional(),
    // SH: at most 16 characters.
    accessionNumber: z.string().trim().min(1).max(16).regex(NO_WILDCARDS, 'must not contain * ? or \\').optional(),
    studyInstanceUid: z.string().trim().refine(isDicomUid, 'is not a DICOM UID').optional(),
    studyDateFrom: localDate.optional(),
    studyDateTo: localDate.optional(),
    // CS: upper case letters, digits, space, underscore; at most 16.
    modality: z.string().trim().regex(/^[A-Z0-9_ ]{1,16}$/, 'must be a DICOM modality code such as CT').optional(),
  })
  .strict()
  .refine((q) => Boolean(q.patientId ?? q.accessionNumber ?? q.studyInstanceUid), {
    message: 'give a patient ID, accession number or Study Instance UID',
  })
  .refine((q) => !q.studyDateFrom || !q.studyDateTo || q.studyDateFrom <= q.studyDateTo, {
    message: 'the start date is after the end date',
    path: ['studyDateFrom'],
  });

/** The matching keys of a checked query, in DICOM value formats. */
export interface StudyMatch {
  patientId?: string;
  accessionNumber?: string;
  studyInstanceUid?: string;
  /** PS3.4 C.2.2.2.5 range matching: "YYYYMMDD-YYYYMMDD", "YYYYMMDD-" or "-YYYYMMDD". */
  studyDate?: string;
  modality?: string;
}

const da = (d: string | undefined) => (d ? d.replace(/-/g, '') : '');

/** Validates and normalises a query; throws PacsInvalidQueryError naming the field, never echoing its value. */
export function toStudyMatch(query: StudyQuery, ctx: PacsErrorContext = {}): StudyMatch {
  const parsed = schema.safeParse(query);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join('.') || 'query';
    throw new PacsInvalidQueryError(`${field} ${issue?.message ?? 'is invalid'}`, ctx);
  }
  const q = parsed.data;
  const match: StudyMatch = {};
  if (q.patientId) match.patientId = q.patientId;
  if (q.accessionNumber) match.accessionNumber = q.accessionNumber;
  if (q.studyInstanceUid) match.studyInstanceUid = q.studyInstanceUid;
  if (q.studyDateFrom || q.studyDateTo) {
    match.studyDate = q.studyDateFrom === q.studyDateTo ? da(q.studyDateFrom) : `${da(q.studyDateFrom)}-${da(q.studyDateTo)}`;
  }
  if (q.modality) match.modality = q.modality;
  return match;
}

/** Throws PacsInvalidQueryError unless `uid` is a valid Study Instance UID (checked before it goes into a URL or C-MOVE). */
export function checkStudyUid(uid: string, ctx: PacsErrorContext = {}): string {
  const trimmed = uid.trim();
  if (!isDicomUid(trimmed)) throw new PacsInvalidQueryError('the Study Instance UID is not a DICOM UID', ctx);
  return trimmed;
}
