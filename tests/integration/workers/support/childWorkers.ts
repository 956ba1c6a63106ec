import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';

/** A worker process started by a test; stopped (or killed) by its PID, never by name. */
export interface ChildWorker {
  pid: number;
  /** Graceful stop (workers finish their jobs), then SIGKILL if it lingers. */
  stop(): Promise<void>;
  /** SIGKILL: the process dies mid-job, as a crash or an OOM kill would. */
  kill(): Promise<void>;
}

const HERE = __dirname;

/** Forks workerProcess.ts in `mode` and waits for its "ready". */
export async function startChildWorker(mode: 'flows' | 'capacity', args: unknown, timeoutMs = 60_000): Promise<ChildWorker> {
  const child: ChildProcess = fork(path.join(HERE, 'workerProcess.ts'), [mode, JSON.stringify(args)], {
    execArgv: ['-r', path.join(HERE, 'tsRequire.js')],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: process.env,
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker process ${child.pid} not ready in ${timeoutMs} ms`)), timeoutMs);
    child.once('message', (m) => {
      clearTimeout(timer);
      if (m === 'ready') resolve();
      else reject(new Error(`unexpected message ${String(m)}`));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`worker process exited with ${code} before it was ready`));
    });
  });
  const pid = child.pid!;
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  return {
    pid,
    async stop() {
      if (gone()) return;
      child.send('stop');
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, 10_000)))]);
      clearTimeout(timer);
      if (!gone()) process.kill(pid, 'SIGKILL');
      await exited;
    },
    async kill() {
      if (!gone()) process.kill(pid, 'SIGKILL');
      await exited;
    },
  };
}
