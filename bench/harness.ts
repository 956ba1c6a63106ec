/**
 * Shared benchmark plumbing for script/bench targets (dicom today; bot, queue and import later): machine facts,
 * timers, child processes measured for wall time and peak RSS, page-cache warming, a plain-text table, and the JSON
 * written to bench/results/<name>.json. Benchmarks print figures beside a baseline measured in the same run.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Where results go: bench/results/ next to this file's source (dist/bench -> bench). */
export const RESULTS_DIR = path.resolve(__dirname, '..', '..', 'bench', 'results');

/** Facts that make a figure comparable: the same code runs very differently on 2 shared cores and on 16. */
export interface MachineFacts {
  cores: number;
  cpuModel: string;
  totalMemoryMb: number;
  node: string;
  platform: string;
  kernel: string;
  /** 1, 5 and 15 minute load averages when the benchmark started: a busy machine explains noisy figures. */
  loadAverage: number[];
}

export function machineFacts(): MachineFacts {
  return {
    cores: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    totalMemoryMb: Math.round(os.totalmem() / 1024 / 1024),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    kernel: os.release(),
    loadAverage: os.loadavg().map((l) => Number(l.toFixed(2))),
  };
}

/** Milliseconds from a monotonic clock. */
export function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** Runs fn and returns its result with the elapsed milliseconds. */
export async function timed<T>(fn: () => Promise<T> | T): Promise<{ value: T; ms: number }> {
  const t0 = nowMs();
  const value = await fn();
  return { value, ms: nowMs() - t0 };
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  if (s.length === 0) return Number.NaN;
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** Megabytes (10^6 bytes) per second. */
export function mbPerSec(bytes: number, ms: number): number {
  return bytes / 1e6 / (ms / 1000);
}

/** What a measured child process did. */
export interface ChildRun {
  wallMs: number;
  /** Peak resident set size of the child alone, from /usr/bin/time (getrusage ru_maxrss). */
  maxRssKb: number;
  /** CPU time of the child (user + system, all its threads): steadier than wall time on a shared machine. */
  cpuMs: number;
  exitCode: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs a command under GNU time (/usr/bin/time -f '%M %U %S') and measures its wall time from here. The child's own
 * peak RSS and CPU time are what getrusage reports for it, so the parent's never count.
 */
export function runMeasured(command: string, args: readonly string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<ChildRun> {
  const rssFile = path.join(os.tmpdir(), `bench-rss-${process.pid}-${Math.random().toString(36).slice(2)}`);
  return new Promise((resolve, reject) => {
    const t0 = nowMs();
    const child = spawn('/usr/bin/time', ['-f', '%M %U %S', '-o', rssFile, command, ...args], {
      env: { ...process.env, ...opts.env },
      cwd: opts.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const wallMs = nowMs() - t0;
      let maxRssKb = Number.NaN;
      let cpuMs = Number.NaN;
      try {
        const lines = fs.readFileSync(rssFile, 'utf8').trim().split('\n');
        const [rss, user, sys] = (lines[lines.length - 1] ?? '').split(' ').map(Number);
        maxRssKb = rss ?? Number.NaN;
        cpuMs = ((user ?? Number.NaN) + (sys ?? Number.NaN)) * 1000;
        fs.rmSync(rssFile, { force: true });
      } catch {
        /* time could not run: reported as NaN */
      }
      resolve({ wallMs, maxRssKb, cpuMs, exitCode: code ?? -1, stdout, stderr });
    });
  });
}

/** Reads every file once so each contender starts from a warm page cache. */
export function warmPageCache(files: readonly string[]): void {
  const buf = Buffer.allocUnsafe(4 * 1024 * 1024);
  for (const f of files) {
    const fd = fs.openSync(f, 'r');
    try {
      while (fs.readSync(fd, buf, 0, buf.length, null) > 0);
    } finally {
      fs.closeSync(fd);
    }
  }
}

/** Flushes dirty pages, so one contender's writes are not written back during the next one's run. */
export function syncDisks(): Promise<void> {
  return new Promise((resolve) => spawn('sync', [], { stdio: 'ignore' }).on('close', () => resolve()));
}

/** Every regular file under a folder, sorted. */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...listFiles(full));
    else if (e.isFile()) out.push(full);
  }
  return out.sort();
}

export function totalBytes(files: readonly string[]): number {
  return files.reduce((n, f) => n + fs.statSync(f).size, 0);
}

/** A plain-text table: first row is the heading; numbers right-aligned. */
export function formatTable(rows: ReadonlyArray<ReadonlyArray<string | number>>): string {
  const cells = rows.map((r) => r.map((c) => (typeof c === 'number' ? formatNumber(c) : c)));
  const widths = (cells[0] ?? []).map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[], numeric: boolean[]) => r.map((c, i) => (numeric[i] ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0))).join('  ');
  const out: string[] = [];
  cells.forEach((r, idx) => {
    const numeric = (rows[idx] ?? []).map((c) => typeof c === 'number');
    out.push(line(r, numeric));
    if (idx === 0) out.push(widths.map((w) => '-'.repeat(w)).join('  '));
  });
  return out.join('\n');
}

function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return 'n/a';
  if (Math.abs(n) >= 100) return n.toFixed(0);
  if (Math.abs(n) >= 10) return n.toFixed(1);
  return n.toFixed(2);
}

/** Writes bench/results/<name>.json (via a .tmp file, git-ignored, then a rename) with the machine facts. */
export function writeResults(name: string, results: unknown, machine: MachineFacts = machineFacts()): string {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `${name}.json`);
  const body = { benchmark: name, measuredAt: new Date().toISOString(), machine, results };
  fs.writeFileSync(`${file}.tmp`, `${JSON.stringify(body, null, 2)}\n`);
  fs.renameSync(`${file}.tmp`, file);
  return file;
}
