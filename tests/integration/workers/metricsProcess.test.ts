import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { parsePrometheusText, sampleValue } from '../../support/prometheusText';
import { testRedisUrl, uniquePrefix } from '../../support/services';

jest.setTimeout(90_000);

const ROOT = path.resolve(__dirname, '../../..');

/** A free loopback port (taken, then given back). */
async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

async function tryGet(url: string): Promise<{ status: number; text: string } | undefined> {
  try {
    const res = await fetch(url);
    return { status: res.status, text: await res.text() };
  } catch {
    return undefined;
  }
}

/**
 * The worker process as operations run it (workers/main.ts, from the TypeScript sources: no dist build needed), with
 * ITB_WORKER_METRICS_PORT set. Its peers (IEP, PACS, RIS, PAS) point at a port nothing listens on, so the timers'
 * incoming poll fails and retries: that is counted too.
 */
describe('workers/main.ts with ITB_WORKER_METRICS_PORT', () => {
  let child: ChildProcess | undefined;
  let exited: Promise<number | null> | undefined;
  let prefix = '';
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'itb-metrics-proc-'));
  let output = '';

  afterAll(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      process.kill(child.pid!, 'SIGKILL');
      await exited;
    }
    const redis = new Redis(testRedisUrl());
    const keys = prefix ? await redis.keys(`${prefix}*`) : [];
    for (let i = 0; i < keys.length; i += 500) await redis.del(...keys.slice(i, i + 500));
    redis.disconnect();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('serves /healthz and /metrics with the start-up jobs counted, and closes the port on SIGTERM', async () => {
    prefix = uniquePrefix('metrics-proc');
    const metricsPort = await freePort();
    const nobody = `http://127.0.0.1:${await freePort()}`;
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      ITB_MODE: 'sandbox',
      LOG_LEVEL: 'info',
      REDIS_URL: testRedisUrl(),
      REDIS_PREFIX: prefix,
      ITB_WORKER_METRICS_PORT: String(metricsPort),
      IEP_BASE_URL: nobody,
      PACS_DICOMWEB_URL: `${nobody}/dicom-web`,
      PACS_REST_URL: nobody,
      IEP_GATEWAY_DICOMWEB_URL: `${nobody}/dicom-web`,
      IEP_GATEWAY_REST_URL: nobody,
      PAS_FHIR_BASE_URL: `${nobody}/fhir`,
      REPORTS_FHIR_BASE_URL: `${nobody}/fhir`,
      RIS_MLLP_PORT: new URL(nobody).port,
      ITB_WORK_DIR: path.join(dir, 'work'),
      ITB_CD_ROOT: path.join(dir, 'cd'),
    };
    child = spawn(process.execPath, ['-r', path.join(ROOT, 'tests/integration/workers/support/tsRequire.js'), path.join(ROOT, 'workers/main.ts')], {
      cwd: dir,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (b: Buffer) => (output += b.toString()));
    child.stderr!.on('data', (b: Buffer) => (output += b.toString()));
    exited = new Promise((resolve) => child!.once('exit', (code) => resolve(code)));
    const base = `http://127.0.0.1:${metricsPort}`;

    // The timers' schedules run at start: the arm sweep completes, the incoming poll fails (no IEP) and will retry.
    const deadline = Date.now() + 60_000;
    let samples = parsePrometheusText('');
    for (;;) {
      const scrape = await tryGet(`${base}/metrics`);
      if (scrape?.status === 200) {
        samples = parsePrometheusText(scrape.text);
        const armed = sampleValue(samples, 'itb_jobs_completed_total', { queue: 'timers', step: 'timers.arm' }) ?? 0;
        const polled = sampleValue(samples, 'itb_jobs_failed_total', { queue: 'timers', step: 'incoming.poll', outcome: 'retrying' }) ?? 0;
        if (armed >= 1 && polled >= 1) break;
      }
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`no start-up jobs counted; worker output:\n${output.slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(output).toContain('"msg":"metrics listening"');
    // Every failed poll the process logged (workers/lifecycle.ts 'job failed') is counted, the first one at start-up
    // too: logged lines read first, then a scrape, so the count can only be ahead of the log.
    const logged = output.split('\n').filter((l) => l.includes('"msg":"job failed"') && l.includes('"queue":"timers"') && l.includes('incoming-poll')).length;
    const counted = sampleValue(parsePrometheusText((await tryGet(`${base}/metrics`))!.text), 'itb_jobs_failed_total', { queue: 'timers', step: 'incoming.poll', outcome: 'retrying' });
    expect(logged).toBeGreaterThanOrEqual(1);
    expect(counted).toBeGreaterThanOrEqual(logged);
    expect((await tryGet(`${base}/healthz`))?.status).toBe(200);
    expect(sampleValue(samples, 'itb_queue_counts_ok', { queue: 'timers' })).toBe(1);
    expect(sampleValue(samples, 'itb_queue_jobs', { queue: 'timers', state: 'delayed' })).toBeGreaterThanOrEqual(1);
    expect(samples.some((s) => s.name === 'itb_process_resident_memory_bytes' && s.value > 0)).toBe(true);

    process.kill(child.pid!, 'SIGTERM');
    expect(await exited).toBe(0);
    expect(output).toContain('"signal":"SIGTERM"');
    expect(await tryGet(`${base}/healthz`)).toBeUndefined();
  });
});
