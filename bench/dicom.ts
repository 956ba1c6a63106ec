/**
 * script/bench dicom: the DICOM fix-up against dcmtk's dcmodify and a plain cp, on the same synthetic CT studies, in
 * the same run, from a warm page cache.
 *
 * For each study (default 300 and 3,000 instances of 512x512 16-bit, explicit VR LE):
 * - ours (import): importStudy in its own process: every header checked, then the rewrite into a new folder;
 * - ours (fix-up only): fixUpStudy in its own process: the rewrite alone;
 * - dcmodify: `dcmodify -nb -m "(0010,0020)=S1234567" <files>` on a copy of the files (in place, no backup);
 * - cp: `cp -r` of the files.
 * Each contender runs ROUNDS times in rotating order after `sync` and a page-cache warm-up; the median is reported.
 * Throughput is input bytes / wall time of the process (start-up included); peak RSS is the process's own maximum
 * resident set (GNU time, getrusage). Targets (issue 5): ours >= 50% of dcmodify's throughput, peak RSS < 150 MB.
 *
 * Environment: BENCH_DICOM_INSTANCES=300,3000 (study sizes), BENCH_DICOM_ROUNDS=3, BENCH_DICOM_DIR (work folder,
 * default var/bench-dicom; removed afterwards).
 */
import fs from 'node:fs';
import path from 'node:path';
import { generateStudy } from '../sandbox/dicom-generator/generateStudy';
import { BENCH_SENDER_PATIENT } from './dicomPatient';
import { formatTable, listFiles, machineFacts, mbPerSec, median, runMeasured, syncDisks, totalBytes, warmPageCache, writeResults } from './harness';

const ROOT = path.resolve(__dirname, '..', '..');
const CHILD = path.join(__dirname, 'dicomFixUpChild.js');
const TARGET_RATIO = 0.5;
const TARGET_RSS_MB = 150;

type Contender = 'ours (import)' | 'ours (fix-up only)' | 'dcmodify' | 'cp';
const CONTENDERS: Contender[] = ['ours (import)', 'ours (fix-up only)', 'dcmodify', 'cp'];

interface Measurement {
  wallMs: number;
  maxRssKb: number;
  /** Ours only: time inside the engine call, without Node start-up. */
  engineMs?: number;
}

async function runOnce(who: Contender, src: string, files: string[], work: string): Promise<Measurement> {
  const out = path.join(work, 'out');
  fs.rmSync(out, { recursive: true, force: true });
  let target = files;
  if (who === 'dcmodify') {
    // dcmodify edits in place: give it its own copy (untimed), so every run starts from the sender's files.
    fs.cpSync(src, out, { recursive: true });
    target = listFiles(out);
  } else {
    fs.mkdirSync(out, { recursive: true });
  }
  await syncDisks();
  warmPageCache(target);

  let run;
  if (who === 'cp') run = await runMeasured('cp', ['-r', src, path.join(out, 'copy')]);
  else if (who === 'dcmodify') run = await runMeasured('dcmodify', ['-nb', '-m', '(0010,0020)=S1234567', ...target]);
  else run = await runMeasured(process.execPath, [CHILD, '--in', src, '--out', out, '--mode', who === 'ours (import)' ? 'import' : 'fixup']);
  if (run.exitCode !== 0) throw new Error(`${who} exited with ${run.exitCode}: ${run.stderr.slice(0, 500)}`);

  const m: Measurement = { wallMs: run.wallMs, maxRssKb: run.maxRssKb };
  if (who.startsWith('ours')) {
    const report = JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}') as { decision: string; instances: number; engineMs: number };
    // A benchmark of an engine that quarantined or dropped files would measure nothing useful.
    if (report.decision !== 'import' || report.instances !== files.length) {
      throw new Error(`${who}: expected ${files.length} instances imported, got ${report.instances} (${report.decision})`);
    }
    m.engineMs = report.engineMs;
  }
  fs.rmSync(out, { recursive: true, force: true });
  return m;
}

async function benchStudy(instances: number, rounds: number, work: string) {
  const src = path.join(work, `ct${instances}`);
  fs.rmSync(src, { recursive: true, force: true });
  const generated = generateStudy({ outDir: src, patient: BENCH_SENDER_PATIENT, studyDate: '2026-01-15', modality: 'CT', instances, rows: 512, cols: 512 });
  const files = listFiles(src);
  const bytes = totalBytes(files);
  const runs = new Map<Contender, Measurement[]>(CONTENDERS.map((c) => [c, []]));
  for (let round = 0; round < rounds; round += 1) {
    // Rotate the order each round so no contender always follows the same neighbour.
    for (let i = 0; i < CONTENDERS.length; i += 1) {
      const who = CONTENDERS[(i + round) % CONTENDERS.length] as Contender;
      const m = await runOnce(who, src, files, work);
      runs.get(who)?.push(m);
      process.stderr.write(`  ${instances} instances, round ${round + 1}/${rounds}: ${who} ${(m.wallMs / 1000).toFixed(2)} s\n`);
    }
  }
  fs.rmSync(src, { recursive: true, force: true });

  const summary = CONTENDERS.map((who) => {
    const ms = runs.get(who) ?? [];
    const wallMs = median(ms.map((m) => m.wallMs));
    const engine = ms.filter((m) => m.engineMs !== undefined).map((m) => m.engineMs as number);
    return {
      contender: who,
      wallMs: median(ms.map((m) => m.wallMs)),
      mbPerSec: mbPerSec(bytes, wallMs),
      engineMbPerSec: engine.length > 0 ? mbPerSec(bytes, median(engine)) : undefined,
      peakRssMb: Math.max(...ms.map((m) => m.maxRssKb)) / 1024,
      runsMs: ms.map((m) => Math.round(m.wallMs)),
    };
  });
  const dcmodify = summary.find((s) => s.contender === 'dcmodify');
  const ours = summary.find((s) => s.contender === 'ours (import)');
  const ratio = ours && dcmodify ? ours.mbPerSec / dcmodify.mbPerSec : Number.NaN;
  return {
    instances,
    rows: 512,
    cols: 512,
    bytes,
    studyInstanceUid: generated.studyInstanceUid,
    contenders: summary,
    oursToDcmodify: ratio,
    targets: {
      throughputAtLeastHalfOfDcmodify: ratio >= TARGET_RATIO,
      peakRssUnder150Mb: summary.filter((s) => s.contender.startsWith('ours')).every((s) => s.peakRssMb < TARGET_RSS_MB),
    },
  };
}

async function main(): Promise<void> {
  const machine = machineFacts();
  const sizes = (process.env.BENCH_DICOM_INSTANCES ?? '300,3000').split(',').map((s) => Number(s.trim())).filter((n) => n > 0);
  const rounds = Number(process.env.BENCH_DICOM_ROUNDS ?? 3);
  const work = path.resolve(process.env.BENCH_DICOM_DIR ?? path.join(ROOT, 'var', 'bench-dicom'));
  fs.mkdirSync(work, { recursive: true });
  console.log(`dicom bench: ${sizes.join(' and ')} instances of 512x512 16-bit CT, ${rounds} rounds; ${machine.cores} cores, node ${machine.node}, load ${machine.loadAverage.join(' ')}`);

  const studies = [];
  try {
    for (const n of sizes) studies.push(await benchStudy(n, rounds, work));
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }

  const rows: Array<Array<string | number>> = [['study', 'contender', 'median s', 'MB/s', 'engine MB/s', 'peak RSS MB', 'vs dcmodify']];
  for (const s of studies) {
    const dcm = s.contenders.find((c) => c.contender === 'dcmodify')?.mbPerSec ?? Number.NaN;
    for (const c of s.contenders) {
      rows.push([`${s.instances} x 512x512 (${(s.bytes / 1e6).toFixed(0)} MB)`, c.contender, c.wallMs / 1000, c.mbPerSec, c.engineMbPerSec ?? '', c.peakRssMb, `${((c.mbPerSec / dcm) * 100).toFixed(0)}%`]);
    }
  }
  console.log(formatTable(rows));
  for (const s of studies) {
    console.log(
      `${s.instances} instances: ours ${(s.oursToDcmodify * 100).toFixed(0)}% of dcmodify (target >= ${TARGET_RATIO * 100}%: ${s.targets.throughputAtLeastHalfOfDcmodify ? 'met' : 'MISSED'}); ` +
        `peak RSS target < ${TARGET_RSS_MB} MB: ${s.targets.peakRssUnder150Mb ? 'met' : 'MISSED'}`,
    );
  }
  const file = writeResults('dicom', { rounds, studies }, machine);
  console.log(`results: ${path.relative(ROOT, file)}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
