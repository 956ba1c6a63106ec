import { Writable } from 'node:stream';
import { Message } from 'node-hl7-client';
import { createLogger } from '../../../config/logger';
import {
  IMPORT_EXAM_SEGMENTS,
  MllpRisClient,
  RisApplicationError,
  RisRejectedError,
  RisTimeoutError,
  messageControlIdFor,
  type MllpRisClientOptions,
} from '../../../integrations/ris';
import { RisListener, type RisRecordedMessage } from '../../../sandbox/ris/risListener';
import { examEntry } from '../../unit/ris/fixtures';

// The real client against the CRIS stand-in on a random loopback port.

const listener = new RisListener();
let port = 0;
const logLines: string[] = [];
const logger = createLogger({ level: 'debug' }, new Writable({ write: (c: Buffer, _e, cb) => { logLines.push(c.toString()); cb(); } }));

function client(over: Partial<MllpRisClientOptions> = {}): MllpRisClient {
  return new MllpRisClient({ host: '127.0.0.1', port, ackTimeoutMs: 400, retryDelayMs: 30, maxAttempts: 3, logger, ...over });
}

/** The next message the listener records. */
function nextMessage(): Promise<RisRecordedMessage> {
  return new Promise((resolve) => listener.once('message', resolve));
}

beforeAll(async () => {
  port = await listener.start({ port: 0 });
});
beforeEach(() => {
  listener.clear();
  listener.setMode('AA');
});
afterAll(async () => {
  await listener.stop();
});

describe('MllpRisClient -> RisListener', () => {
  it('AA: records one ORM^O01 with the control id derived from the exam id', async () => {
    const entry = examEntry();
    const ack = await client().registerExam(entry);
    expect(ack).toMatchObject({ code: 'AA', messageControlId: messageControlIdFor(entry.examId), attempts: 1 });
    const [recorded, ...rest] = listener.messages();
    expect(rest).toEqual([]);
    expect(recorded?.messageControlId).toBe(ack.messageControlId);
    const msg = new Message({ text: recorded!.hl7 });
    expect([msg.get('MSH.9.1').toString(), msg.get('PID.3.1').toString(), msg.get('OBR.7').toString(), msg.get('OBR.19').toString()]).toEqual([
      'ORM', 'S1234567', '20240305142209', 'IEP-2024-000123',
    ]);
  });

  it('AE: rejects permanently and does not resend', async () => {
    listener.setMode('AE');
    const err = await client().registerExam(examEntry()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RisApplicationError);
    expect((err as RisApplicationError).retryable).toBe(false);
    await new Promise((r) => setTimeout(r, 150)); // well past retryDelayMs
    expect(listener.messages().map((m) => m.answeredWith)).toEqual(['AE']);
  });

  it('AR then AA: resends with the same control id and succeeds on the second attempt', async () => {
    listener.setMode('AR');
    void nextMessage().then(() => listener.setMode('AA'));
    const ack = await client().registerExam(examEntry());
    expect(ack.attempts).toBe(2);
    const recorded = listener.messages();
    expect(recorded.map((m) => m.answeredWith)).toEqual(['AR', 'AA']);
    expect(new Set(recorded.map((m) => m.messageControlId))).toEqual(new Set([ack.messageControlId]));
    // Byte-identical resend, MSH-7 included.
    expect(recorded[1]?.hl7).toBe(recorded[0]?.hl7);
  });

  it('AR every time: gives up after maxAttempts with a retryable RisRejectedError', async () => {
    listener.setMode('AR');
    const err = await client().registerExam(examEntry()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RisRejectedError);
    expect([(err as RisRejectedError).retryable, (err as RisRejectedError).attempts]).toEqual([true, 3]);
    expect(listener.messages()).toHaveLength(3);
  });

  it('silence then AA: times out, resends with the same control id, succeeds', async () => {
    listener.setMode('silent');
    void nextMessage().then(() => listener.setMode('AA'));
    const started = Date.now();
    const ack = await client().registerExam(examEntry());
    expect(ack.attempts).toBe(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(400); // the first ACK timeout ran out
    expect(listener.messages().map((m) => [m.answeredWith, m.messageControlId])).toEqual([
      ['none', ack.messageControlId],
      ['AA', ack.messageControlId],
    ]);
  });

  it('silence throughout: a retryable RisTimeoutError after maxAttempts, every send with the same id', async () => {
    listener.setMode('silent');
    const err = await client({ maxAttempts: 2, ackTimeoutMs: 200 }).registerExam(examEntry()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RisTimeoutError);
    expect([(err as RisTimeoutError).retryable, (err as RisTimeoutError).attempts]).toEqual([true, 2]);
    expect(new Set(listener.messages().map((m) => m.messageControlId)).size).toBe(1);
    expect(listener.messages()).toHaveLength(2);
  });

  it('duplicate after a worker restart: a new client resends the same control id, gets the stored ACK, no second entry', async () => {
    const entry = examEntry();
    const first = await client().registerExam(entry);
    const again = await client().registerExam(entry); // a fresh client, as after a crash: same exam id -> same MSH-10
    expect(again.messageControlId).toBe(first.messageControlId);
    expect(again.ackControlId).toBe(first.ackControlId);
    expect(listener.messages()).toHaveLength(1);
    expect(listener.duplicatesAnswered).toBe(1);
  });

  it('a different exam for the same patient is its own entry (guideline 2.3f)', async () => {
    await client().registerExam(examEntry());
    await client().registerExam(examEntry({ examId: 'exam-second', examCode: 'XCHES' }));
    expect(new Set(listener.messages().map((m) => m.messageControlId)).size).toBe(2);
  });

  it('escapes over the wire: hostile text arrives intact and adds no segment', async () => {
    const entry = examEntry({ examCode: 'CT^HEAD|~&\\', examDescription: 'line1\r\nOBR|2|x\x0b\x1c\rend 😀 ', accessionNumber: 'ACC|1^2~3&4\\5' });
    entry.patient.familyName = "O'BRIEN|\rPID|1||S7654321";
    entry.patient.givenName = ' Zoë\n';
    await client().registerExam(entry);
    const hl7 = listener.messages()[0]!.hl7;
    expect(hl7.split('\r').map((s) => s.slice(0, 3))).toEqual([...IMPORT_EXAM_SEGMENTS]);
    const msg = new Message({ text: hl7 });
    expect([msg.get('OBR.4.1').toString(), msg.get('OBR.4.2').toString(), msg.get('OBR.18').toString()]).toEqual([
      entry.examCode, entry.examDescription, entry.accessionNumber,
    ]);
    expect([msg.get('PID.5.1').toString(), msg.get('PID.5.2').toString()]).toEqual([entry.patient.familyName, entry.patient.givenName]);
  });

  it('logged ids only: no patient value reached the log in any of the above', () => {
    const logged = logLines.join('');
    expect(logged).toContain('messageControlId');
    for (const secret of ['S1234567', '9990000018', 'TESTPATIENT', 'Alice', '1970-01-31', '19700131', 'BRIEN']) expect(logged).not.toContain(secret);
  });
});
