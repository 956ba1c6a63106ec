/**
 * An incremental splitter for a multipart body (RFC 2046 5.1.1), as WADO-RS sends a study (PS3.18 8.7.3.3.2:
 * multipart/related; type="application/dicom", one Part 10 instance per part). Fed chunks as they arrive, it returns
 * events: a part's headers, slices of its body (views of the chunk, not copies), and its end. It holds at most one
 * delimiter's worth of body between chunks, so memory does not grow with the part or the study.
 *
 * Hand-written because no dependency of ours parses multipart/related as a stream: busboy and formidable only handle
 * multipart/form-data (they need Content-Disposition on every part), and neither is a dependency of this project.
 */
export type MultipartEvent =
  | { kind: 'headers'; headers: Record<string, string> }
  | { kind: 'body'; bytes: Buffer }
  | { kind: 'end-part' };

/** The body does not follow RFC 2046 (missing boundary, runaway headers, cut short). */
export class MultipartFormatError extends Error {
  constructor(readonly problem: string) {
    super(problem);
    this.name = 'MultipartFormatError';
  }
}

type State = 'preamble' | 'after-delimiter' | 'headers' | 'body' | 'done';

const CRLF = Buffer.from('\r\n');
const HEADERS_END = Buffer.from('\r\n\r\n');
/** Part headers are a few lines; a peer sending more is not sending multipart. */
const MAX_HEADER_BYTES = 16 * 1024;

export class MultipartSplitter {
  /** "\r\n--boundary": the CRLF belongs to the delimiter, not to the part before it (RFC 2046 5.1.1). */
  private readonly delimiter: Buffer;
  // The virtual CRLF lets a body that starts with "--boundary" (no preamble) match the delimiter.
  private pending: Buffer = Buffer.from(CRLF);
  private state: State = 'preamble';
  private parts = 0;

  constructor(boundary: string) {
    if (!boundary || boundary.length > 200) throw new MultipartFormatError('boundary missing or too long');
    this.delimiter = Buffer.from(`\r\n--${boundary}`, 'latin1');
  }

  /** How many parts have ended so far. */
  get completedParts(): number {
    return this.parts;
  }

  /** Feeds one chunk; returns the events it completes, in order. */
  push(chunk: Buffer): MultipartEvent[] {
    if (this.state === 'done') return [];
    const events: MultipartEvent[] = [];
    if (this.state === 'body' && this.pending.length > 0 && chunk.length >= this.delimiter.length && !this.delimiterStraddles(chunk)) {
      // In a body, what is left over is a tail shorter than the delimiter. When no delimiter starts in it, it is body:
      // hand it over and go on with the chunk itself, instead of copying every chunk onto the tail (a study is
      // hundreds of megabytes; the copies and the garbage they made cost more than the parsing).
      events.push({ kind: 'body', bytes: this.pending });
      this.pending = chunk;
    } else {
      this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    }
    while (this.step(events));
    return events;
  }

  /** Whether a delimiter starts in the pending tail and runs on into `chunk`. */
  private delimiterStraddles(chunk: Buffer): boolean {
    const joint = Buffer.concat([this.pending, chunk.subarray(0, this.delimiter.length)]);
    const at = joint.indexOf(this.delimiter);
    return at >= 0 && at < this.pending.length;
  }

  /** Call at end of input: throws MultipartFormatError unless the close delimiter ("--boundary--") was seen. */
  end(): void {
    if (this.state !== 'done') {
      throw new MultipartFormatError(this.state === 'preamble' ? 'no boundary found' : 'body ended before the closing boundary');
    }
  }

  /** Advances the state machine once; false when it needs more input. */
  private step(events: MultipartEvent[]): boolean {
    switch (this.state) {
      case 'preamble': {
        const at = this.pending.indexOf(this.delimiter);
        if (at < 0) {
          this.keepTail();
          return false;
        }
        this.consume(at + this.delimiter.length);
        this.state = 'after-delimiter';
        return true;
      }
      case 'after-delimiter': {
        if (this.pending.length < 2) return false;
        if (this.pending[0] === 0x2d && this.pending[1] === 0x2d) {
          // "--" after the delimiter closes the body; the epilogue is ignored (RFC 2046 5.1.1).
          this.state = 'done';
          this.pending = Buffer.alloc(0);
          return false;
        }
        const eol = this.pending.indexOf(CRLF);
        if (eol < 0) {
          if (this.pending.length > 1024) throw new MultipartFormatError('boundary line not terminated');
          return false;
        }
        // Only transport padding (linear white space) may follow the boundary on its line.
        if (!/^[ \t]*$/.test(this.pending.toString('latin1', 0, eol))) throw new MultipartFormatError('text after a boundary');
        this.consume(eol + 2);
        this.state = 'headers';
        return true;
      }
      case 'headers': {
        if (this.pending.length >= 2 && this.pending[0] === 0x0d && this.pending[1] === 0x0a) {
          this.consume(2);
          events.push({ kind: 'headers', headers: {} });
          this.state = 'body';
          return true;
        }
        const end = this.pending.indexOf(HEADERS_END);
        if (end < 0) {
          if (this.pending.length > MAX_HEADER_BYTES) throw new MultipartFormatError('part headers too long');
          return false;
        }
        events.push({ kind: 'headers', headers: parseHeaders(this.pending.toString('latin1', 0, end)) });
        this.consume(end + 4);
        this.state = 'body';
        return true;
      }
      case 'body': {
        const at = this.pending.indexOf(this.delimiter);
        if (at < 0) {
          const safe = this.pending.length - (this.delimiter.length - 1);
          if (safe > 0) {
            events.push({ kind: 'body', bytes: this.pending.subarray(0, safe) });
            this.consume(safe);
          }
          return false;
        }
        if (at > 0) events.push({ kind: 'body', bytes: this.pending.subarray(0, at) });
        events.push({ kind: 'end-part' });
        this.parts += 1;
        this.consume(at + this.delimiter.length);
        this.state = 'after-delimiter';
        return true;
      }
      case 'done':
        return false;
    }
  }

  private consume(n: number): void {
    this.pending = this.pending.subarray(n);
  }

  /** In the preamble nothing is kept but what could be the start of a delimiter split across chunks. */
  private keepTail(): void {
    const keep = this.delimiter.length - 1;
    if (this.pending.length > keep) this.pending = Buffer.from(this.pending.subarray(this.pending.length - keep));
  }
}

/** "Name: value" lines (RFC 5322 2.2, folded lines joined) -> lower-cased name -> value. */
function parseHeaders(block: string): Record<string, string> {
  const headers: Record<string, string> = {};
  let last: string | undefined;
  for (const line of block.split('\r\n')) {
    if (/^[ \t]/.test(line) && last) {
      headers[last] = `${headers[last]} ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) throw new MultipartFormatError('part header without a name');
    last = line.slice(0, colon).trim().toLowerCase();
    headers[last] = line.slice(colon + 1).trim();
  }
  return headers;
}

/** A parsed Content-Type (RFC 9110 8.3.1): lower-cased media type, lower-cased parameter names, unquoted values. */
export interface MediaType {
  type: string;
  params: Record<string, string>;
}

/** Parses a Content-Type header value; quoted parameter values may contain ";" and escaped characters. */
export function parseMediaType(value: string | undefined): MediaType | undefined {
  if (!value) return undefined;
  const m = /^\s*([^\s;/]+\/[^\s;]+)\s*/.exec(value);
  if (!m?.[1]) return undefined;
  const params: Record<string, string> = {};
  const re = /;\s*([^=\s;]+)\s*=\s*("((?:[^"\\]|\\.)*)"|[^;\s]*)\s*/gy;
  re.lastIndex = m[0].length;
  let p: RegExpExecArray | null;
  while ((p = re.exec(value)) !== null) {
    const name = p[1]!.toLowerCase();
    params[name] = p[3] !== undefined ? p[3].replace(/\\(.)/g, '$1') : (p[2] ?? '');
  }
  return { type: m[1].toLowerCase(), params };
}
