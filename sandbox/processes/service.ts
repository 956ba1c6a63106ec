import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';

/** A process we started. stop() ends it by its PID and resolves once it has exited (so its storage can be reused). */
export interface ServiceHandle {
  name: string;
  pid: number;
  /** Human-facing address(es), printed by script/server. */
  urls: Record<string, string>;
  stop(): Promise<void>;
  /** Resolves when the process exits for any reason. */
  exited: Promise<number | null>;
}

export interface SpawnOptions {
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** stdout/stderr go here (appended); by default they are discarded. */
  logFile?: string;
  /** Pass stdout/stderr through to ours instead (production under a service manager that collects them). */
  inheritOutput?: boolean;
  urls?: Record<string, string>;
}

/**
 * Spawns a long-running child in its own process group and returns a handle that stops exactly that process.
 * The child's group is not detached from our lifetime: script/server and script/test stop every handle they hold.
 */
export function spawnService(opts: SpawnOptions): ServiceHandle {
  const out = opts.inheritOutput ? 'inherit' : opts.logFile ? fs.openSync(opts.logFile, 'a') : 'ignore';
  const child: ChildProcess = spawn(opts.command, opts.args, {
    env: { ...process.env, ...opts.env },
    cwd: opts.cwd,
    stdio: ['ignore', out, out],
  });
  if (typeof out === 'number') fs.closeSync(out);
  if (child.pid === undefined) throw new Error(`${opts.name}: could not start ${opts.command}`);
  const pid = child.pid;
  const exited = new Promise<number | null>((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    child.once('exit', (code) => resolve(code));
    child.once('error', () => resolve(-1));
  });
  let stopping: Promise<void> | undefined;
  return {
    name: opts.name,
    pid,
    urls: opts.urls ?? {},
    exited,
    stop() {
      // Idempotent: a second stop waits for the first.
      stopping ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill('SIGTERM');
        let timer: NodeJS.Timeout | undefined;
        const timedOut = await Promise.race([exited.then(() => false), new Promise<boolean>((r) => (timer = setTimeout(() => r(true), 10_000)))]);
        clearTimeout(timer); // never hold the process (or jest) open for the grace period
        if (timedOut) {
          child.kill('SIGKILL');
          await exited;
        }
      })();
      return stopping;
    },
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
