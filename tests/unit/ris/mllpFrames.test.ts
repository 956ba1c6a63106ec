import fc from 'fast-check';
import { encodeMllpFrame, MllpFrameDecoder } from '../../../integrations/ris/mllpFrames';
import { MllpStream } from '../../../sandbox/ris/mllpStream';

// Both ends' de-framers (the client's and the sandbox listener's, written separately on purpose) must agree on the
// same stream: split anywhere, junk between frames, several frames per chunk.
const decoders: [string, () => (chunk: Buffer) => string[]][] = [
  ['client MllpFrameDecoder', () => { const d = new MllpFrameDecoder(); return (c) => d.push(c); }],
  ['sandbox MllpStream', () => { const s = new MllpStream(); return (c) => s.feed(c).map((b) => b.toString('utf8')); }],
];

const message = fc.string({ unit: 'binary', minLength: 1, maxLength: 60 }).map((s) => `MSH|${s.replace(/[\x0b\x1c]/g, '')}`);
// Junk between frames: anything but VT (a VT starts a frame by definition).
const junk = fc.uint8Array({ maxLength: 8 }).map((a) => Buffer.from(a.filter((b) => b !== 0x0b)));

function chunksOf(buf: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (buf.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let prev = 0;
  for (const p of points) {
    out.push(buf.subarray(prev, p));
    prev = p;
  }
  out.push(buf.subarray(prev));
  return out;
}

describe.each(decoders)('%s', (_name, make) => {
  it('recovers every message whatever the chunking and the junk between frames', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(junk, message), { minLength: 1, maxLength: 5 }), junk, fc.array(fc.nat(), { maxLength: 12 }), (frames, tail, cuts) => {
        const stream = Buffer.concat([...frames.flatMap(([j, m]) => [j, encodeMllpFrame(m)]), tail]);
        const feed = make();
        const got = chunksOf(stream, cuts).flatMap((c) => feed(c));
        expect(got).toEqual(frames.map(([, m]) => m));
      }),
      { numRuns: 2_000 },
    );
  });

  it('decodes a frame fed one byte at a time, even through a 4-byte UTF-8 character', () => {
    const feed = make();
    const frame = encodeMllpFrame('MSH|^~\\&|Zoë 😀');
    const got = [...frame].flatMap((b) => feed(Buffer.from([b])));
    expect(got).toEqual(['MSH|^~\\&|Zoë 😀']);
  });

  it('drops a fragment cut short by a new start block and keeps the next frame', () => {
    const feed = make();
    const got = feed(Buffer.concat([Buffer.from('\x0bMSH|half a mess'), encodeMllpFrame('MSH|whole')]));
    expect(got).toEqual(['MSH|whole']);
  });

  it('does not end a frame on FS without the CR', () => {
    const feed = make();
    expect(feed(Buffer.from('\x0bMSH|a\x1c'))).toEqual([]);
    expect(feed(Buffer.from('\x0d'))).toEqual(['MSH|a']);
  });
});

describe('frame size limit', () => {
  it('drops an endless frame instead of buffering it, then decodes the next one', () => {
    const d = new MllpFrameDecoder({ maxFrameBytes: 100 });
    const s = new MllpStream(100);
    const flood = Buffer.concat([Buffer.from([0x0b]), Buffer.alloc(500, 0x41)]);
    const next = encodeMllpFrame('MSH|next');
    expect(d.push(flood)).toEqual([]);
    expect(s.feed(flood)).toEqual([]);
    expect(d.push(Buffer.concat([Buffer.alloc(50, 0x41), Buffer.from([0x1c, 0x0d]), next]))).toEqual(['MSH|next']);
    expect(s.feed(Buffer.concat([Buffer.alloc(50, 0x41), Buffer.from([0x1c, 0x0d]), next])).map(String)).toEqual(['MSH|next']);
    expect(d.discardedBytes).toBeGreaterThanOrEqual(500);
    expect(s.junkBytes).toBeGreaterThanOrEqual(500);
  });
});
