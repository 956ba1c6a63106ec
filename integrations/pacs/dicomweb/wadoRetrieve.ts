import { once } from 'node:events';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import { randomUUID } from 'node:crypto';
import {
  PacsError,
  PacsLocalFileError,
  PacsMalformedResponseError,
  PacsRetrieveIncompleteError,
  PacsStudyNotFoundError,
  type PacsErrorContext,
} from '../errors';
import type { RetrievedInstance, RetrievedStudy } from '../pacsClient';
import { parsePartTenMeta } from '../partTenMeta';
import { MultipartFormatError, MultipartSplitter, parseMediaType } from './multipartSplitter';
import type { DicomWebTransport } from './httpTransport';

/**
 * WADO-RS "Retrieve Study" (PS3.18 10.4, GET {root}/studies/{uid}) streamed to disk: the multipart/related answer is
 * split as it arrives and each part is written to its own file while it is still downloading, so a 1 GB CT never sits
 * in memory. `transfer-syntax=*` asks for the instances as stored (PS3.18 8.7.3.5.2): no transcoding on the PACS, and
 * the files are the PACS's own bytes. Files are named <SOP Instance UID>.dcm, so a retry overwrites rather than adds.
 */
export interface WadoOptions {
  timeoutMs: number;
  idleTimeoutMs: number;
  call: PacsErrorContext;
  onInstance?: (instance: RetrievedInstance) => void;
  takeInMemory?: (part: Buffer) => Promise<void>;
}

/** PS3.18 8.7.3.3.2 Accept for Part 10 instances in their stored transfer syntax. */
export const WADO_ACCEPT = 'multipart/related; type="application/dicom"; transfer-syntax=*';

export async function wadoRetrieveStudy(
  transport: DicomWebTransport,
  studyUid: string,
  folder: string,
  opts: WadoOptions,
): Promise<RetrievedStudy> {
  const ctx = opts.call;
  await fsp.mkdir(folder, { recursive: true }).catch((err: NodeJS.ErrnoException) => {
    throw new PacsLocalFileError(err.code, 'write', ctx, { cause: err });
  });
  const open = await transport.open({
    method: 'GET',
    url: transport.url(`studies/${studyUid}`),
    headers: { accept: WADO_ACCEPT },
    responseTimeoutMs: opts.timeoutMs,
    idleTimeoutMs: opts.idleTimeoutMs,
    call: ctx,
  });
  const status = open.res.statusCode ?? 0;
  if (status === 404) {
    open.res.resume();
    throw new PacsStudyNotFoundError(ctx);
  }
  if (status !== 200) throw await transport.httpError(open, ctx);
  const media = parseMediaType(open.res.headers['content-type']);
  const boundary = media?.params.boundary;
  if (media?.type !== 'multipart/related' || !boundary) {
    open.res.destroy();
    throw new PacsMalformedResponseError('retrieve answer is not multipart/related with a boundary', ctx);
  }
  if (media.params.type && media.params.type.toLowerCase() !== 'application/dicom') {
    open.res.destroy();
    throw new PacsMalformedResponseError('retrieve answer parts are not application/dicom', ctx);
  }

  const sink = new PartSink(folder, ctx, opts.onInstance, opts.takeInMemory);
  try {
    const splitter = new MultipartSplitter(boundary);
    try {
      for await (const chunk of open.res) {
        for (const event of splitter.push(chunk as Buffer)) await sink.handle(event);
      }
    } catch (err) {
      if (err instanceof PacsError || err instanceof MultipartFormatError) throw err;
      throw open.fail(err);
    }
    splitter.end();
    await sink.settle();
  } catch (err) {
    open.res.destroy();
    await sink.abandon();
    if (err instanceof MultipartFormatError) {
      // Cut off after some instances arrived reads as a dropped connection (Orthanc ends the body by closing it).
      if (sink.completedParts > 0 && /before the closing boundary/.test(err.problem)) {
        throw new PacsRetrieveIncompleteError(sink.completedParts, 0, ctx);
      }
      throw new PacsMalformedResponseError(`retrieve answer: ${err.problem}`, ctx, { cause: err });
    }
    throw err;
  }
  if (sink.instances.length === 0 && sink.takenInMemory === 0) throw new PacsStudyNotFoundError(ctx);
  return {
    studyInstanceUid: studyUid,
    folder,
    instances: sink.instances,
    ...(opts.takeInMemory ? { takenInMemory: sink.takenInMemory } : {}),
    bytes: sink.instances.reduce((n, i) => n + i.bytes, 0) + sink.takenBytes,
  };
}

/** Bytes of a part's start that hold its meta group (PS3.10 7.1: a few hundred bytes; partTenMeta reads up to this). */
const HEAD_BYTES = 64 * 1024;
/**
 * A part up to this size is gathered in memory and written with one call once complete (a CT or MR slice is about
 * 0.5 MB); a bigger one (multi-frame) spills to a write stream as it arrives. Per-chunk writes through a stream cost
 * this client more CPU than the download itself and, with node's 16 KiB stream buffer, made every socket chunk wait
 * for the disk: the retrieve ran at a fifth of the speed Orthanc serves it (bench/results/import.json).
 */
const IN_MEMORY_PART = 2 * 1024 * 1024;
/** Write buffer of a spilled part's stream: well above a socket chunk, so the reader rarely waits for the disk. */
const SPILL_WRITE_BUFFER = 1024 * 1024;
/**
 * Completed parts being written, checked and renamed in the background while the next ones arrive; beyond this the
 * reader waits. Memory: about (FINISHING_PARTS + 1) x IN_MEMORY_PART at most, whatever the study size.
 */
const FINISHING_PARTS = 4;

interface PartInProgress {
  seq: number;
  bytes: number;
  /** Gathered body while the part is small (views of the socket's chunks). */
  chunks: Buffer[];
  /** Once the part outgrew IN_MEMORY_PART: its temporary file and stream. */
  spill?: { file: string; stream: fs.WriteStream; failed?: Error };
}

/**
 * Writes each part to its own file, named by its SOP Instance UID once complete (temporary name, then rename, so a
 * reader never sees half an instance under a real name). A completed part is written, checked and renamed in the
 * background (up to FINISHING_PARTS at once) while the next parts are read, so file system calls never stall the
 * download.
 */
class PartSink {
  readonly instances: RetrievedInstance[] = [];
  private current?: PartInProgress;
  private readonly finishing = new Set<Promise<void>>();
  private readonly finished: Array<RetrievedInstance | undefined> = [];
  private finishError?: unknown;
  private readonly tag = randomUUID().slice(0, 8);
  private seq = 0;
  /** Parts handed over in memory, and their bytes. */
  takenInMemory = 0;
  takenBytes = 0;

  constructor(
    private readonly folder: string,
    private readonly ctx: PacsErrorContext,
    private readonly onInstance?: (instance: RetrievedInstance) => void,
    private readonly takeInMemory?: (part: Buffer) => Promise<void>,
  ) {}

  async handle(event: ReturnType<MultipartSplitter['push']>[number]): Promise<void> {
    try {
      if (event.kind === 'headers') this.start(event.headers);
      else if (event.kind === 'body') await this.write(event.bytes);
      else await this.complete();
    } catch (err) {
      throw this.asPacsError(err);
    }
  }

  /** Waits for every completed part to be on disk under its name; `instances` then lists them in arrival order. */
  async settle(): Promise<void> {
    await Promise.all(this.finishing);
    if (this.finishError) throw this.asPacsError(this.finishError);
    this.instances.push(...this.finished.filter((i): i is RetrievedInstance => i !== undefined));
  }

  /** Drops the part being received, if any (completed files stay: a retry overwrites them). */
  async abandon(): Promise<void> {
    await Promise.allSettled(this.finishing);
    const spill = this.current?.spill;
    this.current = undefined;
    if (!spill) return;
    spill.stream.destroy();
    await fsp.rm(spill.file, { force: true });
  }

  /** How many parts have been completed (on disk or still being finished). */
  get completedParts(): number {
    return this.finished.length;
  }

  private asPacsError(err: unknown): unknown {
    if (err instanceof PacsError) return err;
    const e = err as NodeJS.ErrnoException;
    return new PacsLocalFileError(e.code, 'write', this.ctx, { cause: err });
  }

  private tempFile(seq: number): string {
    return path.join(this.folder, `.wado-${this.tag}-${seq}.part`);
  }

  private start(headers: Record<string, string>): void {
    const type = parseMediaType(headers['content-type'])?.type;
    if (type !== undefined && type !== 'application/dicom') {
      throw new PacsMalformedResponseError(`part ${this.seq + 1} is ${type}, not application/dicom`, this.ctx);
    }
    if (this.finishError) throw this.finishError;
    this.seq += 1;
    this.current = { seq: this.seq, bytes: 0, chunks: [] };
  }

  private async write(bytes: Buffer): Promise<void> {
    const c = this.current;
    if (!c) return;
    c.bytes += bytes.length;
    if (!c.spill) {
      c.chunks.push(bytes);
      if (c.bytes <= IN_MEMORY_PART) return;
      // Too big to gather: from here on it streams to its temporary file. The first chunks (and so the meta group)
      // stay in `chunks`; they are written first.
      const file = this.tempFile(c.seq);
      const stream = fs.createWriteStream(file, { highWaterMark: SPILL_WRITE_BUFFER });
      const spill: NonNullable<PartInProgress['spill']> = { file, stream };
      // Kept, not thrown here: an open or write failure surfaces on the next write or at close.
      stream.on('error', (err) => (spill.failed ??= err));
      c.spill = spill;
      const gathered = Buffer.concat(c.chunks);
      c.chunks = [gathered.subarray(0, Math.min(gathered.length, HEAD_BYTES))];
      if (!stream.write(gathered)) await once(stream, 'drain');
      return;
    }
    if (c.spill.failed) throw c.spill.failed;
    // Backpressure: stop reading the response while the disk catches up (once() also rejects on 'error').
    if (!c.spill.stream.write(bytes)) await once(c.spill.stream, 'drain');
  }

  private async complete(): Promise<void> {
    const c = this.current;
    if (!c) return;
    if (c.spill?.failed) throw c.spill.failed;
    this.current = undefined;
    if (this.takeInMemory && !c.spill) {
      // Held whole already: hand it over instead of a write, a rename and the caller's read back.
      const meta = parsePartTenMeta(headOf(c.chunks));
      if (!meta || !/^[0-9.]{1,64}$/.test(meta.sopInstanceUid)) throw new PacsMalformedResponseError(`part ${c.seq} is not a DICOM Part 10 instance`, this.ctx);
      const bytes = c.chunks.length === 1 ? (c.chunks[0] as Buffer) : Buffer.concat(c.chunks, c.bytes);
      this.finished.push(undefined);
      this.takenInMemory += 1;
      this.takenBytes += c.bytes;
      await this.takeInMemory(bytes);
      return;
    }
    c.spill?.stream.end();
    const index = this.finished.length;
    this.finished.push(undefined);
    const done = this.finish(c, index).catch((err: unknown) => {
      this.finishError ??= err;
    });
    this.finishing.add(done);
    void done.then(() => this.finishing.delete(done));
    while (this.finishing.size >= FINISHING_PARTS) await Promise.race(this.finishing);
    if (this.finishError) throw this.finishError;
  }

  private async finish(c: PartInProgress, index: number): Promise<void> {
    const temp = c.spill?.file ?? this.tempFile(c.seq);
    if (c.spill) await finished(c.spill.stream);
    else await writeChunks(temp, c.chunks);
    const meta = parsePartTenMeta(headOf(c.chunks));
    if (!meta || !/^[0-9.]{1,64}$/.test(meta.sopInstanceUid)) {
      await fsp.rm(temp, { force: true });
      throw new PacsMalformedResponseError(`part ${c.seq} is not a DICOM Part 10 instance`, this.ctx);
    }
    const file = path.join(this.folder, `${meta.sopInstanceUid}.dcm`);
    await fsp.rename(temp, file);
    const instance = { file, sopInstanceUid: meta.sopInstanceUid, bytes: c.bytes };
    this.finished[index] = instance;
    try {
      this.onInstance?.(instance);
    } catch {
      /* a progress callback must not fail the retrieve */
    }
  }
}

/** Writes the gathered chunks of a part with one gathered write per call (no copy into one buffer first). */
async function writeChunks(file: string, chunks: Buffer[]): Promise<void> {
  const handle = await fsp.open(file, 'w');
  try {
    let pending = chunks.filter((b) => b.length > 0);
    while (pending.length > 0) {
      const { bytesWritten } = await handle.writev(pending);
      // A short gathered write is legal; continue from where it stopped.
      let skip = bytesWritten;
      const rest: Buffer[] = [];
      for (const b of pending) {
        if (skip >= b.length) skip -= b.length;
        else {
          rest.push(skip > 0 ? b.subarray(skip) : b);
          skip = 0;
        }
      }
      if (bytesWritten === 0 && rest.length > 0) throw Object.assign(new Error('the part file accepted no bytes'), { code: 'EIO' });
      pending = rest;
    }
  } finally {
    await handle.close();
  }
}

/** The first HEAD_BYTES of a part from its chunks (the meta group is in the first one in practice). */
function headOf(chunks: Buffer[]): Buffer {
  const first = chunks[0] ?? Buffer.alloc(0);
  if (first.length >= HEAD_BYTES || chunks.length === 1) return first.subarray(0, HEAD_BYTES);
  const head: Buffer[] = [];
  let n = 0;
  for (const c of chunks) {
    if (n >= HEAD_BYTES) break;
    head.push(c);
    n += c.length;
  }
  return Buffer.concat(head).subarray(0, HEAD_BYTES);
}
