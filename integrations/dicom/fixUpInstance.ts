import fs from 'node:fs';
import { fdIo, readAt } from './fdIo';
import { bufferSource, FileWindowSource } from './byteSource';
import { DicomFileError, DicomRewriteConfigError, fromFsError } from './errors';
import { parseDicomHeader, type DicomHeader } from './headerReader';
import { instanceProblems } from './instanceProblems';
import { planRewrite, type HeaderPart, type PatientRewrite } from './headerRewrite';
import { identityDigest } from './identity';

/** Proof that the file about to be rewritten is the one the identity check approved. */
export interface FixUpGuard {
  sopInstanceUid: string;
  /** identityDigest() of the header the check read. */
  identityDigest: string;
}

/** One rewritten instance (ids and sizes only). */
export interface FixUpResult {
  sopInstanceUid: string;
  studyInstanceUid: string;
  bytesIn: number;
  bytesOut: number;
  /** Tags changed, inserted or removed, e.g. "(0010,0020)". */
  modifiedTags: string[];
  /**
   * identityDigest() of the header as read (before the rewrite): lets a caller that rewrote an instance before the
   * identity check prove afterwards that the check approved exactly the header this output was made from.
   */
  identityDigest: string;
}

/**
 * Copy buffer per instance in flight. 1 MiB holds a whole 512x512x16-bit slice (about 0.5 MB) in one read, so a
 * typical CT instance costs one read and one gathered write; bigger instances are copied in 1 MiB steps, so memory
 * stays bounded whatever the study or instance size.
 */
export const COPY_CHUNK = 1024 * 1024;

/** What is left of a gathered write after `bytesWritten` bytes went (a short gathered write is legal). */
function unwritten(pending: Buffer[], bytesWritten: number): Buffer[] {
  let skip = bytesWritten;
  const rest: Buffer[] = [];
  for (const b of pending) {
    if (skip >= b.length) skip -= b.length;
    else {
      rest.push(skip > 0 ? b.subarray(skip) : b);
      skip = 0;
    }
  }
  if (bytesWritten === 0 && rest.length > 0) throw new DicomFileError('IO_ERROR', 'the output file accepted no bytes', { retryable: true });
  return rest;
}

async function writeAll(fd: number, buffers: Buffer[], outPath: string): Promise<void> {
  let pending = buffers.filter((b) => b.length > 0);
  while (pending.length > 0) {
    const bytesWritten = await fdIo.writev(fd, pending).catch((err: unknown) => {
      throw fromFsError(err, outPath, 'output');
    });
    pending = unwritten(pending, bytesWritten);
  }
}

/** writeAll with synchronous gathered writes (see fixUpInstanceBytes for why). */
function writeAllSync(fd: number, buffers: Buffer[], outPath: string): void {
  let pending = buffers.filter((b) => b.length > 0);
  while (pending.length > 0) {
    let bytesWritten: number;
    try {
      bytesWritten = fs.writevSync(fd, pending);
    } catch (err) {
      throw fromFsError(err, outPath, 'output');
    }
    pending = unwritten(pending, bytesWritten);
  }
}

/**
 * Rewrites one instance from `inPath` to `outPath` (see planRewrite): the new header, then every byte from Pixel Data
 * (7FE0,0010) to the end copied unchanged. Never holds more than the copy buffer plus the header. Writes to
 * `outPath + '.partial'` and renames, so a reader never sees half a file; on failure nothing is left behind.
 * Throws DicomFileError (with `path`), or DicomRewriteConfigError for bad settings.
 *
 * The bulk reads and writes go through the thread pool; open, stat, close and rename are synchronous: each takes
 * microseconds on a local file system, and a thread-pool round trip for each cost more than the call itself (on the
 * 3,000-instance bench study, 6 of 8 hand-offs per instance).
 *
 * `buffer` lets a caller reuse one copy buffer per worker (at least 64 KiB; COPY_CHUNK by default).
 */
export async function fixUpInstance(
  inPath: string,
  outPath: string,
  rewrite: PatientRewrite,
  opts: FixUpOptions = {},
): Promise<FixUpResult> {
  const buf = opts.buffer ?? Buffer.allocUnsafe(COPY_CHUNK);
  const partial = `${outPath}.partial`;
  let input: number | undefined;
  let output: number | undefined;
  try {
    input = fs.openSync(inPath, 'r');
    // One read of up to the buffer's size. A regular file reads short only at its end, so a short read is the whole
    // file and needs no stat; a longer file is stat-ed and streamed.
    const firstLength = await fdIo.read(input, buf, 0, buf.length, 0);
    const size = firstLength < buf.length ? firstLength : fs.fstatSync(input).size;
    const header = parseDicomHeader(new FileWindowSource(input, size, { start: 0, bytes: buf.subarray(0, firstLength) }));
    const { plan, digest } = prepare(header, rewrite, opts);
    const parts: HeaderPart[] = [...plan.parts];
    if (header.headerEnd < size) parts.push({ start: header.headerEnd, end: size });

    output = openPartial(partial, outPath);
    let pending: Buffer[] = [];
    let bytesOut = 0;
    // How many leading bytes of the file `buf` still holds; 0 once it has been reused for streaming.
    let cached = firstLength;
    for (const part of parts) {
      if (Buffer.isBuffer(part)) {
        pending.push(part);
        bytesOut += part.length;
        continue;
      }
      bytesOut += part.end - part.start;
      // The part of the range already in the first read is written straight from it...
      const inFirst = Math.min(part.end, cached);
      if (part.start < inFirst) pending.push(buf.subarray(part.start, inFirst));
      // ...the rest streams through the same buffer once what points into it has been written.
      for (let pos = Math.max(part.start, cached); pos < part.end; ) {
        if (pending.length > 0) {
          await writeAll(output, pending, outPath);
          pending = [];
        }
        cached = 0;
        const n = await readFully(input, buf, Math.min(buf.length, part.end - pos), pos);
        await writeAll(output, [buf.subarray(0, n)], outPath);
        pos += n;
      }
    }
    await writeAll(output, pending, outPath);
    fs.closeSync(output);
    output = undefined;
    commitPartial(partial, outPath);
    return resultOf(header, plan, digest, size, bytesOut);
  } catch (err) {
    if (output !== undefined) closeQuietly(output);
    output = undefined;
    fs.rmSync(partial, { force: true });
    if (err instanceof DicomRewriteConfigError) throw err;
    throw fromFsError(err, inPath);
  } finally {
    if (input !== undefined) closeQuietly(input);
  }
}

/** Options of fixUpInstance and fixUpInstanceBytes. */
export interface FixUpOptions {
  guard?: FixUpGuard;
  /** Copy buffer to reuse (fixUpInstance only). */
  buffer?: Buffer;
  /**
   * Sees the header as parsed, before anything is checked or written: the identity check (DeliveryCheck) judges the
   * very header this rewrite is made from, so each instance is read once and cannot change between check and rewrite.
   */
  onHeader?: (header: DicomHeader) => void;
}

/** The checks every rewrite makes once the header is read, then the plan. */
function prepare(header: DicomHeader, rewrite: PatientRewrite, opts: FixUpOptions): { plan: ReturnType<typeof planRewrite>; digest: string } {
  opts.onHeader?.(header);
  const problem = instanceProblems(header)[0];
  if (problem) throw problem;
  const digest = identityDigest(header);
  if (opts.guard && (opts.guard.sopInstanceUid !== header.sopInstanceUid || opts.guard.identityDigest !== digest)) {
    throw new DicomFileError('IDENTITY_CHANGED', 'the file is not the instance that passed the identity check');
  }
  return { plan: planRewrite(header, rewrite), digest };
}

/**
 * fixUpInstance for an instance already in memory (a WADO-RS part as it arrived): parses the header from `bytes`,
 * writes the new header and the untouched rest of `bytes` to `outPath` with one gathered write, via
 * `outPath + '.partial'` and a rename. The input never touches the disk, so a download costs one write per instance
 * instead of a write, a rename and a read back (docs/dicom-engine.md "Import pipeline"). `bytes` is not kept.
 */
export function fixUpInstanceBytes(bytes: Buffer, outPath: string, rewrite: PatientRewrite, opts: Omit<FixUpOptions, 'buffer'> = {}): FixUpResult {
  const partial = `${outPath}.partial`;
  let output: number | undefined;
  try {
    const header = parseDicomHeader(bufferSource(bytes));
    const { plan, digest } = prepare(header, rewrite, opts);
    const parts = plan.parts.map((p) => (Buffer.isBuffer(p) ? p : bytes.subarray(p.start, p.end)));
    if (header.headerEnd < bytes.length) parts.push(bytes.subarray(header.headerEnd));
    output = openPartial(partial, outPath);
    // Synchronous: one gathered write of about half a megabyte into the page cache takes tens of microseconds, less
    // than the thread-pool hand-off it would otherwise cost per instance (measured: bench/results/import.json).
    writeAllSync(output, parts, outPath);
    fs.closeSync(output);
    output = undefined;
    commitPartial(partial, outPath);
    return resultOf(header, plan, digest, bytes.length, parts.reduce((n, b) => n + b.length, 0));
  } catch (err) {
    if (output !== undefined) closeQuietly(output);
    fs.rmSync(partial, { force: true });
    if (err instanceof DicomRewriteConfigError || err instanceof DicomFileError) throw err;
    throw fromFsError(err, outPath, 'output');
  }
}

/** Opens the output's temporary name (a reader never sees half a file under the real one). */
function openPartial(partial: string, outPath: string): number {
  try {
    return fs.openSync(partial, 'w');
  } catch (err) {
    throw fromFsError(err, outPath, 'output');
  }
}

/** Gives the finished output its real name. */
function commitPartial(partial: string, outPath: string): void {
  try {
    fs.renameSync(partial, outPath);
  } catch (err) {
    throw fromFsError(err, outPath, 'output');
  }
}

function resultOf(header: DicomHeader, plan: ReturnType<typeof planRewrite>, digest: string, bytesIn: number, bytesOut: number): FixUpResult {
  return {
    sopInstanceUid: header.sopInstanceUid ?? '',
    studyInstanceUid: header.studyInstanceUid ?? '',
    bytesIn,
    bytesOut,
    modifiedTags: plan.modifiedTags,
    identityDigest: digest,
  };
}

function closeQuietly(fd: number): void {
  try {
    fs.closeSync(fd);
  } catch {
    /* already failing: the first error is the one to report */
  }
}

/** Reads exactly `length` bytes at `position` into the start of `buf`; a short file is TRUNCATED (it shrank under us). */
async function readFully(fd: number, buf: Buffer, length: number, position: number): Promise<number> {
  const n = await readAt(fd, buf, length, position);
  if (n < length) throw new DicomFileError('TRUNCATED', 'the file got shorter while it was being copied', { offset: position + n });
  return n;
}
