/**
 * script/bench import (issue 5): the whole inbound path of an import against dcmtk's storescu, same files, same
 * Orthanc, same run.
 *
 * Two Orthancs of our own on free loopback ports ("remote trust" and "UHL PACS"), storage in tmpfs. The synthetic CT
 * study (default 300 and 3,000 instances of 512x512 16-bit, explicit VR LE; sandbox/dicom-generator) is loaded into
 * the remote one (untimed). Then, in rotating order each round, and with the study deleted from UHL's Orthanc before
 * every run so both contenders store new instances:
 * - ours: bench/importChild.ts in a fresh child that first runs the same path on a small warm-up study (a long-lived
 *   worker's steady state): workers/importPipeline.ts importDelivery, as the import step runs it: WADO-RS retrieve
 *   with each instance checked and rewritten as it lands (in memory), the decision over the whole delivery, then
 *   STOW-RS to UHL; product functions with their default settings; timed inside the child, stage by stage;
 * - storescu: `storescu +sd +r` of the generated files to UHL's Orthanc with TCP_NODELAY=1, process wall time.
 * After each run UHL's Orthanc must hold every instance of the study, or the run is an error.
 * Throughput is study bytes over time; medians are reported. Peak RSS is each child's own (GNU time).
 *
 * Target (issue 5): ours >= 90% of storescu's throughput. ours moves the bytes three times (download, rewrite,
 * upload) where storescu sends once; the check and the rewrite overlap the download, and the upload cannot start
 * before the check has seen every instance (safety first), so the stage table shows retrieve + check + rewrite, the
 * decision (with the last rewrites), and STOW-RS.
 * Environment: BENCH_IMPORT_INSTANCES=300,3000, BENCH_IMPORT_ROUNDS (default 3 for <= 1,000 instances, else 1).
 */
import fs from 'node:fs';
import path from 'node:path';
import { generateStudy } from '../sandbox/dicom-generator/generateStudy';
import { freePort } from '../sandbox/processes/freePort';
import { startOrthanc, type OrthancHandle } from '../sandbox/processes/orthanc';
import { BENCH_SENDER_PATIENT } from './dicomPatient';
import { formatTable, listFiles, machineFacts, mbPerSec, median, runMeasured, totalBytes, writeResults } from './harness';
import { BENCH_STUDY_DATE } from './importChild';

const ROOT = path.resolve(__dirname, '..', '..');
const CHILD = path.join(__dirname, 'importChild.js');
const TARGET_RATIO = 0.9;
const CONTENDERS = ['ours (retrieve + check + rewrite, then STOW-RS)', 'storescu'] as const;
type Contender = (typeof CONTENDERS)[number];

interface Stages {
  retrieveMs: number;
  importMs: number;
  storeMs: number;
}
interface Measurement {
  ms: number;
  maxRssKb: number;
  stages?: Stages;
}

async function orthancJson(o: OrthancHandle, method: string, url: string, body?: string): Promise<unknown> {
  const res = await fetch(`${o.restUrl}${url}`, { method, body });
  if (!res.ok) throw new Error(`Orthanc ${method} ${url}: ${res.status}`);
  const text = await res.text();
  return text ? JSON.parse(text) : undefined;
}

/** Orthanc's ids of a study by its Study Instance UID (none when it is not there). */
async function studyIds(o: OrthancHandle, studyUid: string): Promise<string[]> {
  const found = (await orthancJson(o, 'POST', '/tools/lookup', studyUid)) as Array<{ ID: string; Type: string }>;
  return found.filter((f) => f.Type === 'Study').map((f) => f.ID);
}

async function instancesHeld(o: OrthancHandle, studyUid: string): Promise<number> {
  let n = 0;
  for (const id of await studyIds(o, studyUid)) n += ((await orthancJson(o, 'GET', `/studies/${id}/instances`)) as unknown[]).length;
  return n;
}

async function deleteStudy(o: OrthancHandle, studyUid: string): Promise<void> {
  for (const id of await studyIds(o, studyUid)) await orthancJson(o, 'DELETE', `/studies/${id}`);
}

async function storescu(o: OrthancHandle, dir: string) {
  // TCP_NODELAY=1: dcmtk's own switch for Nagle; without it DIMSE on loopback is many times slower (DESIGN).
  return runMeasured('storescu', ['-aec', o.aet, '+sd', '+r', '127.0.0.1', String(o.dicomPort), dir], { env: { TCP_NODELAY: '1' } });
}

async function runOnce(who: Contender, ctx: { remote: OrthancHandle; uhl: OrthancHandle; src: string; studyUid: string; warmupUid: string; work: string; instances: number }): Promise<Measurement> {
  await deleteStudy(ctx.uhl, ctx.studyUid);
  let m: Measurement;
  if (who === 'storescu') {
    const run = await storescu(ctx.uhl, ctx.src);
    if (run.exitCode !== 0) throw new Error(`storescu exited with ${run.exitCode}: ${run.stderr.slice(0, 500)}`);
    m = { ms: run.wallMs, maxRssKb: run.maxRssKb };
  } else {
    const run = await runMeasured(process.execPath, [CHILD, '--remote', ctx.remote.dicomWebUrl, '--uhl', ctx.uhl.dicomWebUrl, '--study', ctx.studyUid, '--warmup', ctx.warmupUid, '--work', ctx.work]);
    if (run.exitCode !== 0) throw new Error(`import child exited with ${run.exitCode}: ${run.stderr.slice(0, 800)}`);
    const r = JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}') as Stages & { totalMs: number; stored: number; failed: number };
    if (r.stored !== ctx.instances || r.failed !== 0) throw new Error(`ours stored ${r.stored} of ${ctx.instances} (${r.failed} failed)`);
    m = { ms: r.totalMs, maxRssKb: run.maxRssKb, stages: { retrieveMs: r.retrieveMs, importMs: r.importMs, storeMs: r.storeMs } };
  }
  const held = await instancesHeld(ctx.uhl, ctx.studyUid);
  if (held !== ctx.instances) throw new Error(`${who}: UHL's Orthanc holds ${held} of ${ctx.instances} instances after the run`);
  return m;
}

async function benchStudy(instances: number, rounds: number) {
  const base = path.join(fs.existsSync('/dev/shm') ? '/dev/shm' : path.join(ROOT, 'var'), `itb-bench-import-${process.pid}-${instances}`);
  fs.mkdirSync(base, { recursive: true });
  const handles: OrthancHandle[] = [];
  try {
    const src = path.join(base, 'src');
    const warm = path.join(base, 'warmup');
    const generated = generateStudy({ outDir: src, patient: BENCH_SENDER_PATIENT, studyDate: BENCH_STUDY_DATE, modality: 'CT', instances, rows: 512, cols: 512 });
    const warmup = generateStudy({ outDir: warm, patient: BENCH_SENDER_PATIENT, studyDate: BENCH_STUDY_DATE, modality: 'CT', instances: 50, rows: 64, cols: 64 });
    const bytes = totalBytes(listFiles(src));
    const remote = await startOrthanc({ name: 'bench remote trust', aet: 'REMOTE', httpPort: await freePort(), dicomPort: await freePort(), dir: path.join(base, 'orthanc-remote') });
    handles.push(remote);
    const uhl = await startOrthanc({ name: 'bench UHL PACS', aet: 'UHLPACS', httpPort: await freePort(), dicomPort: await freePort(), dir: path.join(base, 'orthanc-uhl') });
    handles.push(uhl);
    for (const dir of [src, warm]) {
      const load = await storescu(remote, dir);
      if (load.exitCode !== 0) throw new Error(`loading the remote Orthanc failed: ${load.stderr.slice(0, 500)}`);
    }
    if ((await instancesHeld(remote, generated.studyInstanceUid)) !== instances) throw new Error('the remote Orthanc does not hold the whole study');

    const ctx = { remote, uhl, src, studyUid: generated.studyInstanceUid, warmupUid: warmup.studyInstanceUid, work: path.join(base, 'work'), instances };
    const runs = new Map<Contender, Measurement[]>(CONTENDERS.map((c) => [c, []]));
    for (let round = 0; round < rounds; round += 1) {
      for (let i = 0; i < CONTENDERS.length; i += 1) {
        const who = CONTENDERS[(i + round) % CONTENDERS.length] as Contender;
        const m = await runOnce(who, ctx);
        runs.get(who)?.push(m);
        process.stderr.write(`  ${instances} instances, round ${round + 1}/${rounds}: ${who} ${(m.ms / 1000).toFixed(2)} s\n`);
      }
    }
    const contenders = CONTENDERS.map((who) => {
      const ms = runs.get(who) ?? [];
      const medianMs = median(ms.map((m) => m.ms));
      const stages = ms.every((m) => m.stages)
        ? { retrieveMs: median(ms.map((m) => m.stages?.retrieveMs ?? NaN)), importMs: median(ms.map((m) => m.stages?.importMs ?? NaN)), storeMs: median(ms.map((m) => m.stages?.storeMs ?? NaN)) }
        : undefined;
      return { contender: who, medianMs, mbPerSec: mbPerSec(bytes, medianMs), peakRssMb: Math.max(...ms.map((m) => m.maxRssKb)) / 1024, runsMs: ms.map((m) => Math.round(m.ms)), stages };
    });
    const ours = contenders[0];
    const sc = contenders[1];
    const ratio = (ours?.mbPerSec ?? NaN) / (sc?.mbPerSec ?? NaN);
    const stowRatio = ours?.stages ? mbPerSec(bytes, ours.stages.storeMs) / (sc?.mbPerSec ?? NaN) : NaN;
    return {
      instances,
      rows: 512,
      cols: 512,
      bytes,
      filesystem: base.startsWith('/dev/shm') ? 'tmpfs (/dev/shm) for files and both Orthancs' : 'disk',
      rounds,
      contenders,
      oursToStorescu: ratio,
      stowOnlyToStorescu: stowRatio,
      targets: { atLeast90PercentOfStorescu: ratio >= TARGET_RATIO },
    };
  } finally {
    for (const h of handles.reverse()) await h.stop();
    fs.rmSync(base, { recursive: true, force: true });
  }
}

/** Runs the import benchmark, prints its tables and writes bench/results/import.json. Returned for `bench all`. */
export async function runImportBench(): Promise<{ studies: Array<Awaited<ReturnType<typeof benchStudy>>>; table: string; summary: string[] }> {
  const machine = machineFacts();
  const sizes = (process.env.BENCH_IMPORT_INSTANCES ?? '300,3000').split(',').map((s) => Number(s.trim())).filter((n) => n > 0);
  console.log(`import bench: ${sizes.join(' and ')} instances of 512x512 16-bit CT; ${machine.cores} cores, node ${machine.node}, load ${machine.loadAverage.join(' ')}`);
  const studies = [];
  for (const n of sizes) studies.push(await benchStudy(n, Number(process.env.BENCH_IMPORT_ROUNDS ?? (n <= 1000 ? 3 : 1))));

  const rows: Array<Array<string | number>> = [['study', 'contender', 'median s', 'MB/s', 'peak RSS MB', 'vs storescu', 'retrieve + check + rewrite s', 'decide s', 'STOW-RS s']];
  for (const s of studies) {
    const sc = s.contenders.find((c) => c.contender === 'storescu')?.mbPerSec ?? NaN;
    for (const c of s.contenders) {
      rows.push([
        `${s.instances} x 512x512 (${(s.bytes / 1e6).toFixed(0)} MB)`,
        c.contender,
        c.medianMs / 1000,
        c.mbPerSec,
        c.peakRssMb,
        `${((c.mbPerSec / sc) * 100).toFixed(0)}%`,
        c.stages ? c.stages.retrieveMs / 1000 : '-',
        c.stages ? c.stages.importMs / 1000 : '-',
        c.stages ? c.stages.storeMs / 1000 : '-',
      ]);
    }
  }
  const table = formatTable(rows);
  console.log(table);
  const summary = studies.map(
    (s) =>
      `${s.instances} instances: ours ${(s.oursToStorescu * 100).toFixed(0)}% of storescu's throughput for the whole path ` +
      `(target >= ${TARGET_RATIO * 100}%: ${s.targets.atLeast90PercentOfStorescu ? 'met' : 'MISSED'}); its STOW-RS stage alone ${(s.stowOnlyToStorescu * 100).toFixed(0)}% of storescu`,
  );
  summary.forEach((l) => console.log(l));
  const file = writeResults('import', { studies }, machine);
  console.log(`results: ${path.relative(ROOT, file)}`);
  return { studies, table, summary };
}

if (require.main === module) {
  runImportBench().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
