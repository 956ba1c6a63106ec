import fs from 'node:fs/promises';
import path from 'node:path';
import { DicomFileError, DicomRewriteConfigError, fromFsError } from './errors';
import { COPY_CHUNK, fixUpInstance, type FixUpGuard, type FixUpResult } from './fixUpInstance';
import { validatePatientRewrite, type PatientRewrite } from './headerRewrite';

/** One instance to rewrite: where from, where to, and (from the identity check) the guard. */
export interface FixUpTask {
  inPath: string;
  outPath: string;
  guard?: FixUpGuard;
}

/** A failed instance: a per-file problem, or a setting that does not fit this study (e.g. accession too long). */
export interface FixUpFailure {
  inPath: string;
  error: DicomFileError | DicomRewriteConfigError;
}

/** The outcome for a whole study: all written, or none (failures listed, outputs removed). */
export interface FixUpStudyResult {
  written: Array<FixUpResult & { inPath: string; outPath: string }>;
  failures: FixUpFailure[];
  bytesIn: number;
  bytesOut: number;
  elapsedMs: number;
}

export interface FixUpStudyOptions {
  /**
   * Instances in flight at once. Each holds one COPY_CHUNK buffer, so memory is concurrency x 1 MiB whatever the
   * study size. Measured on 2 cores (bench/results/dicom.json): 4 keeps the disk and both cores busy.
   */
  concurrency?: number;
}

/**
 * Rewrites every instance of a study, streaming instance by instance with bounded parallelism (see fixUpInstance).
 * All or nothing: after the first failure no new instance starts, and everything this call wrote is removed, so a
 * partial study never reaches the output folder (and never PACS). Bad settings throw DicomRewriteConfigError before
 * any file is touched.
 */
export async function fixUpStudy(tasks: readonly FixUpTask[], rewrite: PatientRewrite, opts: FixUpStudyOptions = {}): Promise<FixUpStudyResult> {
  validatePatientRewrite(rewrite);
  const started = process.hrtime.bigint();
  const concurrency = Math.max(1, Math.min(opts.concurrency ?? 4, tasks.length || 1));
  const written: FixUpStudyResult['written'] = [];
  const failures: FixUpFailure[] = [];
  // One mkdir per folder, shared: a second worker must wait for the first one's mkdir, not skip it.
  const madeDirs = new Map<string, Promise<unknown>>();
  let next = 0;

  const worker = async (): Promise<void> => {
    const buffer = Buffer.allocUnsafe(COPY_CHUNK);
    while (failures.length === 0 && next < tasks.length) {
      const task = tasks[next++] as FixUpTask;
      try {
        const dir = path.dirname(task.outPath);
        let made = madeDirs.get(dir);
        if (!made) {
          made = fs.mkdir(dir, { recursive: true }).catch((err: unknown) => {
            throw fromFsError(err, dir, 'output');
          });
          madeDirs.set(dir, made);
        }
        await made;
        const result = await fixUpInstance(task.inPath, task.outPath, rewrite, { guard: task.guard, buffer });
        written.push({ ...result, inPath: task.inPath, outPath: task.outPath });
      } catch (err) {
        const error = err instanceof DicomFileError || err instanceof DicomRewriteConfigError ? err : fromFsError(err, task.inPath);
        failures.push({ inPath: task.inPath, error });
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));

  if (failures.length > 0) {
    await Promise.all(written.map((w) => fs.rm(w.outPath, { force: true })));
    written.length = 0;
  }
  return {
    written,
    failures,
    bytesIn: written.reduce((n, w) => n + w.bytesIn, 0),
    bytesOut: written.reduce((n, w) => n + w.bytesOut, 0),
    elapsedMs: Number(process.hrtime.bigint() - started) / 1e6,
  };
}
