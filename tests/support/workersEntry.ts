import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const TS_REQUIRE = path.join(ROOT, 'tests', 'integration', 'workers', 'support', 'tsRequire.js');

/** The real workers entry (workers/main.ts, as `node dist/workers/main.js` runs it) in a child process we own. */
export interface WorkersEntryProcess {
  pid: number;
  /** Resolves with the exit code (or the signal's name). */
  exited: Promise<number | string | null>;
  kill9(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts workers/main.ts from source (the same swc transform jest uses) with `env` on top of a minimal environment:
 * sandbox mode, every peer we do not mean to reach pointed at a closed loopback port (never the fixed ports
 * script/server uses, which another session may be running).
 */
export function startWorkersEntry(env: Record<string, string>): WorkersEntryProcess {
  const closed = 'http://127.0.0.1:9';
  const child: ChildProcess = spawn(process.execPath, ['-r', TS_REQUIRE, path.join(ROOT, 'workers', 'main.ts')], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      ITB_MODE: 'sandbox',
      LOG_LEVEL: 'warn',
      IEP_BASE_URL: closed,
      PAS_FHIR_BASE_URL: closed,
      PACS_DICOMWEB_URL: `${closed}/dicom-web`,
      PACS_REST_URL: closed,
      IEP_GATEWAY_DICOMWEB_URL: `${closed}/dicom-web`,
      IEP_GATEWAY_REST_URL: closed,
      RIS_MLLP_HOST: '127.0.0.1',
      RIS_MLLP_PORT: '9',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const pid = child.pid!;
  const exited = new Promise<number | string | null>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  return {
    pid,
    exited,
    async kill9() {
      if (!gone()) process.kill(pid, 'SIGKILL');
      await exited;
    },
    async stop() {
      if (gone()) return;
      process.kill(pid, 'SIGTERM');
      const t = setTimeout(() => !gone() && process.kill(pid, 'SIGKILL'), 10_000);
      await exited;
      clearTimeout(t);
    },
  };
}
