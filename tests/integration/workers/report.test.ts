import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { SANDBOX_ENCRYPTION_KEY } from '../../../config/encryptionKeys';
import type { CallRef, RequestStatus, TransferRequest } from '../../../domain';
import { createStore, type Store } from '../../../store';
import { buildComplianceReport, reportRowsCsv, reportSummaryCsv, UHL } from '../../../workers/report';
import { testPatient } from '../iep/iepFixtures';
import { exportOf, importOf, traumaOf } from './support/flowHarness';
import { testRedisUrl, uniquePrefix } from '../../support/services';

const run = promisify(execFile);
const MIN = 60_000;
const T0 = Date.parse('2026-04-01T09:00:00Z');
const actor = { type: 'system', component: 'report-test' } as const;

describe('compliance report (guideline section 4) from the store and the audit trail', () => {
  const redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
  const prefix = uniquePrefix('report');
  const store: Store = createStore(redis, { redis: { url: testRedisUrl(), prefix }, encryptionKeys: [SANDBOX_ENCRYPTION_KEY] });
  let seq = 0;

  /** A request submitted at T0 + startMin that walks `path`, one step every `stepMin` minutes. */
  async function walk(request: TransferRequest, startMin: number, path: Array<[RequestStatus, string?]>, stepMin: number): Promise<string> {
    const at = (m: number) => new Date(T0 + m * MIN);
    const { id } = await store.requests.create({ request, requester: 'req-1', actor, at: at(startMin) });
    let m = startMin;
    for (const [i, [to, why]] of path.entries()) {
      m = startMin + (i + 1) * stepMin;
      await store.requests.transition(id, to, { actor, at: at(m), reason: why ?? 'test', ...(to === 'logged' ? { callRef: `ITB-2026-${String(900000 + ++seq)}` as CallRef } : {}) });
    }
    return id;
  }
  const importPath = (end: Array<[RequestStatus, string?]>): Array<[RequestStatus, string?]> => [['logged'], ['awaitingApproval'], ['approved'], ['iepNew'], ...end];
  const done: Array<[RequestStatus, string?]> = [['onIep'], ['iepDownloading'], ['iepDelivered'], ['registeredOnRis'], ['completed']];

  const p = testPatient();
  beforeAll(async () => {
    // Blue Light imports: 9 steps of 20 min (180 min, within 4 h) and of 30 min (270 min, over).
    await walk(importOf(p, '2026-03-01', 'blueLight'), 0, importPath(done), 20);
    await walk(importOf(p, '2026-03-01', 'blueLight'), 1, importPath(done), 30);
    // Standard imports: one completed in 9 x 60 min, one declined, one failed.
    await walk(importOf(p, '2026-03-02'), 2, importPath(done), 60);
    await walk(importOf(p, '2026-03-02'), 3, importPath([['iepDeclined', 'declined by the sending organisation (studyNotHeld)']]), 10);
    await walk(importOf(p, '2026-03-02'), 4, importPath([['onIep'], ['iepFailed', 'the IEP transfer failed']]), 10);
    // An export (UHL -> NUH) in 7 x 10 min and a trauma transfer (clinical emergency) in 4 x 5 min.
    await walk(exportOf(p, ['2026-03-03']), 5, [['logged'], ['awaitingApproval'], ['approved'], ['iepNew'], ['onIep'], ['iepDelivered'], ['completed']], 10);
    await walk(traumaOf(p, ['2.25.1']), 6, [['logged'], ['iepNew'], ['onIep'], ['completed']], 5);
    // Outside the period: not counted.
    await walk(importOf(p, '2026-03-02'), -24 * 60, importPath(done), 10);
  });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  it('counts by type, priority, source and destination; turnaround median and p90; Blue Light share; declines and failures', async () => {
    const r = await buildComplianceReport({ store, redis }, new Date(T0), new Date(T0 + 24 * 60 * MIN));
    expect(r.total).toBe(7);
    expect(r.byType).toEqual([
      { key: 'import', count: 5 },
      { key: 'export', count: 1 },
      { key: 'trauma', count: 1 },
      { key: 'cdImport', count: 0 },
    ]);
    expect(r.byPriority).toEqual([
      { key: 'standard', count: 4 },
      { key: 'blueLight', count: 2 },
      { key: 'clinicalEmergency', count: 1 },
    ]);
    expect(r.bySource).toEqual([
      { key: 'Kettering General Hospital', count: 5 },
      { key: UHL, count: 2 },
    ]);
    expect(r.byDestination).toEqual([
      { key: UHL, count: 5 },
      { key: 'Nottingham University Hospitals', count: 2 },
    ]);
    // Completed: 20, 70, 180, 270, 540 minutes.
    expect(r.turnaround).toEqual({ completed: 5, medianMinutes: 180, p90Minutes: 540 });
    expect(r.blueLight).toEqual({ approved: 2, completedWithin4h: 1, share: 0.5 });
    expect(r.declines).toEqual([{ key: 'studyNotHeld', count: 1 }]);
    expect(r.failures).toEqual([{ key: 'iepFailed: the IEP transfer failed', count: 1 }]);
    const summary = reportSummaryCsv(r);
    expect(summary).toContain('blueLight,shareWithin4h,0.500\r\n');
    expect(reportRowsCsv(r).split('\r\n').filter(Boolean)).toHaveLength(8);
  });

  it('script/report prints the same figures as CSV for London dates, with no patient data', async () => {
    const { stdout } = await run(process.execPath, ['-r', path.join(__dirname, 'support', 'tsRequire.js'), path.join(__dirname, '..', '..', '..', 'workers', 'reportCli.ts'), '--from', '2026-04-01', '--to', '2026-04-01'], {
      env: { ...process.env, ITB_MODE: 'sandbox', REDIS_URL: testRedisUrl(), REDIS_PREFIX: prefix, LOG_LEVEL: 'silent' },
    });
    expect(stdout.split('\r\n')).toEqual(expect.arrayContaining(['requests,total,7', 'turnaround,medianMinutes,180', 'decline,studyNotHeld,1', 'type,import,5']));
    const p = testPatient();
    expect(stdout).not.toMatch(/IEPTEST|S\d{7}|999\d{7}/);
    void p;
  });
});
