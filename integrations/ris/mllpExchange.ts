import net from 'node:net';
import { parseAck, safeToken, type ParsedAck } from './ack';
import type { UnreachableReason } from './errors';
import { MllpFrameDecoder } from './mllpFrames';

export interface MllpExchangeOptions {
  host: string;
  port: number;
  connectTimeoutMs: number;
  /** From the moment the frame is written until a matching ACK arrives. */
  ackTimeoutMs: number;
}

/** What one send produced. Never an exception: the caller decides what is retryable. */
export type ExchangeOutcome =
  | { kind: 'ack'; ack: Extract<ParsedAck, { kind: 'ack' }> }
  | { kind: 'timeout' }
  | { kind: 'malformed'; problem: string }
  | { kind: 'mismatch'; receivedControlId?: string }
  | { kind: 'unreachable'; reason: UnreachableReason; cause?: Error };

/**
 * Sends one framed message on a fresh connection and waits for the ACK whose MSA-2 is `controlId`.
 *
 * One connection per message: imports are a few an hour (about 15,000 a year at a busy trust), so a persistent
 * connection would buy nothing and would bring reconnect state and stale ACKs from a previous message.
 *
 * ACKs for other control ids and unparseable frames are remembered but not fatal: the right ACK may still follow on
 * the same connection. Only when the time runs out (or the peer hangs up) do they become the reported outcome, so an
 * ACK with the wrong MSA-2 is never counted as success.
 */
export function sendAndAwaitAck(frame: Buffer, controlId: string, opts: MllpExchangeOptions): Promise<ExchangeOutcome> {
  return new Promise((resolve) => {
    const decoder = new MllpFrameDecoder();
    const socket = net.connect({ host: opts.host, port: opts.port });
    socket.setNoDelay(true);
    let sent = false;
    let settled = false;
    let malformed: string | undefined;
    let mismatch: { receivedControlId?: string } | undefined;
    let ackTimer: NodeJS.Timeout | undefined;
    let connectTimer: NodeJS.Timeout | undefined;

    const noAckOutcome = (fallback: ExchangeOutcome): ExchangeOutcome => {
      if (malformed !== undefined) return { kind: 'malformed', problem: malformed };
      if (mismatch !== undefined) return { kind: 'mismatch', ...mismatch };
      return fallback;
    };
    const finish = (outcome: ExchangeOutcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(connectTimer);
      clearTimeout(ackTimer);
      // A clean FIN after an ACK; otherwise drop the connection so a late ACK can't be mistaken for the next message's.
      if (outcome.kind === 'ack') socket.end();
      else socket.destroy();
      resolve(outcome);
    };

    connectTimer = setTimeout(() => finish({ kind: 'unreachable', reason: 'connect-timeout' }), opts.connectTimeoutMs);

    socket.once('connect', () => {
      clearTimeout(connectTimer);
      socket.write(frame);
      sent = true;
      ackTimer = setTimeout(() => finish(noAckOutcome({ kind: 'timeout' })), opts.ackTimeoutMs);
    });

    socket.on('data', (chunk: Buffer) => {
      for (const text of decoder.push(chunk)) {
        const ack = parseAck(text);
        if (ack.kind === 'malformed') {
          malformed = ack.problem;
        } else if (ack.acknowledgedControlId !== controlId) {
          // Quote the peer's id only when it looks like an id (it is the peer's text).
          mismatch = { receivedControlId: safeToken(ack.acknowledgedControlId) };
        } else {
          finish({ kind: 'ack', ack });
          return;
        }
      }
    });

    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (sent) finish(noAckOutcome({ kind: 'unreachable', reason: 'closed-before-ack', cause: err }));
      else finish({ kind: 'unreachable', reason: err.code === 'ECONNREFUSED' ? 'refused' : 'network', cause: err });
    });

    socket.on('close', () => {
      finish(noAckOutcome({ kind: 'unreachable', reason: sent ? 'closed-before-ack' : 'network' }));
    });
  });
}
