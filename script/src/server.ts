/**
 * script/server's engine: runs the whole sandbox in the foreground, prints its URLs, and on Ctrl-C or SIGTERM
 * stops everything it started, by PID. PIDs are recorded in var/sandbox/pids.json as they start, so a run that was
 * killed outright (SIGKILL) is cleaned up by the next one: nothing stale is left to block ports.
 */
import fs from 'node:fs';
import path from 'node:path';
import net from 'node:net';
import type { ServiceHandle } from '../../sandbox/processes/service';
import { SANDBOX_PORTS, startSandboxStack } from './sandboxStack';
import { PLAYGROUND_ROLES } from '../../sandbox/playground/roles';
import { loadConfig } from '../../config';
import { loadDotEnv } from '../../config/dotenv';
import { spawnService } from '../../sandbox/processes/service';

const root = path.resolve(__dirname, '../../..');
const varDir = path.join(root, 'var', 'sandbox');
const pidFile = path.join(varDir, 'pids.json');

interface PidRecord { name: string; pid: number }

function cmdlineOf(pid: number): string | undefined {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return undefined;
  }
}

/** Ends leftovers of a previous run that died without cleaning up, but only processes that are still ours. */
async function reapStale(): Promise<void> {
  if (!fs.existsSync(pidFile)) return;
  const records = JSON.parse(fs.readFileSync(pidFile, 'utf8')) as PidRecord[];
  for (const r of records) {
    const cmd = cmdlineOf(r.pid);
    // Only if the PID still runs something we start here (a reused PID belongs to someone else).
    if (cmd && (cmd.includes(varDir) || cmd.includes(path.join(root, 'dist')) || cmd.includes('m365agentsplayground') || cmd.includes(`--port ${SANDBOX_PORTS.redis}`))) {
      console.log(`script/server: stopping leftover ${r.name} (pid ${r.pid}) from an earlier run`);
      process.kill(r.pid, 'SIGTERM');
      for (let i = 0; i < 100 && cmdlineOf(r.pid); i++) await new Promise((res) => setTimeout(res, 100));
      if (cmdlineOf(r.pid)) process.kill(r.pid, 'SIGKILL');
    }
  }
  fs.rmSync(pidFile, { force: true });
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/**
 * With a .env that says ITB_MODE=production, script/server runs only the product (bot + workers) against the real
 * endpoints it names; the sandbox stand-ins are for a laptop with no configuration.
 */
async function runProduction(): Promise<void> {
  console.log('script/server: .env sets ITB_MODE=production: starting the bot and the workers against the configured endpoints');
  const handles = [
    spawnService({ name: 'bot', command: process.execPath, args: [path.join(root, 'dist', 'bot', 'main.js')], cwd: root, inheritOutput: true }),
    spawnService({ name: 'workers', command: process.execPath, args: [path.join(root, 'dist', 'workers', 'main.js')], cwd: root, inheritOutput: true }),
  ];
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    await Promise.all(handles.map((h) => h.stop()));
    process.exit(code);
  };
  for (const h of handles) void h.exited.then((c) => !stopping && (console.error(`script/server: ${h.name} exited (${c})`), void stop(1)));
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
}

async function main(): Promise<void> {
  loadDotEnv(root);
  if (loadConfig().mode === 'production') return runProduction();
  fs.mkdirSync(varDir, { recursive: true });
  await reapStale();
  const ports = [...Object.values(SANDBOX_PORTS), ...PLAYGROUND_ROLES.map((r) => r.port)];
  const busy = [];
  for (const p of ports) if (!(await portFree(p))) busy.push(p);
  if (busy.length) {
    console.error(`script/server: port(s) ${busy.join(', ')} on 127.0.0.1 are in use by another program; stop it and run again`);
    process.exit(1);
  }
  const records: PidRecord[] = [];
  const onStarted = (h: ServiceHandle) => {
    records.push({ name: h.name, pid: h.pid });
    fs.writeFileSync(pidFile, JSON.stringify(records));
  };
  let stopping = false;
  let stack: Awaited<ReturnType<typeof startSandboxStack>> | undefined;
  const shutdown = async (why: string, code: number) => {
    if (stopping) return;
    stopping = true;
    console.log(`\nscript/server: ${why}; stopping everything it started`);
    await stack?.stop();
    fs.rmSync(pidFile, { force: true });
    console.log('script/server: stopped');
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown('SIGINT', 0));
  process.on('SIGTERM', () => void shutdown('SIGTERM', 0));

  console.log('script/server: starting the sandbox (Redis, two Orthancs, RIS, PAS, bot, workers, Agents Playground)...');
  stack = await startSandboxStack(root, varDir, onStarted).catch(async (err: Error) => {
    console.error(`script/server: ${err.message}`);
    fs.rmSync(pidFile, { force: true });
    process.exit(1);
  });
  for (const h of stack.handles) {
    void h.exited.then((code) => {
      if (!stopping) void shutdown(`${h.name} exited unexpectedly (code ${code}); logs are in var/sandbox/logs`, 1);
    });
  }
  console.log('\nImaging Transfer Bot sandbox is running (all on 127.0.0.1; bot authentication is OFF in sandbox mode):');
  for (const h of stack.handles) for (const [what, url] of Object.entries(h.urls)) console.log(`  ${what.padEnd(22)} ${url}`);
  console.log('\nOpen a Teams (…) URL in a browser and type "help". Logs: var/sandbox/logs. Ctrl-C stops everything.');
}

void main();
