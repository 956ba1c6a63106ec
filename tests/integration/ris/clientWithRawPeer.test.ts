import {
  MllpRisClient,
  RisAckMismatchError,
  RisApplicationError,
  RisMalformedAckError,
  RisUnreachableError,
  messageControlIdFor,
} from '../../../integrations/ris';
import { freePort } from '../../../sandbox/processes/freePort';
import { examEntry } from '../../unit/ris/fixtures';
import { ackFrame, controlIdOf, startRawPeer, type FrameHandler } from './rawPeer';

// The client against a bare MLLP peer that misbehaves on purpose.

const entry = examEntry();
const controlId = messageControlIdFor(entry.examId);
const peers: { stop(): Promise<void> }[] = [];

async function peer(onFrame: FrameHandler) {
  const p = await startRawPeer(onFrame);
  peers.push(p);
  return { ...p, client: (over: Partial<ConstructorParameters<typeof MllpRisClient>[0]> = {}) =>
    new MllpRisClient({ host: '127.0.0.1', port: p.port, ackTimeoutMs: 300, retryDelayMs: 20, maxAttempts: 3, ...over }) };
}

afterAll(async () => {
  await Promise.all(peers.map((p) => p.stop()));
});

describe('MllpRisClient against a raw MLLP peer', () => {
  it('never counts an ACK with the wrong MSA-2 as success, and resends with the same control id', async () => {
    const p = await peer((_text, socket) => socket.write(ackFrame('AA', 'ITBFFFFFFFFFFFFFFFFF')));
    const err = await p.client().registerExam(entry).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RisAckMismatchError);
    expect((err as RisAckMismatchError).retryable).toBe(true);
    expect((err as RisAckMismatchError).receivedControlId).toBe('ITBFFFFFFFFFFFFFFFFF');
    expect((err as RisAckMismatchError).attempts).toBe(3);
    expect(p.frames.map(controlIdOf)).toEqual([controlId, controlId, controlId]);
  });

  it('waits past a stale ACK for the one that matches on the same connection', async () => {
    const p = await peer((text, socket) => {
      socket.write(ackFrame('AA', 'SOMEOTHERMESSAGE'));
      setTimeout(() => socket.write(ackFrame('AA', controlIdOf(text))), 50);
    });
    await expect(p.client().registerExam(entry)).resolves.toMatchObject({ code: 'AA', messageControlId: controlId, attempts: 1 });
    expect(p.frames).toHaveLength(1);
  });

  it('reads an ACK split into pieces with junk bytes before and between frames', async () => {
    const p = await peer((text, socket) => {
      const ack = ackFrame('AA', controlIdOf(text));
      const pieces = ['\r\n\x00junk\x1c\r', ack.slice(0, 5), ack.slice(5, 40), ack.slice(40, -1), ack.slice(-1)];
      pieces.forEach((piece, i) => setTimeout(() => socket.write(piece), i * 15));
    });
    await expect(p.client().registerExam(entry)).resolves.toMatchObject({ code: 'AA', attempts: 1 });
  });

  it('calls a reply without MSA malformed (retryable) and resends it', async () => {
    const p = await peer((_text, socket) => socket.write('\x0bMSH|^~\\&|CRIS|UHL|ITB|UHL|20240306||ACK^O01|X1|P|2.4\rPID|1\x1c\r'));
    const err = await p.client({ maxAttempts: 2 }).registerExam(entry).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RisMalformedAckError);
    expect((err as RisMalformedAckError).message).toMatch(/no MSA segment/);
    expect(p.frames.map(controlIdOf)).toEqual([controlId, controlId]);
  });

  it('reports a peer that hangs up before acknowledging as unreachable (closed-before-ack)', async () => {
    const p = await peer((_text, socket) => socket.destroy());
    const err = await p.client({ maxAttempts: 2 }).registerExam(entry).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RisUnreachableError);
    expect((err as RisUnreachableError).reason).toBe('closed-before-ack');
    expect(p.frames).toHaveLength(2);
  });

  it('stops at once on AE and keeps the peer text off the message', async () => {
    const p = await peer((text, socket) =>
      socket.write(ackFrame('AE', controlIdOf(text), '|Unknown patient TESTPATIENT S1234567|||204^Unknown key identifier^HL70357')),
    );
    const err = await p.client().registerExam(entry).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RisApplicationError);
    const ae = err as RisApplicationError;
    expect([ae.retryable, ae.attempts, ae.errorCode]).toEqual([false, 1, '204']);
    expect(ae.message).not.toMatch(/TESTPATIENT|S1234567/);
    expect(ae.peerText).toContain('Unknown patient');
    await new Promise((r) => setTimeout(r, 100)); // longer than retryDelayMs: a resend would have arrived
    expect(p.frames).toHaveLength(1);
  });

  it('reports nothing listening as unreachable (refused) after its bounded attempts', async () => {
    const port = await freePort();
    const client = new MllpRisClient({ host: '127.0.0.1', port, retryDelayMs: 10, maxAttempts: 2 });
    const err = await client.registerExam(entry).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RisUnreachableError);
    expect([(err as RisUnreachableError).reason, (err as RisUnreachableError).attempts, (err as RisUnreachableError).retryable]).toEqual(['refused', 2, true]);
    expect((err as Error).message).toContain(`127.0.0.1:${port}`);
  });
});
