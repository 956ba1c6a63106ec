import fs from 'node:fs/promises';
import path from 'node:path';
import {
  COPY_CHUNK,
  DicomFileError,
  DicomRewriteConfigError,
  fixUpInstance,
  reconcileStudy,
  validatePatientRewrite,
  type ExpectedPatient,
  type FixUpResult,
  type ImportDecision,
  type PatientRewrite,
  type QuarantineDecision,
  type ReconcileOptions,
  type RequestedExam,
} from '../integrations/dicom';
import type { PacsCallContext, PacsClient, StoreOutcome } from '../integrations/pacs';

/**
 * The inbound path of an import as one pipeline (issue 5 "Speed"; design and figures in docs/dicom-engine.md,
 * "Import pipeline"): the delivery arrives (WADO-RS retrieve streamed to disk, or a CD's files), each instance is
 * rewritten (IHE IRWF.b fix-up) either as it lands or, by default, alongside the identity check, which reads every
 * header once the whole delivery is in; only then does anything go to PACS (STOW-RS of the rewritten files).
 *
 * WHY this order. Safety first (issue 5: "Hold the whole study in quarantine, and never send it to PACS" on any
 * doubt): PACS sees nothing until every instance of the delivery has been checked, so the check cannot overlap the
 * upload. What can overlap is the rewrite: it writes only to our private work folder, so doing it before the check is
 * harmless; it runs alongside the check (or, optionally, alongside the download). Each rewritten file is
 * then tied to the check: fixUpInstance returns the identity digest of the header it read, and an instance is sent
 * only if that digest and its SOP Instance UID equal what the check approved for the same file (else the delivery
 * is held, IDENTITY_CHANGED). A quarantine removes every rewritten file; nothing was sent.
 *
 * Memory is bounded whatever the study size: the download holds a few part buffers, each rewrite in flight holds one
 * COPY_CHUNK buffer (fixUpConcurrency of them), the check holds one header at a time, and STOW-RS streams from the
 * files. The queue of instances waiting for a rewrite is a list of paths.
 */

/** Everything the pipeline needs to know about one delivery, decided before the first byte arrives. */
export interface DeliveryImportSettings {
  /** Who the images must show (the request's patient). */
  expected: ExpectedPatient;
  requestedExams: readonly RequestedExam[];
  /** PAS's answer, our issuer, media errors... (reconcileStudy). */
  reconcile: ReconcileOptions;
  /** The whole rewrite, S number and issuer included; checked before anything is read. */
  rewrite: PatientRewrite;
  /** Private folder for the rewritten instances; emptied first, and emptied again when the delivery is held. */
  outDir: string;
  /** Instances rewritten at once (default 4 after the delivery, 2 while it arrives: the download needs a core). */
  fixUpConcurrency?: number;
  /**
   * Rewrite each instance as soon as it lands, overlapping the download (true), or once the whole delivery is in,
   * alongside the identity check (false, the default). Measured on this 2-core machine under other load, the staged
   * order was faster (docs/dicom-engine.md "Import pipeline"): the rewrites slowed the download more than they saved.
   * Safety is the same either way.
   */
  rewriteAsTheyLand?: boolean;
}

/** How long each stage ran (ms), for the benchmark and the logs. */
export interface DeliveryTimings {
  /** Until the last instance of the delivery had landed. */
  deliverMs: number;
  /** From then until the check had read every header and every rewrite had finished. */
  checkMs: number;
  /** STOW-RS of the rewritten instances. */
  storeMs: number;
}

/** What happened: sent to PACS (outcome per instance, failures included), or held with nothing sent. */
export type DeliveryImportResult =
  | { decision: ImportDecision; stored: StoreOutcome; files: number; timings: DeliveryTimings }
  | { decision: QuarantineDecision; files: number; timings: Omit<DeliveryTimings, 'storeMs'> };

/**
 * Brings a delivery in. `deliver` fetches it, calling `landed(file)` as each instance is complete on disk (so its
 * rewrite can start at once, with rewriteAsTheyLand), and resolves with every file of the delivery (files not yet
 * rewritten are rewritten then, alongside the check). A failing `deliver` throws through after the rewrites in flight have stopped and outDir is removed.
 *
 * Throws DicomRewriteConfigError for bad settings (before anything is read) and a retryable DicomFileError when a
 * rewrite hit a resource problem (disk full): the caller retries the whole step. PACS stores by SOP Instance UID, so
 * a retry after a partial upload leaves one copy of each instance.
 */
export async function importDelivery(
  settings: DeliveryImportSettings,
  deliver: (landed: (file: string) => void) => Promise<readonly string[]>,
  pacs: Pick<PacsClient, 'storeFiles'>,
  call: PacsCallContext = {},
): Promise<DeliveryImportResult> {
  validatePatientRewrite(settings.rewrite); // a settings problem is nobody's patient problem: fail before reading
  const t0 = performance.now();
  await fs.rm(settings.outDir, { recursive: true, force: true });
  await fs.mkdir(settings.outDir, { recursive: true });
  // 4 lanes once the delivery is in (the engine's measured best on 2 cores, docs/dicom-engine.md); 2 while it arrives.
  const rewrites = new EagerFixUp(settings.rewrite, settings.outDir, settings.fixUpConcurrency ?? (settings.rewriteAsTheyLand ? 2 : 4));

  const early = settings.rewriteAsTheyLand === true;
  let files: readonly string[];
  try {
    files = await deliver((file) => {
      if (early) rewrites.add(file);
    });
  } catch (err) {
    rewrites.stop();
    await rewrites.settled();
    await fs.rm(settings.outDir, { recursive: true, force: true });
    throw err;
  }
  for (const f of files) rewrites.add(f);
  const t1 = performance.now();

  // The check reads headers while the last rewrites finish.
  const [decision] = await Promise.all([reconcileStudy(files, settings.expected, settings.requestedExams, settings.reconcile), rewrites.settled()]);
  const t2 = performance.now();
  const held = async (d: QuarantineDecision): Promise<DeliveryImportResult> => {
    await fs.rm(settings.outDir, { recursive: true, force: true });
    return { decision: d, files: files.length, timings: { deliverMs: t1 - t0, checkMs: t2 - t1 } };
  };
  if (decision.decision === 'quarantine') return held(decision);

  // Every instance to send must have been rewritten from exactly the header the check approved.
  const send: string[] = [];
  const failures: Array<{ inPath: string; error: DicomFileError | DicomRewriteConfigError }> = [];
  for (const planned of decision.instances) {
    const done = rewrites.outcomeOf(planned.path);
    if (!done) failures.push({ inPath: planned.path, error: new DicomFileError('IO_ERROR', 'the instance was never rewritten', { path: planned.path }) });
    else if ('error' in done) failures.push({ inPath: planned.path, error: done.error });
    else if (done.result.sopInstanceUid !== planned.sopInstanceUid || done.result.identityDigest !== planned.identityDigest) {
      failures.push({ inPath: planned.path, error: new DicomFileError('IDENTITY_CHANGED', 'the rewritten file was not made from the header the identity check approved', { path: planned.path }) });
    } else send.push(done.outPath);
  }
  if (failures.length > 0) {
    await fs.rm(settings.outDir, { recursive: true, force: true });
    const configError = failures.find((f) => f.error instanceof DicomRewriteConfigError);
    if (configError) throw configError.error;
    const retryable = failures.find((f) => f.error.retryable);
    if (retryable) throw retryable.error;
    return held({
      decision: 'quarantine',
      reasons: failures.map((f) => ({
        code: 'FIX_UP_FAILED' as const,
        instances: 1,
        files: [f.inPath],
        studyInstanceUids: [],
        text: `An instance could not be rewritten (${f.error.code}): ${f.error.message}. Nothing was sent to PACS.`,
      })),
      fileErrors: failures.map((f) => ({ path: f.inPath, code: f.error.code, message: f.error.message, retryable: f.error.retryable })),
    });
  }

  const stored = await pacs.storeFiles(send, call);
  const t3 = performance.now();
  return { decision, stored, files: files.length, timings: { deliverMs: t1 - t0, checkMs: t2 - t1, storeMs: t3 - t2 } };
}

/**
 * Retrieves studies from a PACS (the IEP gateway, or a remote trust in the benchmark) into `inDir`/<study UID>/, one
 * after another, announcing each instance as it lands: the `deliver` of importDelivery for an IEP download.
 */
export function retrieveDelivery(
  source: Pick<PacsClient, 'retrieveStudy'>,
  studyInstanceUids: readonly string[],
  inDir: string,
  call: PacsCallContext = {},
): (landed: (file: string) => void) => Promise<string[]> {
  return async (landed) => {
    const files: string[] = [];
    for (const uid of studyInstanceUids) {
      const got = await source.retrieveStudy(uid, path.join(inDir, uid), { ...call, onInstance: (i) => landed(i.file) });
      files.push(...got.instances.map((i) => i.file));
    }
    return files;
  };
}

type RewriteOutcome = { outPath: string; result: FixUpResult } | { outPath: string; error: DicomFileError | DicomRewriteConfigError };

/**
 * Rewrites instances as they are added, a few at a time, each into outDir/<n>.dcm (names are ours: a CD's file names
 * can repeat across folders). Holds one copy buffer per lane, so memory does not grow with the delivery.
 */
class EagerFixUp {
  private readonly waiting: string[] = [];
  private readonly outcomes = new Map<string, RewriteOutcome>();
  private readonly queued = new Set<string>();
  private readonly idle: Buffer[] = [];
  private readonly lanes = new Set<Promise<void>>();
  private stopped = false;
  private seq = 0;

  constructor(
    private readonly rewrite: PatientRewrite,
    private readonly outDir: string,
    private readonly concurrency: number,
  ) {}

  /** Queues a file for its rewrite (once: adding it again does nothing). */
  add(inPath: string): void {
    if (this.stopped || this.queued.has(inPath)) return;
    this.queued.add(inPath);
    this.waiting.push(inPath);
    if (this.lanes.size < Math.max(1, this.concurrency)) {
      const lane = this.lane().finally(() => this.lanes.delete(lane));
      this.lanes.add(lane);
    }
  }

  /** No new rewrite starts (those in flight finish). */
  stop(): void {
    this.stopped = true;
    this.waiting.length = 0;
  }

  /** Resolves when every queued rewrite has finished (never rejects: failures are outcomes). */
  async settled(): Promise<void> {
    while (this.lanes.size > 0) await Promise.all(this.lanes);
  }

  outcomeOf(inPath: string): RewriteOutcome | undefined {
    return this.outcomes.get(inPath);
  }

  private async lane(): Promise<void> {
    const buffer = this.idle.pop() ?? Buffer.allocUnsafe(COPY_CHUNK);
    try {
      for (let inPath = this.waiting.shift(); inPath !== undefined; inPath = this.waiting.shift()) {
        this.seq += 1;
        const outPath = path.join(this.outDir, `${this.seq}.dcm`);
        try {
          const result = await fixUpInstance(inPath, outPath, this.rewrite, { buffer });
          this.outcomes.set(inPath, { outPath, result });
        } catch (err) {
          const error = err instanceof DicomFileError || err instanceof DicomRewriteConfigError ? err : new DicomFileError('IO_ERROR', 'the rewrite failed', { path: inPath, cause: err });
          this.outcomes.set(inPath, { outPath, error });
        }
      }
    } finally {
      this.idle.push(buffer);
    }
  }
}
