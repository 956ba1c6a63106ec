/**
 * MLLP framing (HL7 v2 Minimal Lower Layer Protocol, release 1): <VT 0x0B> message <FS 0x1C><CR 0x0D>.
 *
 * Hand-written: node-hl7-client 3.2's MLLPCodec decides a frame is complete when the buffer merely contains a 0x1C and
 * a 0x0D anywhere, merges two frames that arrive in one chunk, and keeps bytes outside frames; node-hl7-server 2.5 never
 * clears its buffer between messages on one connection (a second message re-delivers the first). A decoder that
 * resynchronises on VT is about 40 lines, so we own it.
 */

const VT = 0x0b;
const END = Buffer.from([0x1c, 0x0d]);
const EMPTY = Buffer.alloc(0);

/** Wraps one HL7 message (segments joined by CR) in an MLLP frame, UTF-8 encoded (MSH-18 says UNICODE UTF-8). */
export function encodeMllpFrame(message: string): Buffer {
  return Buffer.concat([Buffer.from([VT]), Buffer.from(message, 'utf8'), END]);
}

export interface MllpFrameDecoderOptions {
  /** A frame longer than this is dropped (counted as discarded) so a peer can't make us buffer without end. */
  maxFrameBytes?: number;
}

/**
 * Turns a TCP byte stream into HL7 message strings. Tolerates frames split across chunks (even inside a UTF-8
 * character), several frames in one chunk, and junk bytes between frames; a frame cut short by a new VT is dropped.
 */
export class MllpFrameDecoder {
  private pending: Buffer = EMPTY;
  private readonly maxFrameBytes: number;
  /** Bytes thrown away because they were outside any complete frame. */
  discardedBytes = 0;

  constructor(opts: MllpFrameDecoderOptions = {}) {
    this.maxFrameBytes = opts.maxFrameBytes ?? 1024 * 1024;
  }

  /** Feeds a chunk; returns the messages completed by it, in order. */
  push(chunk: Buffer): string[] {
    let buf = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const messages: string[] = [];
    for (;;) {
      const start = buf.indexOf(VT);
      if (start < 0) {
        this.discardedBytes += buf.length;
        buf = EMPTY;
        break;
      }
      this.discardedBytes += start;
      buf = buf.subarray(start);
      const end = buf.indexOf(END, 1);
      const restart = buf.indexOf(VT, 1);
      if (restart >= 0 && (end < 0 || restart < end)) {
        // A new frame began before this one ended: what we had is a fragment, not a message.
        this.discardedBytes += restart;
        buf = buf.subarray(restart);
        continue;
      }
      if (end < 0) {
        if (buf.length > this.maxFrameBytes + 1) {
          this.discardedBytes += buf.length;
          buf = EMPTY;
        }
        break;
      }
      messages.push(buf.subarray(1, end).toString('utf8'));
      buf = buf.subarray(end + END.length);
    }
    // Copy so a small remainder doesn't pin a large socket chunk in memory.
    this.pending = buf.length ? Buffer.from(buf) : EMPTY;
    return messages;
  }
}
