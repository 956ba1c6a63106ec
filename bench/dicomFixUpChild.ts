/**
 * The engine alone in its own process, so its peak RSS is measured without the benchmark's (script/bench dicom).
 *   node dist/bench/dicomFixUpChild.js --in DIR --out DIR --mode import|fixup [--warmup DIR] [--concurrency N]
 * import: importStudy (identity checks on every header, then the rewrite), the path production runs.
 * fixup: fixUpStudy only (the rewrite, no checks), comparable to dcmodify's single change.
 * --warmup DIR: first run the same mode 5 times on another study (untimed), as a long-lived worker would have, so the
 * timed run sees warm JIT-compiled code rather than Node's start-up and V8's compilation.
 * Prints one JSON line: { mode, decision, instances, bytes, engineMs, cpuMs (of the timed run), maxRssKb }.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fixUpStudy, importStudy } from '../integrations/dicom';
import { BENCH_EXPECTED_PATIENT, BENCH_OUR_ISSUER } from './dicomPatient';
import { listFiles, nowMs } from './harness';

const WARMUP_PASSES = 5;

async function run(mode: string, inDir: string, outDir: string, concurrency: number | undefined): Promise<{ decision: string; instances: number; bytes: number }> {
  const files = listFiles(inDir);
  const modifiedAt = new Date();
  if (mode === 'fixup') {
    const r = await fixUpStudy(
      files.map((f) => ({ inPath: f, outPath: path.join(outDir, path.basename(f)) })),
      { sNumber: BENCH_EXPECTED_PATIENT.sNumber, issuer: BENCH_OUR_ISSUER, accession: { kind: 'keep' }, modifyingSystem: 'ITB', modifiedAt },
      { concurrency },
    );
    return { decision: r.failures.length === 0 ? 'import' : `failed: ${r.failures[0]?.error.code}`, instances: r.written.length, bytes: r.bytesIn };
  }
  const r = await importStudy(files, BENCH_EXPECTED_PATIENT, [{ date: '2026-01-15', modality: 'CT' }], {
    pas: BENCH_EXPECTED_PATIENT,
    ourIssuer: BENCH_OUR_ISSUER,
    outDir,
    rewrite: { accession: { kind: 'keep' }, modifyingSystem: 'ITB', sourceOfPreviousValues: 'Synthetic Sending Trust', modifiedAt },
    fixUpConcurrency: concurrency,
  });
  return r.decision === 'import' ? { decision: 'import', instances: r.written.length, bytes: r.bytesIn } : { decision: 'quarantine', instances: 0, bytes: 0 };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      in: { type: 'string' },
      out: { type: 'string' },
      mode: { type: 'string', default: 'import' },
      warmup: { type: 'string' },
      concurrency: { type: 'string' },
    },
  });
  if (!values.in || !values.out) throw new Error('--in and --out are required');
  const concurrency = values.concurrency ? Number(values.concurrency) : undefined;
  if (values.warmup) {
    // Several passes: V8 optimises hot functions only after many calls, and a worker's steady state is what we want.
    for (let i = 0; i < WARMUP_PASSES; i += 1) {
      const warmOut = `${values.out}-warmup`;
      await run(values.mode, values.warmup, warmOut, concurrency);
      fs.rmSync(warmOut, { recursive: true, force: true });
    }
  }
  const t0 = nowMs();
  const cpu0 = process.cpuUsage();
  const r = await run(values.mode, values.in, values.out, concurrency);
  const engineMs = nowMs() - t0;
  const cpu = process.cpuUsage(cpu0); // every thread of this process: the thread pool's reads and writes included
  // ru_maxrss of this process: the whole run (warm-up included), Node's own baseline included.
  console.log(JSON.stringify({ mode: values.mode, ...r, engineMs, cpuMs: (cpu.user + cpu.system) / 1000, maxRssKb: process.resourceUsage().maxRSS }));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
