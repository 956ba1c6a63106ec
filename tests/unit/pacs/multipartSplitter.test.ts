import fc from 'fast-check';
import { MultipartFormatError, MultipartSplitter, parseMediaType, type MultipartEvent } from '../../../integrations/pacs/dicomweb/multipartSplitter';

interface Part {
  headers: Record<string, string>;
  body: Buffer;
}

/** Feeds `wire` in the given chunk sizes and rebuilds the parts from the events. */
function split(boundary: string, wire: Buffer, chunkSizes: number[]): Part[] {
  const s = new MultipartSplitter(boundary);
  const events: MultipartEvent[] = [];
  let at = 0;
  for (let i = 0; at < wire.length; i += 1) {
    const n = Math.max(1, chunkSizes[i % Math.max(1, chunkSizes.length)] ?? wire.length);
    events.push(...s.push(wire.subarray(at, at + n)));
    at += n;
  }
  s.end();
  const parts: Part[] = [];
  let bodies: Buffer[] = [];
  let headers: Record<string, string> | undefined;
  for (const e of events) {
    if (e.kind === 'headers') {
      headers = e.headers;
      bodies = [];
    } else if (e.kind === 'body') bodies.push(Buffer.from(e.bytes));
    else parts.push({ headers: headers!, body: Buffer.concat(bodies) });
  }
  return parts;
}

/** RFC 2046 body: optional preamble, parts, close delimiter, optional epilogue. */
function encode(boundary: string, parts: Part[], preamble = '', epilogue = ''): Buffer {
  const chunks: Buffer[] = [Buffer.from(preamble ? `${preamble}\r\n` : '')];
  for (const [i, p] of parts.entries()) {
    const head = Object.entries(p.headers).map(([k, v]) => `${k}: ${v}\r\n`).join('');
    chunks.push(Buffer.from(`${i ? '\r\n' : ''}--${boundary}\r\n${head}\r\n`), p.body);
  }
  chunks.push(Buffer.from(`\r\n--${boundary}--${epilogue ? `\r\n${epilogue}` : '\r\n'}`));
  return Buffer.concat(chunks);
}

describe('MultipartSplitter (RFC 2046, as WADO-RS sends a study)', () => {
  it('rebuilds any parts, whatever the chunking, including bodies full of CRLF and dashes', () => {
    const bodyBytes = fc.uint8Array({ maxLength: 600 }).map((a) => Buffer.from(a));
    const tricky = fc.constantFrom(Buffer.from('\r\n--'), Buffer.from('\r\n--bo'), Buffer.from('--\r\n'), Buffer.from('\r\n\r\n'));
    const body = fc.array(fc.oneof(bodyBytes, tricky), { maxLength: 6 }).map((bs) => Buffer.concat(bs));
    fc.assert(
      fc.property(
        fc.stringMatching(/^[A-Za-z0-9'()+_,./:=?-]{1,70}$/),
        fc.array(body, { minLength: 1, maxLength: 5 }),
        fc.array(fc.integer({ min: 1, max: 97 }), { minLength: 1, maxLength: 8 }),
        fc.boolean(),
        (boundary, bodies, chunks, withPreamble) => {
          // A boundary must not occur in any body (RFC 2046 5.1.1); the sender guarantees it, so the test does too.
          fc.pre(bodies.every((b) => !b.includes(Buffer.from(`\r\n--${boundary}`))));
          const parts = bodies.map((b, i) => ({ headers: { 'content-type': 'application/dicom', 'x-part': String(i) }, body: b }));
          const wire = encode(boundary, parts, withPreamble ? 'This is a preamble.' : '', withPreamble ? 'epilogue' : '');
          expect(split(boundary, wire, chunks)).toEqual(parts);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('never holds more than a delimiter of body between chunks', () => {
    const s = new MultipartSplitter('B');
    s.push(Buffer.from('--B\r\nContent-Type: application/dicom\r\n\r\n'));
    let emitted = 0;
    for (let i = 0; i < 1000; i += 1) {
      for (const e of s.push(Buffer.alloc(1024, 0x41))) if (e.kind === 'body') emitted += e.bytes.length;
    }
    // "\r\n--B" is 5 bytes: at most 4 are held back in case the delimiter is split across chunks.
    expect(1000 * 1024 - emitted).toBeLessThanOrEqual(4);
  });

  it('reads a part with no headers and folded header lines', () => {
    const wire = Buffer.from('--X\r\n\r\nfirst\r\n--X\r\nContent-Type: application/dicom;\r\n transfer-syntax=1.2.840.10008.1.2.1\r\n\r\nsecond\r\n--X--');
    expect(split('X', wire, [3])).toEqual([
      { headers: {}, body: Buffer.from('first') },
      { headers: { 'content-type': 'application/dicom; transfer-syntax=1.2.840.10008.1.2.1' }, body: Buffer.from('second') },
    ]);
  });

  it('accepts transport padding after a boundary', () => {
    expect(split('X', Buffer.from('--X  \t\r\nA: b\r\n\r\nbody\r\n--X--'), [100])).toEqual([{ headers: { a: 'b' }, body: Buffer.from('body') }]);
  });

  it.each([
    ['no boundary at all', 'just some text', /no boundary/],
    ['a body cut before the close delimiter', '--X\r\nA: b\r\n\r\npartial', /before the closing boundary/],
    ['a header block cut off', '--X\r\nA: b', /before the closing boundary/],
    ['text after a boundary', '--X junk\r\n\r\nbody\r\n--X--', /text after a boundary/],
    ['a header line without a name', '--X\r\n: nameless\r\n\r\nbody\r\n--X--', /without a name/],
  ])('refuses %s', (_what, text, message) => {
    const s = new MultipartSplitter('X');
    expect(() => {
      s.push(Buffer.from(text));
      s.end();
    }).toThrow(message);
  });

  it('refuses runaway part headers rather than buffering them', () => {
    const s = new MultipartSplitter('X');
    s.push(Buffer.from('--X\r\n'));
    expect(() => s.push(Buffer.from(`A: ${'x'.repeat(20_000)}`))).toThrow(MultipartFormatError);
  });

  it('ignores anything after the close delimiter', () => {
    const s = new MultipartSplitter('X');
    const events = s.push(Buffer.from('--X\r\n\r\nbody\r\n--X--\r\n'));
    expect(s.push(Buffer.from('--X\r\n\r\nmore'))).toEqual([]);
    s.end();
    expect(events.filter((e) => e.kind === 'end-part')).toHaveLength(1);
    expect(s.completedParts).toBe(1);
  });
});

describe('parseMediaType', () => {
  it('reads the WADO-RS Content-Type with quoted and bare parameters, names lower-cased', () => {
    expect(parseMediaType('Multipart/Related; type="application/dicom"; Boundary=abc-123; transfer-syntax=*')).toEqual({
      type: 'multipart/related',
      params: { type: 'application/dicom', boundary: 'abc-123', 'transfer-syntax': '*' },
    });
  });

  it('keeps ";" and escaped quotes inside a quoted value', () => {
    expect(parseMediaType('multipart/related; boundary="a;b\\"c"')?.params.boundary).toBe('a;b"c');
  });

  it('is undefined for a missing or type-less header', () => {
    expect(parseMediaType(undefined)).toBeUndefined();
    expect(parseMediaType('garbage')).toBeUndefined();
  });
});
