import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { HttpIepClient } from '../../../integrations/iep';
import { CANARY_MARKERS, demoPatient } from '../../../sandbox/demo';
import { remoteOrthanc, uhlOrthanc } from '../../support/services';
import { control, importRequest } from './iepFixtures';

const mainJs = path.resolve(__dirname, '../../../dist/sandbox/iep-simulator/main.js');

function run(args: string[]): { child: ChildProcess; output: () => string } {
  if (!fs.existsSync(mainJs)) throw new Error(`${mainJs} is missing: build first (script/bootstrap runs tsc -p tsconfig.build.json)`);
  const child = spawn(process.execPath, [mainJs, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LOG_LEVEL: 'info' } });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  return { child, output: () => out };
}

async function readyLine(proc: { child: ChildProcess; output: () => string }): Promise<{ baseUrl: string; controlUrl: string }> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const line = proc.output().split('\n').find((l) => l.includes('iep simulator ready'));
    if (line) return JSON.parse(line) as { baseUrl: string; controlUrl: string };
    if (proc.child.exitCode !== null) throw new Error(`exited ${proc.child.exitCode} before ready: ${proc.output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no ready line in 10 s: ${proc.output()}`);
}

const exited = (child: ChildProcess) => new Promise<number | null>((r) => (child.exitCode !== null ? r(child.exitCode) : child.once('exit', (code) => r(code))));

describe('IEP simulator CLI (node dist/sandbox/iep-simulator/main.js)', () => {
  const started: ChildProcess[] = [];
  afterAll(async () => {
    for (const child of started) {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await exited(child);
      }
    }
  });

  it('serves the contract on a free port with a manual clock, logs status changes by id only, and exits 0 on SIGTERM', async () => {
    const uhl = uhlOrthanc();
    const proc = run([
      '--port', '0', '--orthanc', remoteOrthanc().restUrl, '--deliver', `UHLPACSWFM01=${uhl.aet}@127.0.0.1:${uhl.dicomPort}`,
      '--clock', 'manual', '--start', '2026-02-02T09:00:00Z', '--token', 'cli-token',
    ]);
    started.push(proc.child);
    const ready = await readyLine(proc);
    expect(ready.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/v1$/);
    const client = new HttpIepClient({ baseUrl: ready.baseUrl, auth: { kind: 'bearer', token: 'cli-token' } });
    const canary = demoPatient('canary');
    const { transaction } = await client.createRequest(
      importRequest({ remoteId: 'X', familyName: canary.familyName, givenName: canary.givenNames[0]!, birthDate: canary.birthDate, nhsNumber: canary.nhsNumber!, sNumber: canary.sNumber }, '2026-01-10'),
    );
    // The canary has no studies at the sending trust: one step declines the request.
    const { events, now } = await control<{ events: Array<{ to: string }>; now: string }>(ready.controlUrl, '/step');
    expect(events.map((e) => e.to)).toEqual(['Decline']);
    expect(now).toBe('2026-02-02T09:10:00.000Z');
    expect((await client.getTransaction(transaction.id)).status).toBe('Decline');
    client.close();
    await new Promise((r) => setTimeout(r, 100));
    const statusLine = proc.output().split('\n').find((l) => l.includes('iep transaction status'));
    expect(JSON.parse(statusLine!)).toMatchObject({ transactionId: transaction.id, from: 'New', to: 'Decline' });
    for (const marker of [...CANARY_MARKERS, 'cli-token']) expect(proc.output()).not.toContain(marker);
    proc.child.kill('SIGTERM');
    expect(await exited(proc.child)).toBe(0);
  });

  it('exits 1 with a plain message for a bad delivery target', async () => {
    const proc = run(['--orthanc', remoteOrthanc().restUrl, '--deliver', 'UHLPACSWFM01=nonsense']);
    started.push(proc.child);
    expect(await exited(proc.child)).toBe(1);
    expect(proc.output()).toContain('is not AET@host:port');
  });
});
