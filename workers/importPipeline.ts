import fs from 'node:fs/promises';
import path from 'node:path';
import {
  COPY_CHUNK,
  DeliveryCheck,
  DicomFileError,
  DicomRewriteConfigError,
  fixUpInstance,
  fixUpInstanceBytes,
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
 * "Import pipeline"): the delivery arrives (a WADO-RS retrieve whose instances are handed over in memory, or a CD's
 * files), each instance's header is read once and given to the identity check (DeliveryCheck) and the IHE IRWF.b
 * rewrite is made from those same bytes into our private work folder, as the instance lands; when the whole delivery
 * is in, the check decides, and only then does anything go to PACS (STOW-RS of the rewritten files).
 *
 * WHY this order. Safety first (issue 5: "Hold the whole study in quarantine, and never send it to PACS" on any
 * doubt): PACS sees nothing until every instance of the delivery has been checked, so the check cannot overlap the
 * upload. What can overlap is the download, the check and the rewrite: the rewrite writes only to our private work
 * folder, so doing it before the decision is harmless. The check judges exactly the header the rewrite was made from
 * (one parse per instance, handed to both), and an instance is sent only if its rewrite succeeded from the header the
 * decision approved (same SOP Instance UID and identity digest; else the delivery is held, IDENTITY_CHANGED). A
 * quarantine removes every rewritten file; nothing was sent.
 *
 * WHY in memory. A downloaded slice (~0.5 MB) used to be written to disk, renamed, read back for the check and read
 * again for the rewrite; now the retrieve hands each part over in memory and the only write is the rewritten file.
 * That halved the time to "all checked and rewritten" on the benchmark study (docs/performance.md).
 *
 * Memory is bounded whatever the study size: at most `fixUpConcurrency` instances are being rewritten (each an
 * in-memory part of at most 2 MiB, or one COPY_CHUNK buffer for a file), the download waits for a free lane, the
 * check keeps a few facts per instance (no pixel data), and STOW-RS streams from the files.
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
  /** Instances checked and rewritten at once (default 4). */
  fixUpConcurrency?: number;
  /**
   * For instances that land as files (a DIMSE retrieve): rewrite each as soon as it lands (true) or once the whole
   * delivery is in (false, the default: on 2 cores the file rewrites slowed a file-writing download more than they
   * saved). Instances handed over in memory are always checked and rewritten as they land. Safety is the same.
   */
  rewriteAsTheyLand?: boolean;
}

/** How long each stage ran (ms), for the benchmark and the logs. */
export interface DeliveryTimings {
  /** Until the last instance of the delivery had landed (in memory ones checked and rewritten as they came). */
  deliverMs: number;
  /** From then until every instance had been checked and rewritten, and the check had decided. */
  checkMs: number;
  /** STOW-RS of the rewritten instances. */
  storeMs: number;
}

/** What happened: sent to PACS (outcome per instance, failures included), or held with nothing sent. */
export type DeliveryImportResult =
  | { decision: ImportDecision; stored: StoreOutcome; files: number; timings: DeliveryTimings }
  | { decision: QuarantineDecision; files: number; timings: Omit<DeliveryTimings, 'storeMs'> };

/**
 * How a delivery arrives: `deliver(landed, take)` fetches it and resolves with every file it put on disk. Instances
 * that land as files are announced with `landed(file)`; instances held in memory are handed over with
 * `take(bytes, label)` (await it: it resolves when a lane is free, which is the download's backpressure), where
 * `label` names the instance for the analyst and the audit. A CD just resolves with its files.
 */
export type DeliverFn = (landed: (file: string) => void, take: (bytes: Buffer, label: string) => Promise<void>) => Promise<readonly string[]>;

/**
 * Brings a delivery in (see DeliverFn): each instance is checked and rewritten as it lands (files, by default, once
 * the delivery is in), then the check decides over the whole delivery and only an approved delivery is sent to PACS.
 * A failing `deliver` throws through after the rewrites in flight have stopped and outDir is removed.
 *
 * Throws DicomRewriteConfigError for bad settings (before anything is read) and a retryable DicomFileError when a
 * rewrite hit a resource problem (disk full): the caller retries the whole step. PACS stores by SOP Instance UID, so
 * a retry after a partial upload leaves one copy of each instance.
 */
export async function importDelivery(
  settings: DeliveryImportSettings,
  deliver: DeliverFn,
  pacs: Pick<PacsClient, 'storeFiles'>,
  call: PacsCallContext = {},
): Promise<DeliveryImportResult> {
  validatePatientRewrite(settings.rewrite); // a settings problem is nobody's patient problem: fail before reading
  const t0 = performance.now();
  await fs.rm(settings.outDir, { recursive: true, force: true });
  await fs.mkdir(settings.outDir, { recursive: true });
  const check = new DeliveryCheck(settings.expected, settings.requestedExams, settings.reconcile);
  // 4 lanes: the engine's measured best on 2 cores (docs/dicom-engine.md).
  const lanes = new CheckAndRewrite(settings.rewrite, settings.outDir, settings.fixUpConcurrency ?? 4, check);

  const early = settings.rewriteAsTheyLand === true;
  let files: readonly string[];
  try {
    files = await deliver(
      (file) => {
        if (early) lanes.addFile(file);
      },
      (bytes, label) => lanes.takeBytes(bytes, label),
    );
  } catch (err) {
    lanes.stop();
    await lanes.settled();
    await fs.rm(settings.outDir, { recursive: true, force: true });
    throw err;
  }
  for (const f of files) lanes.addFile(f);
  const t1 = performance.now();

  await lanes.settled();
  const decision = check.decide();
  const t2 = performance.now();
  const held = async (d: QuarantineDecision): Promise<DeliveryImportResult> => {
    await fs.rm(settings.outDir, { recursive: true, force: true });
    return { decision: d, files: check.instances, timings: { deliverMs: t1 - t0, checkMs: t2 - t1 } };
  };
  if (decision.decision === 'quarantine') return held(decision);

  // Every instance to send must have been rewritten from exactly the header the check approved.
  const send: string[] = [];
  const failures: Array<{ inPath: string; error: DicomFileError | DicomRewriteConfigError }> = [];
  for (const planned of decision.instances) {
    const done = lanes.outcomeOf(planned.path);
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
  return { decision, stored, files: check.instances, timings: { deliverMs: t1 - t0, checkMs: t2 - t1, storeMs: t3 - t2 } };
}

/**
 * Retrieves studies from a PACS (the IEP gateway, or a remote trust in the benchmark), one after another, handing
 * each instance over as it lands (in memory; a file under `inDir`/<study UID>/ when it is too big to hold, or when the
 * client is DIMSE): the `deliver` of importDelivery for an IEP download.
 */
export function retrieveDelivery(
  source: Pick<PacsClient, 'retrieveStudy'>,
  studyInstanceUids: readonly string[],
  inDir: string,
  call: PacsCallContext = {},
): DeliverFn {
  return async (landed, take) => {
    const files: string[] = [];
    for (const uid of studyInstanceUids) {
      let n = 0;
      const got = await source.retrieveStudy(uid, path.join(inDir, uid), {
        ...call,
        onInstance: (i) => landed(i.file),
        // Slices come over in memory (no input file at all); a big multi-frame instance still lands as a file.
        takeInMemory: (bytes) => take(bytes, `study ${uid}, instance ${(n += 1)} as received`),
      });
      files.push(...got.instances.map((i) => i.file));
    }
    return files;
  };
}

type RewriteOutcome = { outPath: string; result: FixUpResult } | { outPath: string; error: DicomFileError | DicomRewriteConfigError };

type Task = { kind: 'file'; label: string } | { kind: 'bytes'; label: string; bytes: Buffer };

/**
 * Checks and rewrites instances as they are added, a few at a time, each into outDir/<n>.dcm (names are ours: a CD's
 * file names can repeat across folders). The header each rewrite parses is the one given to the check, so every
 * instance is read once. Holds one copy buffer per lane (files) or the in-memory part being rewritten, so memory
 * does not grow with the delivery; the queue of files waiting is a list of paths, and takeBytes waits for a lane.
 */
class CheckAndRewrite {
  private readonly waiting: Task[] = [];
  /** In-memory instances among `waiting` (what takeBytes bounds). */
  private waitingBytes = 0;
  private readonly outcomes = new Map<string, RewriteOutcome>();
  private readonly queued = new Set<string>();
  private readonly idle: Buffer[] = [];
  private readonly lanes = new Set<Promise<void>>();
  /** Resolvers of takeBytes calls waiting for room. */
  private readonly roomWaiters: Array<() => void> = [];
  private stopped = false;
  private seq = 0;

  constructor(
    private readonly rewrite: PatientRewrite,
    private readonly outDir: string,
    private readonly concurrency: number,
    private readonly check: DeliveryCheck,
  ) {}

  /** Queues a file (once: adding it again does nothing). */
  addFile(inPath: string): void {
    if (this.stopped || this.queued.has(inPath)) return;
    this.queued.add(inPath);
    this.enqueue({ kind: 'file', label: inPath });
  }

  /** Queues an instance held in memory; resolves once fewer than `concurrency` instances wait for a lane. */
  async takeBytes(bytes: Buffer, label: string): Promise<void> {
    if (this.stopped) throw new Error('the import was stopped');
    // Labels key the outcomes: keep them unique (a caller's names can repeat, like a CD's file names across folders).
    let unique = label;
    for (let k = 2; this.queued.has(unique); k += 1) unique = `${label} (${k})`;
    this.queued.add(unique);
    this.enqueue({ kind: 'bytes', label: unique, bytes });
    while (!this.stopped && this.waitingBytes >= Math.max(1, this.concurrency)) {
      await new Promise<void>((resolve) => this.roomWaiters.push(resolve));
    }
  }

  /** No new rewrite starts (those in flight finish). */
  stop(): void {
    this.stopped = true;
    this.waiting.length = 0;
    this.waitingBytes = 0;
    for (const wake of this.roomWaiters.splice(0)) wake();
  }

  /** Resolves when every queued rewrite has finished (never rejects: failures are outcomes). */
  async settled(): Promise<void> {
    while (this.lanes.size > 0) await Promise.all(this.lanes);
  }

  outcomeOf(label: string): RewriteOutcome | undefined {
    return this.outcomes.get(label);
  }

  private enqueue(task: Task): void {
    this.waiting.push(task);
    if (task.kind === 'bytes') this.waitingBytes += 1;
    if (this.lanes.size < Math.max(1, this.concurrency)) {
      const lane = this.lane().finally(() => this.lanes.delete(lane));
      this.lanes.add(lane);
    }
  }

  private async lane(): Promise<void> {
    let buffer: Buffer | undefined;
    try {
      for (let task = this.waiting.shift(); task !== undefined; task = this.waiting.shift()) {
        if (task.kind === 'bytes') {
          this.waitingBytes -= 1;
          this.roomWaiters.shift()?.();
        }
        this.seq += 1;
        const outPath = path.join(this.outDir, `${this.seq}.dcm`);
        const label = task.label;
        let judged = false;
        const onHeader = (header: Parameters<DeliveryCheck['addHeader']>[1]) => {
          judged = true;
          this.check.addHeader(label, header);
        };
        try {
          const result =
            task.kind === 'bytes'
              ? await fixUpInstanceBytes(task.bytes, outPath, this.rewrite, { onHeader })
              : await fixUpInstance(task.label, outPath, this.rewrite, { buffer: (buffer ??= this.idle.pop() ?? Buffer.allocUnsafe(COPY_CHUNK)), onHeader });
          this.outcomes.set(label, { outPath, result });
        } catch (err) {
          // Not even a header: the check must hear of it (a header it judged already carries its own problems).
          if (!judged) this.check.addError(label, err);
          const error = err instanceof DicomFileError || err instanceof DicomRewriteConfigError ? err : new DicomFileError('IO_ERROR', 'the rewrite failed', { path: label, cause: err });
          this.outcomes.set(label, { outPath, error });
        }
      }
    } finally {
      if (buffer) this.idle.push(buffer);
    }
  }
}
