/**
 * The engine alone in its own process, so its peak RSS is measured without the benchmark's (script/bench dicom).
 *   node dist/bench/dicomFixUpChild.js --in DIR --out DIR --mode import|fixup [--concurrency N]
 * import: importStudy (identity checks on every header, then the rewrite), the path production runs.
 * fixup: fixUpStudy only (the rewrite, no checks), comparable to dcmodify's single change.
 * Prints one JSON line: { mode, decision, instances, bytes, engineMs, maxRssKb }.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fixUpStudy, importStudy } from '../integrations/dicom';
import { BENCH_EXPECTED_PATIENT, BENCH_OUR_ISSUER } from './dicomPatient';
import { listFiles, nowMs } from './harness';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { in: { type: 'string' }, out: { type: 'string' }, mode: { type: 'string', default: 'import' }, concurrency: { type: 'string' } },
  });
  if (!values.in || !values.out) throw new Error('--in and --out are required');
  const files = listFiles(values.in);
  const concurrency = values.concurrency ? Number(values.concurrency) : undefined;
  const modifiedAt = new Date();
  const t0 = nowMs();
  let decision: string;
  let instances: number;
  let bytes: number;
  if (values.mode === 'fixup') {
    const outDir = values.out;
    const r = await fixUpStudy(
      files.map((f) => ({ inPath: f, outPath: path.join(outDir, path.basename(f)) })),
      { sNumber: BENCH_EXPECTED_PATIENT.sNumber, issuer: BENCH_OUR_ISSUER, accession: { kind: 'keep' }, modifyingSystem: 'ITB', modifiedAt },
      { concurrency },
    );
    decision = r.failures.length === 0 ? 'import' : `failed: ${r.failures[0]?.error.code}`;
    instances = r.written.length;
    bytes = r.bytesIn;
  } else {
    const r = await importStudy(files, BENCH_EXPECTED_PATIENT, [{ date: '2026-01-15', modality: 'CT' }], {
      pas: BENCH_EXPECTED_PATIENT,
      ourIssuer: BENCH_OUR_ISSUER,
      outDir: values.out,
      rewrite: { accession: { kind: 'keep' }, modifyingSystem: 'ITB', sourceOfPreviousValues: 'Synthetic Sending Trust', modifiedAt },
      fixUpConcurrency: concurrency,
    });
    decision = r.decision;
    instances = r.decision === 'import' ? r.written.length : 0;
    bytes = r.decision === 'import' ? r.bytesIn : 0;
  }
  const engineMs = nowMs() - t0;
  // ru_maxrss of this process: the whole engine run, Node's own baseline included.
  console.log(JSON.stringify({ mode: values.mode, decision, instances, bytes, engineMs, maxRssKb: process.resourceUsage().maxRSS }));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
