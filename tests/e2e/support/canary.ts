import fs from 'node:fs';
import path from 'node:path';
import { Queue } from 'bullmq';
import { CANARY_MARKERS, type DemoPatient } from '../../../sandbox/demo';
import type { E2eStack } from './stack';

/** One place a canary marker was found. */
export interface CanaryHit {
  where: string;
  marker: string;
  excerpt: string;
}

export interface CanaryReport {
  journey: string;
  scanned: { logLines: number; jobs: number; redisValues: number; errorMessages: number };
  hits: CanaryHit[];
}

/** Error messages shown to people or thrown in a journey are added here by the journeys (step failures, refusals). */
const shownErrors: string[] = [];
export function recordShownError(text: string): void {
  shownErrors.push(text);
}

/**
 * The canary's markers plus the identifiers of every patient the journey typed in (family name, S number, NHS number;
 * not short given names such as "Iona", which "optional" contains): none may appear in clear anywhere we scan. Case-insensitive (a name upper-cased in a log line is still a leak); NHS
 * numbers also spaced 3-3-4 as people type them.
 */
export function markersFor(patients: readonly DemoPatient[]): string[] {
  const out = new Set<string>();
  const all = [...CANARY_MARKERS, ...patients.flatMap((p) => [p.familyName, p.sNumber, ...(p.nhsNumber ? [p.nhsNumber] : [])])];
  for (const m of all) {
    out.add(m.toLowerCase());
    if (/^\d{10}$/.test(m)) out.add(`${m.slice(0, 3)} ${m.slice(3, 6)} ${m.slice(6)}`);
  }
  return [...out];
}

function scan(markers: readonly string[], where: string, text: string, hits: CanaryHit[]): void {
  const lower = text.toLowerCase();
  for (const m of markers) {
    const i = lower.indexOf(m);
    if (i >= 0) hits.push({ where, marker: m, excerpt: text.slice(Math.max(0, i - 80), i + m.length + 80) });
  }
}

/** Every BullMQ queue name under the prefix (from its `<prefix>:<queue>:meta` / `:id` keys). */
async function queueNames(stack: E2eStack): Promise<string[]> {
  const names = new Set<string>();
  let cursor = '0';
  do {
    const [next, keys] = await stack.redis.scan(cursor, 'MATCH', `${stack.prefix}:*:meta`, 'COUNT', 1000);
    cursor = next;
    for (const k of keys) names.add(k.slice(stack.prefix.length + 1, -':meta'.length));
  } while (cursor !== '0');
  return [...names];
}

/**
 * The patient-data canary (issue #9): after a journey that used the canary patient (sandbox/demo CANARY_MARKERS),
 * search everything the product wrote for the markers - the bot's and workers' logs, every BullMQ job's data,
 * return value, failure reason and stack trace under the journey's prefix, every raw Redis value under the prefix
 * (patient identifiers must be encrypted at rest), and the error texts the journey saw. Writes the figures to
 * tests/artifacts/e2e/canary-<journey>.json and prints them; returns them so the caller can assert 0 hits.
 */
export async function scanForCanary(stack: E2eStack, patients: readonly DemoPatient[]): Promise<CanaryReport> {
  const hits: CanaryHit[] = [];
  const markers = markersFor(patients);
  const scanText = (where: string, text: string) => scan(markers, where, text, hits);
  const logLines = stack.logs().split('\n').filter((l) => l.trim() !== '');
  logLines.forEach((l, i) => scanText(`log line ${i + 1}`, l));

  let jobs = 0;
  for (const name of await queueNames(stack)) {
    const q = new Queue(name, { connection: stack.redis, prefix: stack.prefix });
    try {
      for (const job of await q.getJobs(['waiting', 'prioritized', 'active', 'completed', 'failed', 'delayed', 'waiting-children'])) {
        if (!job) continue;
        jobs++;
        scanText(`job ${name}/${job.id}`, JSON.stringify({ name: job.name, data: job.data, returnvalue: job.returnvalue, failedReason: job.failedReason, stacktrace: job.stacktrace }));
      }
    } finally {
      await q.close();
    }
  }

  let redisValues = 0;
  let cursor = '0';
  do {
    const [next, keys] = await stack.redis.scan(cursor, 'MATCH', `${stack.prefix}*`, 'COUNT', 1000);
    cursor = next;
    for (const key of keys) {
      const type = await stack.redis.type(key);
      let values: string[] = [];
      if (type === 'string') values = [(await stack.redis.get(key)) ?? ''];
      else if (type === 'hash') values = Object.entries(await stack.redis.hgetall(key)).flat();
      else if (type === 'list') values = await stack.redis.lrange(key, 0, -1);
      else if (type === 'set') values = await stack.redis.smembers(key);
      else if (type === 'zset') values = await stack.redis.zrange(key, 0, -1);
      else if (type === 'stream') values = (await stack.redis.xrange(key, '-', '+')).flatMap(([id, fields]) => [id, ...fields]);
      redisValues += values.length;
      values.forEach((v) => scanText(`redis ${key}`, v));
      scanText('redis key name', key);
    }
  } while (cursor !== '0');

  shownErrors.forEach((e, i) => scanText(`error message ${i + 1}`, e));
  const report: CanaryReport = { journey: stack.journey, scanned: { logLines: logLines.length, jobs, redisValues, errorMessages: shownErrors.length }, hits };
  const total = logLines.length + jobs + redisValues + shownErrors.length;
  const dir = path.resolve(__dirname, '..', '..', 'artifacts', 'e2e');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, `canary-${stack.journey}.json`), JSON.stringify(report, null, 2));
  process.stdout.write(
    `patient-data canary (${stack.journey}): ${total} scanned (${logLines.length} log lines, ${jobs} jobs, ${redisValues} Redis values, ${shownErrors.length} error messages), ${hits.length} hits\n`,
  );
  return report;
}
