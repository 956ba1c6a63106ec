import type { Redis } from 'ioredis';
import { BLUE_LIGHT_TARGET_MS, REQUEST_KINDS, type ComplianceFigures, type RequestKind, type RequestStatus } from '../domain';
import type { RequestSummary, Store } from '../store';

/**
 * The compliance report (guideline section 4: "compliance with these standards is reviewed twice a year"), built from
 * the store's clear facts and the audit trail, which the 30-day retention purge leaves whole: so a report over any
 * past period works without a single patient identifier. Every figure is counts, organisation names, statuses, codes
 * and times.
 */

/** UHL's own name as source or destination. */
export const UHL = 'University Hospitals of Leicester';

/** One request in the report (a CSV row). */
export interface ReportRow {
  requestId: string;
  callRef?: string;
  kind: RequestKind;
  /** blueLight / standard / batch for imports and exports, clinicalEmergency for trauma, urgentCd / standard for CDs. */
  priority: string;
  source: string;
  destination: string;
  status: RequestStatus;
  createdAt: string;
  completedAt?: string;
  turnaroundMinutes?: number;
  /** Why it was declined, failed, purged or quarantined (the history's codes), when it was. */
  problem?: { status: 'iepDeclined' | 'iepFailed' | 'iepPurged' | 'quarantined'; reason: string };
}

/** A count per key, largest first. */
export type Counts = Array<{ key: string; count: number }>;

/** The figures (domain ComplianceFigures, with mutable counts while they are built) and the per-request rows for the CSV. */
export interface ComplianceReport extends ComplianceFigures {
  byType: Counts;
  byPriority: Counts;
  bySource: Counts;
  byDestination: Counts;
  declines: Counts;
  failures: Counts;
  rows: ReportRow[];
}

const PROBLEMS = ['iepDeclined', 'iepFailed', 'iepPurged', 'quarantined'] as const;

/**
 * Builds the report for requests submitted in [from, to). Reads the store's creation index for the period, then each request's clear facts and its audit trail (status changes with their reasons).
 */
export async function buildComplianceReport(deps: { store: Store; /** Unused: kept so existing callers compile. */ redis?: Redis }, from: Date, to: Date): Promise<ComplianceReport> {
  const ids = await deps.store.requests.listCreatedBetween(from, to);
  const rows: ReportRow[] = [];
  const approvedBlueLight: ReportRow[] = [];
  for (const id of ids) {
    const summary = await deps.store.requests.getSummary(id);
    if (!summary) continue;
    const changes = (await readAll(deps.store, id)).filter((c) => c.to !== undefined);
    const row = rowOf(summary, changes);
    rows.push(row);
    if (summary.priority === 'blueLight' && changes.some((c) => c.to === 'approved')) approvedBlueLight.push(row);
  }
  const turnarounds = rows.flatMap((r) => (r.turnaroundMinutes !== undefined ? [r.turnaroundMinutes] : []));
  const within = approvedBlueLight.filter((r) => r.completedAt !== undefined && Date.parse(r.completedAt) - Date.parse(r.createdAt) <= BLUE_LIGHT_TARGET_MS).length;
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    total: rows.length,
    byType: countBy(rows, (r) => r.kind, REQUEST_KINDS),
    byPriority: countBy(rows, (r) => r.priority),
    bySource: countBy(rows, (r) => r.source),
    byDestination: countBy(rows, (r) => r.destination),
    turnaround: {
      completed: turnarounds.length,
      ...(turnarounds.length ? { medianMinutes: percentile(turnarounds, 50), p90Minutes: percentile(turnarounds, 90) } : {}),
    },
    blueLight: { approved: approvedBlueLight.length, completedWithin4h: within, ...(approvedBlueLight.length ? { share: within / approvedBlueLight.length } : {}) },
    declines: countBy(rows.filter((r) => r.problem?.status === 'iepDeclined'), (r) => r.problem!.reason),
    failures: countBy(rows.filter((r) => r.problem && r.problem.status !== 'iepDeclined'), (r) => `${r.problem!.status}: ${r.problem!.reason}`),
    rows,
  };
}

interface Change {
  to?: RequestStatus;
  why?: string;
  at: string;
}

async function readAll(store: Store, requestId: string): Promise<Change[]> {
  const out: Change[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await store.audit.readForRequest(requestId, { count: 500, ...(after ? { after } : {}) });
    for (const { event } of page) {
      if (event.type === 'request.statusChanged') out.push({ to: event.facts.to, why: event.facts.why, at: event.at });
    }
    if (page.length < 500) return out;
    after = page[page.length - 1]!.streamId;
  }
}

function rowOf(s: RequestSummary, changes: Change[]): ReportRow {
  const completed = [...changes].reverse().find((c) => c.to === 'completed');
  // The last problem the request met, with the reason the history gave (codes only, e.g. "studyNotHeld").
  const problem = [...changes].reverse().find((c) => (PROBLEMS as readonly string[]).includes(c.to ?? ''));
  const inbound = s.kind === 'import' || s.kind === 'cdImport';
  return {
    requestId: s.id,
    ...(s.callRef ? { callRef: s.callRef } : {}),
    kind: s.kind,
    priority: s.priority ?? s.lane,
    source: s.kind === 'cdImport' ? 'CD' : inbound ? (s.organisation ?? 'unknown') : UHL,
    destination: inbound ? UHL : (s.organisation ?? 'unknown'),
    status: s.status,
    createdAt: s.createdAt,
    ...(completed ? { completedAt: completed.at, turnaroundMinutes: Math.round((Date.parse(completed.at) - Date.parse(s.createdAt)) / 60_000) } : {}),
    ...(problem ? { problem: { status: problem.to as (typeof PROBLEMS)[number], reason: reasonOf(problem.why) } } : {}),
  };
}

/** "declined by the sending organisation (studyNotHeld)" -> "studyNotHeld"; other reasons as the history gives them. */
export function reasonOf(why: string | undefined): string {
  if (!why) return 'unknown';
  const code = /\(([^()]+)\)\s*$/.exec(why);
  return code ? code[1]! : why;
}

/** Nearest-rank percentile (p in 0..100) of a non-empty list. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

function countBy<T>(items: readonly T[], key: (t: T) => string, always: readonly string[] = []): Counts {
  const counts = new Map<string, number>(always.map((k) => [k, 0]));
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return [...counts.entries()].map(([k, count]) => ({ key: k, count })).sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
}

/** The report's figures as CSV: `section,key,value` (RFC 4180 quoting). */
export function reportSummaryCsv(r: ComplianceReport): string {
  const lines: Array<[string, string, string | number]> = [
    ['period', 'from', r.from],
    ['period', 'to', r.to],
    ['requests', 'total', r.total],
    ...r.byType.map((c): [string, string, number] => ['type', c.key, c.count]),
    ...r.byPriority.map((c): [string, string, number] => ['priority', c.key, c.count]),
    ...r.bySource.map((c): [string, string, number] => ['source', c.key, c.count]),
    ...r.byDestination.map((c): [string, string, number] => ['destination', c.key, c.count]),
    ['turnaround', 'completed', r.turnaround.completed],
    ['turnaround', 'medianMinutes', r.turnaround.medianMinutes ?? ''],
    ['turnaround', 'p90Minutes', r.turnaround.p90Minutes ?? ''],
    ['blueLight', 'approved', r.blueLight.approved],
    ['blueLight', 'completedWithin4h', r.blueLight.completedWithin4h],
    ['blueLight', 'shareWithin4h', r.blueLight.share === undefined ? '' : r.blueLight.share.toFixed(3)],
    ...r.declines.map((c): [string, string, number] => ['decline', c.key, c.count]),
    ...r.failures.map((c): [string, string, number] => ['failure', c.key, c.count]),
  ];
  return csv([['section', 'key', 'value'], ...lines]);
}

/** One CSV row per request (ids, call references, organisations, statuses, times, reasons: no patient data). */
export function reportRowsCsv(r: ComplianceReport): string {
  return csv([
    ['callRef', 'requestId', 'type', 'priority', 'source', 'destination', 'status', 'createdAt', 'completedAt', 'turnaroundMinutes', 'problem', 'reason'],
    ...r.rows.map((x) => [x.callRef ?? '', x.requestId, x.kind, x.priority, x.source, x.destination, x.status, x.createdAt, x.completedAt ?? '', x.turnaroundMinutes ?? '', x.problem?.status ?? '', x.problem?.reason ?? '']),
  ]);
}

function csv(rows: ReadonlyArray<ReadonlyArray<string | number>>): string {
  const cell = (v: string | number) => {
    const s = String(v);
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return `${rows.map((r) => r.map(cell).join(',')).join('\r\n')}\r\n`;
}
