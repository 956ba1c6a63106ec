import { EventEmitter } from 'node:events';
import net from 'node:net';
import { Message } from 'node-hl7-client';
import { SendResponse } from 'node-hl7-server';
import type { Logger } from '../../config/logger';
import { MllpStream } from './mllpStream';

/** How the stand-in answers the next messages: an ACK code, or no answer at all. */
export type RisAckMode = 'AA' | 'AE' | 'AR' | 'silent';
export const RIS_ACK_MODES: readonly RisAckMode[] = ['AA', 'AE', 'AR', 'silent'];

/** One message the stand-in processed (a duplicate answered from its stored ACK is not recorded again). */
export interface RisRecordedMessage {
  /** MSH-10; empty when the sender left it out. */
  messageControlId: string;
  /** The HL7 message as received (segments joined by CR). Synthetic patient data only: this is a sandbox. */
  hl7: string;
  answeredWith: 'AA' | 'AE' | 'AR' | 'none';
  receivedAt: string;
}

export interface RisListenerOptions {
  /** Starting mode; default AA. */
  mode?: RisAckMode;
  logger?: Logger;
}

/**
 * A CRIS stand-in: an MLLP listener on 127.0.0.1 that records what it receives and answers AA, AE, AR or nothing, as
 * set by setMode. Like a real interface engine it remembers the ACK it gave each message control id (AA or AE, the
 * final answers) and re-sends that ACK for a duplicate without recording the message twice; after AR or silence the
 * sender is expected to resend, so those are processed again.
 *
 * ACKs are built by node-hl7-server's SendResponse, so our client is tested against ACKs it did not shape. Framing is
 * our own (see ./mllpStream.ts for why node-hl7-server's listener can't be used).
 *
 * Emits 'message' (RisRecordedMessage) after answering each recorded message.
 */
export class RisListener extends EventEmitter {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  private readonly recorded: RisRecordedMessage[] = [];
  private readonly storedAcks = new Map<string, Buffer>();
  private currentMode: RisAckMode;
  private readonly logger?: Logger;
  private stopping: Promise<void> | undefined;
  /** Duplicates answered from the stored ACK. */
  duplicatesAnswered = 0;
  /** Frames that were not HL7 messages (ignored, unanswered). */
  unreadableFrames = 0;
  /** Bytes outside frames, summed over connections. */
  junkBytes = 0;

  constructor(opts: RisListenerOptions = {}) {
    super();
    this.currentMode = opts.mode ?? 'AA';
    this.logger = opts.logger;
  }

  /** Listens on 127.0.0.1; `port: 0` picks a free port. Resolves with the bound port. */
  async start(opts: { port: number }): Promise<number> {
    if (this.server) throw new Error('RisListener already started');
    const server = net.createServer((socket) => this.onConnection(socket));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    return this.port();
  }

  /** The bound port (after start). */
  port(): number {
    const addr = this.server?.address();
    if (!addr || typeof addr === 'string') throw new Error('RisListener is not listening');
    return addr.port;
  }

  /** A copy of what was recorded, oldest first. */
  messages(): RisRecordedMessage[] {
    return this.recorded.map((m) => ({ ...m }));
  }

  get mode(): RisAckMode {
    return this.currentMode;
  }

  setMode(mode: RisAckMode): void {
    if (!RIS_ACK_MODES.includes(mode)) throw new RangeError(`mode must be one of ${RIS_ACK_MODES.join(', ')}`);
    this.currentMode = mode;
  }

  /** Forgets recorded messages, stored ACKs and counters (for script/server between demos). */
  clear(): void {
    this.recorded.length = 0;
    this.storedAcks.clear();
    this.duplicatesAnswered = 0;
    this.unreadableFrames = 0;
    this.junkBytes = 0;
  }

  /** Closes the listener and every open connection. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= new Promise<void>((resolve) => {
      for (const s of this.sockets) s.destroy();
      if (!this.server) return resolve();
      this.server.close(() => resolve());
    });
    return this.stopping;
  }

  private onConnection(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.setNoDelay(true);
    const stream = new MllpStream();
    let junkSeen = 0;
    socket.on('data', (chunk: Buffer) => {
      for (const frame of stream.feed(chunk)) this.onFrame(socket, frame.toString('utf8'));
      this.junkBytes += stream.junkBytes - junkSeen;
      junkSeen = stream.junkBytes;
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.sockets.delete(socket));
  }

  private onFrame(socket: net.Socket, hl7: string): void {
    let message: Message;
    try {
      message = new Message({ text: hl7 });
    } catch {
      this.unreadableFrames++;
      this.logger?.warn('ris sandbox: ignored a frame that is not an HL7 message');
      return;
    }
    const messageControlId = message.get('MSH.10').toString();
    const stored = messageControlId ? this.storedAcks.get(messageControlId) : undefined;
    if (stored) {
      this.duplicatesAnswered++;
      this.logger?.info({ messageControlId }, 'ris sandbox: duplicate; re-sent the stored ACK');
      socket.write(stored);
      return;
    }
    const mode = this.currentMode;
    const record: RisRecordedMessage = {
      messageControlId,
      hl7,
      answeredWith: mode === 'silent' ? 'none' : mode,
      receivedAt: new Date().toISOString(),
    };
    this.recorded.push(record);
    if (mode !== 'silent') {
      const ack = buildAck(message, mode);
      if (messageControlId && (mode === 'AA' || mode === 'AE')) this.storedAcks.set(messageControlId, ack);
      socket.write(ack);
    }
    this.logger?.info({ messageControlId, answeredWith: record.answeredWith }, 'ris sandbox: message recorded');
    this.emit('message', { ...record });
  }
}

/**
 * The framed ACK node-hl7-server would send. SendResponse writes straight to a socket; we hand it a collector instead,
 * so the bytes can be stored and re-sent for a duplicate. (Its types name node-hl7-client 2.x's Message; the 3.x one
 * we parse with has the same get() it uses.)
 */
function buildAck(message: Message, code: 'AA' | 'AE' | 'AR'): Buffer {
  const chunks: Buffer[] = [];
  const collector = { write: (b: Buffer) => chunks.push(b) };
  type ResponseArgs = ConstructorParameters<typeof SendResponse>;
  const response = new SendResponse(collector as unknown as ResponseArgs[0], message as unknown as ResponseArgs[1], false);
  // sendResponse writes synchronously before its promise settles.
  void response.sendResponse(code);
  return Buffer.concat(chunks);
}
