import fs from 'node:fs/promises';
import path from 'node:path';
import { DicomRewriteConfigError } from './errors';
import { fixUpStudy, type FixUpStudyResult } from './fixUpStudy';
import { validatePatientRewrite, type PatientRewrite } from './headerRewrite';
import { reconcileStudy, type ImportDecision, type QuarantineDecision, type ReconcileOptions } from './reconcile';
import type { ExpectedPatient, RequestedExam } from './types';

export interface ImportStudyOptions extends ReconcileOptions {
  /** Where rewritten instances go, as <outDir>/<StudyInstanceUID>/<SOPInstanceUID>.dcm (UIDs are digits and dots). */
  outDir: string;
  /** The rest of the rewrite; the S number comes from the verified patient and the issuer from `ourIssuer`. */
  rewrite: Omit<PatientRewrite, 'sNumber' | 'issuer' | 'modifiedAt'> & { modifiedAt?: Date };
  /** Instances rewritten at once (default 4). */
  fixUpConcurrency?: number;
}

/** Imported: every instance of the requested studies rewritten into outDir, ready for PACS. */
export interface ImportedStudy extends ImportDecision {
  written: FixUpStudyResult['written'];
  bytesIn: number;
  bytesOut: number;
  elapsedMs: number;
}

export type ImportStudyResult = ImportedStudy | QuarantineDecision;

/**
 * The engine end to end: reconcileStudy (identity, one patient, requested exams, readable instances), then
 * fixUpStudy on the requested studies' instances only. Either every one of them is written, or nothing is:
 * - a safety finding returns 'quarantine' before any file is created;
 * - a permanent per-file failure during the rewrite removes what was written and returns 'quarantine'
 *   (FIX_UP_FAILED), so a partial study never reaches PACS;
 * - a retryable failure (disk full, too many open files) removes what was written and throws the DicomFileError, so
 *   the worker retries the whole step; a DicomRewriteConfigError is thrown as it is (fix the settings).
 */
export async function importStudy(
  files: readonly string[],
  expected: ExpectedPatient,
  requestedExams: readonly RequestedExam[],
  options: ImportStudyOptions,
): Promise<ImportStudyResult> {
  const rewrite: PatientRewrite = {
    ...options.rewrite,
    sNumber: expected.sNumber.trim().toUpperCase(),
    issuer: options.ourIssuer,
    modifiedAt: options.rewrite.modifiedAt ?? new Date(),
  };
  validatePatientRewrite(rewrite); // a settings problem is nobody's patient problem: fail before reading anything

  const decision = await reconcileStudy(files, expected, requestedExams, options);
  if (decision.decision === 'quarantine') return decision;

  const tasks = decision.instances.map((i) => ({
    inPath: i.path,
    outPath: path.join(options.outDir, i.studyInstanceUid, `${i.sopInstanceUid}.dcm`),
    guard: { sopInstanceUid: i.sopInstanceUid, identityDigest: i.identityDigest },
  }));
  const result = await fixUpStudy(tasks, rewrite, { concurrency: options.fixUpConcurrency });
  if (result.failures.length === 0) {
    return { ...decision, written: result.written, bytesIn: result.bytesIn, bytesOut: result.bytesOut, elapsedMs: result.elapsedMs };
  }

  // fixUpStudy removed its files; remove the study folders it made, so outDir is as it was.
  for (const study of decision.studies) await fs.rmdir(path.join(options.outDir, study.studyInstanceUid)).catch(() => undefined);
  const configError = result.failures.find((f) => f.error instanceof DicomRewriteConfigError);
  if (configError) throw configError.error;
  const retryable = result.failures.find((f) => f.error.retryable);
  if (retryable) throw retryable.error;
  return {
    decision: 'quarantine',
    reasons: result.failures.map((f) => ({
      code: 'FIX_UP_FAILED' as const,
      instances: 1,
      files: [f.inPath],
      studyInstanceUids: [],
      text: `An instance could not be rewritten (${f.error.code}): ${f.error.message}. Nothing was written.`,
    })),
    fileErrors: result.failures.map((f) => ({ path: f.inPath, code: f.error.code, message: f.error.message, retryable: f.error.retryable })),
  };
}
