import net from 'node:net';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { createLogger } from '../../../config/logger';
import { JOB_STATES } from '../../../workers/metricLabels';
import { WorkerMetrics } from '../../../workers/metrics';
import { serveWorkerMetrics, startMetricsServer, type MetricsServer } from '../../../workers/metricsServer';
import { parsePrometheusText, sampleValue } from '../../support/prometheusText';
import { remoteOrthanc, testRedisUrl, uniquePrefix } from '../../support/services';
import { seedStudy } from '../iep/iepFixtures';
import { FlowHarness, importOf, MIN } from './support/flowHarness';

jest.setTimeout(90_000);

async function get(url: string): Promise<{ status: number; type: string | null; text: string }> {
  const res = await fetch(url);
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
}

/** A loopback port nothing listens on (taken, then given back). */
async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

describe('worker process /metrics and /healthz (workers/metricsServer.ts) over a real import flow', () => {
  let h: FlowHarness;
  let server: MetricsServer;
  beforeAll(async () => {
    h = await FlowHarness.start('metrics');
    const running = await h.startWorkers();
    server = (await serveWorkerMetrics(running, { host: '127.0.0.1', port: 0 }, createLogger({ level: 'silent' })))!;
  });
  afterAll(async () => {
    await server?.close();
    await h?.close();
  });

  it('counts the steps of a completed import by queue and step, reads the queues, and holds no id or patient data', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const health = await get(`${server.url}/healthz`);
    expect(health.status).toBe(200);

    const p = h.patients[0]!;
    await seedStudy(remoteOrthanc().restUrl, p, '2026-02-10', 'CT', 2);
    const { requestId, callRef } = await h.submit(importOf(p, '2026-02-10'));
    await h.approve(requestId);
    await h.waitFor(requestId, 'completed', { simStepMs: 2 * MIN, timeoutMs: 40_000 });
    // The last step's 'completed' event follows the status write: wait for it to be counted.
    let scrape = await get(`${server.url}/metrics`);
    for (let i = 0; i < 50 && sampleValue(parsePrometheusText(scrape.text), 'itb_jobs_completed_total', { queue: 'flow', step: 'ris.register' }) !== 1; i++) {
      await new Promise((r) => setTimeout(r, 100));
      scrape = await get(`${server.url}/metrics`);
    }
    expect(scrape.status).toBe(200);
    expect(scrape.type).toMatch(/^text\/plain; version=0\.0\.4/);
    const s = parsePrometheusText(scrape.text);

    // One import, one of each step it runs (import.watch may run more than once: it is re-queued while IEP works).
    expect(sampleValue(s, 'itb_jobs_completed_total', { queue: 'flow', step: 'import.request' })).toBe(1);
    expect(sampleValue(s, 'itb_jobs_completed_total', { queue: 'iep-inbound', step: 'import.download' })).toBe(1);
    expect(sampleValue(s, 'itb_jobs_completed_total', { queue: 'flow', step: 'ris.register' })).toBe(1);
    expect(sampleValue(s, 'itb_jobs_completed_total', { queue: 'flow', step: 'import.watch' })).toBeGreaterThanOrEqual(1);
    expect(sampleValue(s, 'itb_jobs_completed_total', { queue: 'iep-outbound', step: 'outbound.send' })).toBe(0);
    expect(sampleValue(s, 'itb_jobs_failed_total', { queue: 'flow', step: 'import.request', outcome: 'gave_up' })).toBe(0);
    expect(sampleValue(s, 'itb_job_duration_seconds_count', { queue: 'iep-inbound' })).toBe(1);
    expect(sampleValue(s, 'itb_job_duration_seconds_count', { queue: 'flow' })).toBeGreaterThanOrEqual(3);

    // Job counts as BullMQ has them, for every queue this process produces to.
    const produced = h.running!.queues.map((q) => q.name);
    expect(produced).toEqual(expect.arrayContaining(['flow', 'iep-outbound', 'iep-outbound-emergency', 'iep-inbound', 'timers', 'notify']));
    for (const queue of produced) {
      expect({ queue, ok: sampleValue(s, 'itb_queue_counts_ok', { queue }) }).toEqual({ queue, ok: 1 });
    }
    // Nothing runs the notify queue in this process (the bot does): the import's notices wait there.
    const direct = await h.notifyQueue.getJobCounts(...JOB_STATES);
    expect((direct.prioritized ?? 0) + (direct.waiting ?? 0)).toBeGreaterThan(0);
    const notifyNow = await get(`${server.url}/metrics`).then((r) => parsePrometheusText(r.text));
    for (const state of JOB_STATES) expect({ state, n: sampleValue(notifyNow, 'itb_queue_jobs', { queue: 'notify', state }) }).toEqual({ state, n: direct[state] ?? 0 });

    // Ids only in our logs and payloads; none at all in the metrics.
    const runs = (await h.running!.deps!.queues.flow.getJobs(['completed'])).map((j) => j.id!);
    expect(runs.length).toBeGreaterThan(0);
    for (const marker of [requestId, callRef, ...runs, p.familyName, p.nhsNumber, p.sNumber, p.birthDate]) expect(scrape.text).not.toContain(marker);
  });

  it('answers 404 elsewhere and 405 to anything but GET or HEAD', async () => {
    expect((await get(`${server.url}/`)).status).toBe(404);
    expect((await get(`${server.url}/metrics/extra`)).status).toBe(404);
    const post = await fetch(`${server.url}/metrics`, { method: 'POST', body: 'x' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    const head = await fetch(`${server.url}/metrics`, { method: 'HEAD' });
    expect(head.status).toBe(200);
  });

  it('/healthz turns 503 once the workers close, and the port is gone once the server closes', async () => {
    await h.stopWorkers();
    expect((await get(`${server.url}/healthz`)).status).toBe(503);
    // Metrics still answer while the process drains (counters are in memory; the queues are closed).
    expect((await get(`${server.url}/metrics`)).status).toBe(200);
    await server.close();
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
  });
});

describe('worker /metrics with a Redis that does not answer', () => {
  let server: MetricsServer | undefined;
  const clients: Redis[] = [];
  const queues: Queue[] = [];
  afterAll(async () => {
    await server?.close();
    await Promise.all(queues.map((q) => q.close().catch(() => undefined)));
    for (const c of clients) c.disconnect();
  });

  it('answers within its deadline with the queues it could read, and says which it could not', async () => {
    const prefix = uniquePrefix('metrics-hung');
    const good = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
    // A real client to a port nothing listens on: like the workers' connections, it queues commands and waits.
    const gone = new Redis({ host: '127.0.0.1', port: await closedPort(), maxRetriesPerRequest: null, retryStrategy: () => 200, lazyConnect: false });
    gone.on('error', () => undefined);
    clients.push(good, gone);
    const flow = new Queue('flow', { connection: good, prefix });
    const inbound = new Queue('iep-inbound', { connection: gone, prefix });
    inbound.on('error', () => undefined);
    queues.push(flow, inbound);
    await flow.add('import.request', { requestId: 'r1', run: 1 }, { delay: 60_000 });

    const metrics = new WorkerMetrics({ queues: [flow, inbound], countsDeadlineMs: 500, processMetrics: false });
    server = await startMetricsServer({ host: '127.0.0.1', port: 0, metrics, healthy: () => true });
    const started = Date.now();
    const scrape = await get(`${server.url}/metrics`);
    const took = Date.now() - started;
    expect(scrape.status).toBe(200);
    expect(took).toBeLessThan(10_000); // not hung (the deadline is 0.5 s; headroom for a loaded box)
    const s = parsePrometheusText(scrape.text);
    expect(sampleValue(s, 'itb_queue_counts_ok', { queue: 'flow' })).toBe(1);
    expect(sampleValue(s, 'itb_queue_jobs', { queue: 'flow', state: 'delayed' })).toBe(1);
    expect(sampleValue(s, 'itb_queue_counts_ok', { queue: 'iep-inbound' })).toBe(0);
    expect(s.filter((x) => x.name === 'itb_queue_jobs' && x.labels.queue === 'iep-inbound')).toEqual([]);
    await good.del(...(await good.keys(`${prefix}*`)));
  });
});
