/**
 * MLLP de-framing for the sandbox listener: <VT> message <FS><CR>.
 *
 * Written here, separately from integrations/ris/mllpFrames.ts, on purpose: the stand-in is an independent peer (the
 * sandbox may not import integrations/), and a framing bug shared by both ends would hide in every integration test.
 * This one is a byte state machine; the client's resynchronises with indexOf. node-hl7-server 2.5's own listener can't
 * be used: it never clears its buffer, so a second message on one connection re-delivers the first, and junk bytes
 * before a frame poison every later message on that connection.
 */

const VT = 0x0b;
const FS = 0x1c;
const CR = 0x0d;

type State = 'outside' | 'inside' | 'afterFs';

export class MllpStream {
  private state: State = 'outside';
  private body: Buffer[] = [];
  private bodyBytes = 0;
  /** Bytes outside complete frames (noise between frames, fragments cut by a new VT, oversized frames). */
  junkBytes = 0;

  constructor(private readonly maxFrameBytes = 1024 * 1024) {}

  /** Feeds bytes; returns each completed frame's payload (without VT/FS/CR). */
  feed(chunk: Buffer): Buffer[] {
    const frames: Buffer[] = [];
    let i = 0;
    while (i < chunk.length) {
      if (this.state === 'outside') {
        const vt = chunk.indexOf(VT, i);
        const stop = vt < 0 ? chunk.length : vt;
        this.junkBytes += stop - i;
        if (vt < 0) break;
        this.startFrame();
        i = vt + 1;
      } else if (this.state === 'inside') {
        let j = i;
        while (j < chunk.length && chunk[j] !== FS && chunk[j] !== VT) j++;
        this.append(chunk.subarray(i, j));
        if (this.state !== 'inside') {
          i = j; // the frame was too big and dropped; resume looking for a VT here
          continue;
        }
        if (j === chunk.length) break;
        if (chunk[j] === VT) {
          // A new frame started inside this one: the bytes so far were a fragment.
          this.junkBytes += this.bodyBytes + 1;
          this.startFrame();
        } else {
          this.state = 'afterFs';
        }
        i = j + 1;
      } else {
        if (chunk[i] === CR) {
          frames.push(Buffer.concat(this.body, this.bodyBytes));
          i++;
        } else {
          // FS without CR is not an MLLP end block; drop the frame and look for the next VT from this byte.
          this.junkBytes += this.bodyBytes + 2;
        }
        this.body = [];
        this.bodyBytes = 0;
        this.state = 'outside';
      }
    }
    return frames;
  }

  private startFrame(): void {
    this.state = 'inside';
    this.body = [];
    this.bodyBytes = 0;
  }

  private append(part: Buffer): void {
    if (part.length === 0) return;
    if (this.bodyBytes + part.length > this.maxFrameBytes) {
      // Too big to be an ACK-able message: drop it and wait for the next frame.
      this.junkBytes += this.bodyBytes + part.length + 1;
      this.body = [];
      this.bodyBytes = 0;
      this.state = 'outside';
      return;
    }
    this.body.push(Buffer.from(part));
    this.bodyBytes += part.length;
  }
}
