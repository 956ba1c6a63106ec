import fs from 'node:fs';
import { DicomFileError } from './errors';

/**
 * Random access to a file's bytes for the header reader, without allocating per read: `at()` makes a range
 * available and returns where it sits in `window`; read it from there at once, before the next `at()` call (which
 * may replace the window).
 */
export interface ByteSource {
  /** Total size in bytes (a file's size at open time). */
  readonly size: number;
  /** The bytes `at()` last made available. */
  readonly window: Buffer;
  /** Makes [position, position + length) available and returns its offset in `window`; TRUNCATED past the end. */
  at(position: number, length: number): number;
}

function truncatedAt(position: number): DicomFileError {
  return new DicomFileError('TRUNCATED', 'the file ends before the element it announces', { offset: position });
}

/** A whole file (or a test input) already in memory. */
export function bufferSource(buffer: Buffer): ByteSource {
  return {
    size: buffer.length,
    window: buffer,
    at(position, length) {
      if (position < 0 || length < 0 || position + length > buffer.length) throw truncatedAt(position);
      return position;
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
  window: Buffer;

  constructor(
    private readonly fd: number,
    readonly size: number,
    first: { start: number; bytes: Buffer } = { start: 0, bytes: Buffer.alloc(0) },
    private readonly windowSize = 64 * 1024,
  ) {
    this.windowStart = first.start;
    this.window = first.bytes;
  }

  at(position: number, length: number): number {
    if (position < 0 || length < 0 || position + length > this.size) throw truncatedAt(position);
    const offset = position - this.windowStart;
    if (offset >= 0 && offset + length <= this.window.length) return offset;
    const want = Math.min(Math.max(length, this.windowSize), this.size - position);
    // A fresh buffer, never the caller's first chunk: the caller may still be using that one.
    const next = Buffer.allocUnsafe(want);
    let filled = 0;
    while (filled < want) {
      const n = fs.readSync(this.fd, next, filled, want - filled, position + filled);
      if (n === 0) throw truncatedAt(position + filled); // the file shrank since we measured it
      filled += n;
    }
    this.windowStart = position;
    this.window = next;
    return 0;
  }
}
