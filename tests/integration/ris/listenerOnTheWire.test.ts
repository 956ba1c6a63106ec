import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { buildImportExamMessage, MllpRisClient, RisApplicationError, messageControlIdFor } from '../../../integrations/ris';
import { startRisControlApi, type RisControlApi } from '../../../sandbox/ris/controlApi';
import { RisListener } from '../../../sandbox/ris/risListener';
import { examEntry } from '../../unit/ris/fixtures';

// The CRIS stand-in driven byte by byte over a raw socket, through its HTTP control API, and as a CLI process.

const frame = (hl7: string) => Buffer.concat([Buffer.from([0x0b]), Buffer.from(hl7, 'utf8'), Buffer.from([0x1c, 0x0d])]);
const message = (examId: string) => buildImportExamMessage(examEntry({ examId }), { now: new Date('2024-03-06T09:00:00Z') });

/** A raw client socket that collects ACK frames (split by plain string search). */
async function rawClient(port: number) {
  const socket = net.connect({ host: '127.0.0.1', port });
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  let buffered = Buffer.alloc(0);
  const acks: Buffer[] = [];
  const waiters: (() => void)[] = [];
  socket.on('data', (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    for (let end = buffered.indexOf('\x1c\r'); end >= 0; end = buffered.indexOf('\x1c\r')) {
      acks.push(buffered.subarray(0, end + 2));
      buffered = buffered.subarray(end + 2);
      waiters.splice(0).forEach((w) => w());
    }
  });
  const untilAcks = async (n: number) => {
    while (acks.length < n) await new Promise<void>((r) => waiters.push(r));
  };
  return { socket, acks, untilAcks, msa: (i: number) => acks[i]?.toString('utf8').match(/MSA\|([^|\r]*)\|([^|\r\x1c]*)/)?.slice(1, 3) };
}

const slowWrite = async (socket: net.Socket, bytes: Buffer, step: number) => {
  for (let i = 0; i < bytes.length; i += step) {
    socket.write(bytes.subarray(i, i + step));
    await new Promise((r) => setImmediate(r));
  }
};

describe('RisListener on the wire', () => {
  const listener = new RisListener();
  let port = 0;
  const sockets: net.Socket[] = [];
  beforeAll(async () => {
    port = await listener.start({ port: 0 });
  });
  beforeEach(() => {
    listener.clear();
    listener.setMode('AA');
  });
  afterAll(async () => {
    sockets.forEach((s) => s.destroy());
    await listener.stop();
  });

  it('handles several messages on one connection, split byte by byte, with junk between frames', async () => {
    const c = await rawClient(port);
    sockets.push(c.socket);
    await slowWrite(c.socket, Buffer.concat([Buffer.from('noise\r\n'), frame(message('e-1'))]), 1);
    await slowWrite(c.socket, Buffer.concat([Buffer.from('\x1c\r\x00\xff'), frame(message('e-2')), Buffer.from('  ')]), 7);
    await c.untilAcks(2);
    expect([c.msa(0), c.msa(1)]).toEqual([['AA', messageControlIdFor('e-1')], ['AA', messageControlIdFor('e-2')]]);
    expect(listener.messages().map((m) => m.messageControlId)).toEqual([messageControlIdFor('e-1'), messageControlIdFor('e-2')]);
    expect(listener.messages()[1]?.hl7).toBe(message('e-2'));
    expect(listener.junkBytes).toBeGreaterThanOrEqual(11);
  });

  it('answers several frames arriving in one write, in order', async () => {
    const c = await rawClient(port);
    sockets.push(c.socket);
    c.socket.write(Buffer.concat(['a', 'b', 'c'].map((id) => frame(message(id)))));
    await c.untilAcks(3);
    expect([0, 1, 2].map((i) => c.msa(i)?.[1])).toEqual(['a', 'b', 'c'].map(messageControlIdFor));
  });

  it('re-sends the stored ACK, byte for byte, for a duplicate control id and records it once', async () => {
    const c = await rawClient(port);
    sockets.push(c.socket);
    c.socket.write(frame(message('dup')));
    await c.untilAcks(1);
    listener.setMode('AE'); // a duplicate is answered from the store, whatever the mode now
    c.socket.write(frame(message('dup')));
    await c.untilAcks(2);
    expect(c.acks[1]?.equals(c.acks[0]!)).toBe(true);
    expect(listener.messages()).toHaveLength(1);
    expect(listener.duplicatesAnswered).toBe(1);
  });

  it('processes a message again after AR (nothing was stored), and stays silent in silent mode', async () => {
    const c = await rawClient(port);
    sockets.push(c.socket);
    listener.setMode('AR');
    c.socket.write(frame(message('ar')));
    await c.untilAcks(1);
    listener.setMode('silent');
    c.socket.write(frame(message('ar')));
    await new Promise((r) => setTimeout(r, 100));
    expect(c.acks).toHaveLength(1);
    expect(c.msa(0)).toEqual(['AR', messageControlIdFor('ar')]);
    expect(listener.messages().map((m) => m.answeredWith)).toEqual(['AR', 'none']);
  });

  it('ignores a frame that is not HL7 and carries on with the next', async () => {
    const c = await rawClient(port);
    sockets.push(c.socket);
    c.socket.write(Buffer.concat([frame('GET / HTTP/1.1'), frame(message('after'))]));
    await c.untilAcks(1);
    expect(c.msa(0)?.[1]).toBe(messageControlIdFor('after'));
    expect(listener.unreadableFrames).toBe(1);
  });
});

describe('RisListener HTTP control API', () => {
  const listener = new RisListener();
  let api: RisControlApi;
  let base = '';
  beforeAll(async () => {
    await listener.start({ port: 0 });
    api = await startRisControlApi(listener, { port: 0 });
    base = `http://127.0.0.1:${api.port}`;
  });
  afterAll(async () => {
    await api.close();
    await listener.stop();
  });

  it('switches mode with POST /mode and lists what arrived with GET /messages', async () => {
    const client = new MllpRisClient({ host: '127.0.0.1', port: listener.port(), ackTimeoutMs: 500, retryDelayMs: 10 });
    const setMode = await fetch(`${base}/mode`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ mode: 'AE' }) });
    expect([setMode.status, await setMode.json()]).toEqual([200, { mode: 'AE' }]);
    await expect(client.registerExam(examEntry())).rejects.toBeInstanceOf(RisApplicationError);
    const listing = (await (await fetch(`${base}/messages`)).json()) as { mode: string; messages: { messageControlId: string; answeredWith: string }[] };
    expect(listing.mode).toBe('AE');
    expect(listing.messages.map((m) => [m.messageControlId, m.answeredWith])).toEqual([[messageControlIdFor(examEntry().examId), 'AE']]);
  });

  it('refuses an unknown mode with 400 and keeps the current one', async () => {
    const res = await fetch(`${base}/mode`, { method: 'POST', body: JSON.stringify({ mode: 'CA' }) });
    expect(res.status).toBe(400);
    expect(listener.mode).toBe('AE');
  });

  it('forgets everything on DELETE /messages', async () => {
    expect((await fetch(`${base}/messages`, { method: 'DELETE' })).status).toBe(204);
    expect(listener.messages()).toEqual([]);
  });
});

describe('RIS sandbox CLI (node dist/sandbox/ris/main.js)', () => {
  const mainJs = path.resolve(__dirname, '../../../dist/sandbox/ris/main.js');
  let child: ChildProcess | undefined;
  afterAll(async () => {
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child!.once('exit', r));
    }
  });

  it('starts on free ports, records over MLLP, is driven over HTTP, and exits cleanly on SIGTERM', async () => {
    if (!fs.existsSync(mainJs)) throw new Error(`${mainJs} is missing: build first (script/bootstrap runs tsc -p tsconfig.build.json)`);
    child = spawn(process.execPath, [mainJs, '--port', '0', '--http-port', '0'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LOG_LEVEL: 'info' } });
    const ready = await new Promise<{ mllpPort: number; httpPort: number }>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`no ready line in 10 s; stdout: ${out}`)), 10_000);
      child!.stdout!.on('data', (c: Buffer) => {
        out += c.toString();
        for (const line of out.split('\n')) {
          if (!line.includes('ris sandbox ready')) continue;
          clearTimeout(timer);
          resolve(JSON.parse(line) as { mllpPort: number; httpPort: number });
        }
      });
      child!.once('exit', (code) => reject(new Error(`exited ${code} before ready`)));
    });
    const client = new MllpRisClient({ host: '127.0.0.1', port: ready.mllpPort, ackTimeoutMs: 2000 });
    await expect(client.registerExam(examEntry())).resolves.toMatchObject({ code: 'AA' });
    const listing = (await (await fetch(`http://127.0.0.1:${ready.httpPort}/messages`)).json()) as { messages: unknown[] };
    expect(listing.messages).toHaveLength(1);
    child.kill('SIGTERM');
    const code = await new Promise((r) => child!.once('exit', r));
    expect(code).toBe(0);
  });
});
