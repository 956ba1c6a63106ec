import fs from 'node:fs';
import { DicomFileError } from './errors';

/**
 * Random access to a file's bytes for the header reader. Returned buffers may be views of an internal window: use
 * them before the next call, copy what you keep.
 */
export interface ByteSource {
  /** Total size in bytes (a file's size at open time). */
  readonly size: number;
  /** Exactly `length` bytes at `position`; throws TRUNCATED if they run past the end. */
  bytes(position: number, length: number): Buffer;
}

function truncatedAt(position: number): DicomFileError {
  return new DicomFileError('TRUNCATED', 'the file ends before the element it announces', { offset: position });
}

/** A whole file (or a test input) already in memory. */
export function bufferSource(buffer: Buffer): ByteSource {
  return {
    size: buffer.length,
    bytes(position, length) {
      if (position < 0 || length < 0 || position + length > buffer.length) throw truncatedAt(position);
      return buffer.subarray(position, position + length);
    },
  };
}

/**
 * A file read through a window. Starts from a chunk the caller already read (usually the whole header, often the
 * whole instance), and reads further windows synchronously only when an element lies beyond it.
 *
 * Why synchronous: the header of a typical instance is a few KiB inside the first chunk, so the fallback is rare, and a
 * page-cache pread of 64 KiB takes microseconds; an async parser would pay a promise per element for nothing.
 */
export class FileWindowSource implements ByteSource {
  private windowStart: number;
  private window: Buffer;

  constructor(
    private readonly fd: number,
    readonly size: number,
    first: { start: number; bytes: Buffer } = { start: 0, bytes: Buffer.alloc(0) },
    private readonly windowSize = 64 * 1024,
  ) {
    this.windowStart = first.start;
    this.window = first.bytes;
  }

  bytes(position: number, length: number): Buffer {
    if (position < 0 || length < 0 || position + length > this.size) throw truncatedAt(position);
    const offset = position - this.windowStart;
    if (offset >= 0 && offset + length <= this.window.length) return this.window.subarray(offset, offset + length);
    const want = Math.min(Math.max(length, this.windowSize), this.size - position);
    // A fresh buffer, not a reused one: views handed out earlier stay valid.
    const next = Buffer.allocUnsafe(want);
    let filled = 0;
    while (filled < want) {
      const n = fs.readSync(this.fd, next, filled, want - filled, position + filled);
      if (n === 0) throw truncatedAt(position + filled); // the file shrank since we measured it
      filled += n;
    }
    this.windowStart = position;
    this.window = next;
    return next.subarray(0, length);
  }
}
