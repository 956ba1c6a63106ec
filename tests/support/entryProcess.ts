import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
/** Runs the TypeScript sources directly (swc), so a test needs no fresh dist/ build. */
const TS_REQUIRE = path.join(ROOT, 'tests', 'integration', 'workers', 'support', 'tsRequire.js');

/** A real product entry (bot/main.ts or workers/main.ts) running as a child process of the test. */
export interface EntryProcess {
  readonly pid: number;
  readonly name: string;
  /** Everything it wrote to stdout and stderr so far (pino JSON lines). */
  output(): string;
  /** SIGTERM (graceful: workers finish their jobs), then SIGKILL by PID after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/** A free loopback port (the listener is closed before the port is handed out). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Starts `entry` (a path under the repository, e.g. 'workers/main.ts') with exactly `env` on top of PATH/HOME, writing
 * its output to `logFile`, and waits until `ready(output)` says so (or the process exits, or `timeoutMs` passes).
 */
export async function startEntry(
  name: string,
  entry: string,
  env: Record<string, string>,
  logFile: string,
  ready: (output: string) => boolean | Promise<boolean>,
  timeoutMs = 90_000,
): Promise<EntryProcess> {
  const log = fs.openSync(logFile, 'a');
  // Only what the entry needs: no ITB_TEST_* or stray REDIS_* from the test's own environment.
  const base = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_ENV: 'test' };
  const child: ChildProcess = spawn(process.execPath, ['-r', TS_REQUIRE, path.join(ROOT, entry)], { cwd: ROOT, env: { ...base, ...env }, stdio: ['ignore', log, log] });
  fs.closeSync(log);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  const output = () => (fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '');
  const proc: EntryProcess = {
    pid: child.pid!,
    name,
    output,
    async stop(graceMs = 15_000) {
      if (gone()) return;
      process.kill(child.pid!, 'SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, graceMs)))]);
      clearTimeout(timer);
      if (!gone()) process.kill(child.pid!, 'SIGKILL');
      await exited;
    },
  };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (gone()) throw new Error(`${name} exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${output().slice(-2000)}`);
    if (await Promise.resolve(ready(output())).catch(() => false)) return proc;
    if (Date.now() > deadline) {
      await proc.stop(1000);
      throw new Error(`${name} not ready in ${timeoutMs} ms:\n${output().slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}
