/**
 * The inbound path of an import in its own process, as the import worker runs it (workers/steps/importDownload.ts and
 * workers/pacsImport.ts), so its wall time and peak RSS are measured without the benchmark's (script/bench import):
 *   node dist/bench/importChild.js --remote URL --uhl URL --study UID --work DIR [--warmup UID]
 * workers/importPipeline.ts importDelivery, the function the import step runs:
 * 1. retrieveStudy from the remote trust's DICOMweb (WADO-RS), each instance handed over in memory, its header judged
 *    by the identity check against the request and PAS and the IHE IRWF.b rewrite made from the same bytes as it
 *    lands ("retrieve + check + rewrite", ends when the last instance has landed);
 * 2. the decision over the whole delivery, once the last rewrites are done ("decide");
 * 3. storeFiles to UHL's DICOMweb (STOW-RS, batched, parallel) of the checked, rewritten instances ("STOW-RS").
 * Same calls and the same options as the worker (accession replaced, as workers/pacsImport.ts does); the PAS answer is
 * the benchmark's patient, because PAS is not what is measured here.
 * --warmup UID: first run the whole path once on another (small) study, untimed, as a long-lived worker would have.
 * Prints one JSON line: { instances, bytes, stored, failed, retrieveMs, importMs, storeMs, totalMs, maxRssKb }.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createPacsClient, type PacsClient } from '../integrations/pacs';
import { importDelivery, retrieveDelivery } from '../workers/importPipeline';
import { accessionNumbers } from '../workers/pacsImport';
import { BENCH_EXPECTED_PATIENT, BENCH_OUR_ISSUER } from './dicomPatient';
import { nowMs } from './harness';

export const BENCH_STUDY_DATE = '2026-01-15';

interface PathTimings {
  instances: number;
  bytes: number;
  stored: number;
  failed: number;
  retrieveMs: number;
  importMs: number;
  storeMs: number;
  totalMs: number;
}

async function inbound(remote: PacsClient, uhl: PacsClient, studyUid: string, work: string): Promise<PathTimings> {
  fs.rmSync(work, { recursive: true, force: true });
  const call = { callRef: 'ITB-2026-000001' };
  const t0 = nowMs();
  // The worker's own pipeline (workers/importPipeline.ts, as workers/steps/importDownload.ts runs it).
  const result = await importDelivery(
    {
      expected: BENCH_EXPECTED_PATIENT,
      requestedExams: [{ date: BENCH_STUDY_DATE, modality: 'CT' }],
      reconcile: { pas: BENCH_EXPECTED_PATIENT, ourIssuer: BENCH_OUR_ISSUER },
      rewrite: {
        sNumber: BENCH_EXPECTED_PATIENT.sNumber,
        issuer: BENCH_OUR_ISSUER,
        accession: { kind: 'replace', accessionFor: accessionNumbers('ITB', 'bench:1') },
        modifyingSystem: 'ITB',
        sourceOfPreviousValues: 'Synthetic Sending Trust',
        modifiedAt: new Date(),
      },
      outDir: path.join(work, 'out'),
    },
    retrieveDelivery(remote, [studyUid], path.join(work, 'in'), call),
    uhl,
    call,
  );
  const t1 = nowMs();
  if (!('stored' in result)) throw new Error(`import engine held the study: ${result.decision.reasons.map((r) => r.code).join(', ')}`);
  // As the worker does: the work folder goes once PACS has everything.
  fs.rmSync(work, { recursive: true, force: true });
  return {
    instances: result.files,
    bytes: result.stored.bytes,
    stored: result.stored.stored.length,
    failed: result.stored.failed.length,
    retrieveMs: result.timings.deliverMs,
    importMs: result.timings.checkMs,
    storeMs: result.timings.storeMs,
    totalMs: t1 - t0,
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { remote: { type: 'string' }, uhl: { type: 'string' }, study: { type: 'string' }, work: { type: 'string' }, warmup: { type: 'string' } } });
  if (!values.remote || !values.uhl || !values.study || !values.work) throw new Error('--remote, --uhl, --study and --work are required');
  // Default settings, as config/ builds them for production (docs/pacs-contract.md).
  const remote = createPacsClient({ kind: 'dicomweb', baseUrl: values.remote });
  const uhl = createPacsClient({ kind: 'dicomweb', baseUrl: values.uhl });
  try {
    if (values.warmup) await inbound(remote, uhl, values.warmup, `${values.work}-warmup`);
    const r = await inbound(remote, uhl, values.study, values.work);
    console.log(JSON.stringify({ ...r, maxRssKb: process.resourceUsage().maxRSS }));
  } finally {
    await remote.close();
    await uhl.close();
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
