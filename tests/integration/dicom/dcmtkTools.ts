/**
 * dcmtk (the reference DICOM toolkit, installed by script/bootstrap) as an independent judge of our output:
 * dcmdump reads every file we write; dcmconv and dcmmkdir write inputs the way other systems would.
 */
import { execFileSync, spawnSync } from 'node:child_process';

/** One element line of dcmdump's tree, with its nesting depth (2 spaces per level). */
export interface DumpLine {
  depth: number;
  tag: string;
  vr: string;
  /** The value between [brackets], or dcmdump's description for sequences and items. */
  value: string;
}

/** dcmdump of a file: the lines, and anything it printed on stderr (warnings and errors). Throws if it fails. */
export function dcmdump(file: string): { lines: DumpLine[]; stderr: string } {
  const r = spawnSync('dcmdump', ['-dc', '-Un', '+L', file], { encoding: 'latin1' });
  if (r.status !== 0) throw new Error(`dcmdump failed (${r.status}) on ${file}: ${r.stderr}`);
  const lines: DumpLine[] = [];
  for (const raw of r.stdout.split('\n')) {
    const m = /^(\s*)\(([0-9a-f]{4},[0-9a-f]{4})\) (\w\w) (.*?)\s+#/.exec(raw);
    if (!m) continue;
    // -dc shows values as stored, padding included; padding is not part of the value (PS3.5 6.2).
    const value = (/^\[(.*)\]$/.exec((m[4] ?? '').trim())?.[1] ?? (m[4] ?? '').trim()).replace(/[ \0]+$/, '');
    lines.push({ depth: (m[1] ?? '').length / 2, tag: `(${m[2]})`.toUpperCase(), vr: m[3] as string, value });
  }
  return { lines, stderr: r.stderr };
}

/** The lines inside the element at `index` (deeper than it, until the next line at its depth or above). */
export function blockOf(lines: readonly DumpLine[], index: number): DumpLine[] {
  const start = lines[index];
  if (!start) return [];
  const out: DumpLine[] = [];
  for (let i = index + 1; i < lines.length && (lines[i] as DumpLine).depth > start.depth; i += 1) out.push(lines[i] as DumpLine);
  return out;
}

/** Top-level value of a tag, e.g. topLevel(lines, '(0010,0020)'). */
export function topLevel(lines: readonly DumpLine[], tag: string): string | undefined {
  return lines.find((l) => l.depth === 0 && l.tag === tag)?.value;
}

/** Runs a dcmtk tool; throws with its stderr if it fails. */
export function dcmtk(tool: string, args: string[], cwd?: string): string {
  return execFileSync(tool, args, { cwd, encoding: 'latin1', stdio: ['ignore', 'pipe', 'pipe'] });
}
