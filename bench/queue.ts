/**
 * bench/queue.ts (script/bench queue): what our queue wiring costs, and how fast an emergency starts.
 *
 * 1. Throughput (jobs/s) of the flow queue as the workers run it (real job shapes: step names, ids-only data, job ids,
 *    lane priorities, attempts/backoff/retention options, the runAsProcessor wrapper with the clock read and the
 *    delayed/failed handling) beside a bare BullMQ queue and no-op worker, in the same run, at worker concurrency 1
 *    and 50. Target: our wiring costs under 30% of the bare throughput.
 * 2. The outbound queues (shared with global concurrency 4, emergency, admission to 5 threads across both) beside a
 *    bare queue with global concurrency 5.
 * 3. Blue Light start latency behind 500 standard jobs, 20 runs, median and worst: on the outbound queue (4 shared
 *    threads held by long transfers, the fifth reserved) and on the flow queue (workers busy with standard steps).
 *
 * Runs its own redis-server (AOF on, as production) on a free port under a temp folder, stopped by PID at the end.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { createLogger } from '../config/logger';
import { BULLMQ_PRIORITY, ServiceCalendar, type PriorityLane } from '../domain';
import { startRedis } from '../sandbox/processes/redis';
import { freePort } from '../sandbox/processes/freePort';
import { systemClock } from '../workers/clock';
import { DEFAULT_FLOW_OPTIONS, type FlowDeps, type FlowJobData } from '../workers/flowDeps';
import { stepJobId } from '../workers/flowRef';
import { createFlowQueue, initFlowWorker } from '../workers/flowQueue';
import { createInboundQueue } from '../workers/inboundQueue';
import { createOutboundEmergencyQueue, createOutboundQueue, initOutboundWorker } from '../workers/outboundQueue';
import { addStep } from '../workers/flowSteps';
import { done } from '../workers/stepOutcome';
import { createTimerQueue } from '../workers/timerQueue';
import { formatTable, machineFacts, median, nowMs, writeResults } from './harness';

const JOBS = Number(process.env.BENCH_QUEUE_JOBS ?? 4000);
const LATENCY_RUNS = 20;
const BACKLOG = 500;

let seq = 0;
const fresh = () => `{bench-${process.pid}-${++seq}}`;

/** A realistic lane mix: mostly standard, some Blue Light and Batch, a few trauma. */
function laneOf(i: number): PriorityLane {
  const r = i % 20;
  return r === 0 ? 'clinicalEmergency' : r < 3 ? 'blueLight' : r < 5 ? 'batch' : 'standard';
}

function depsFor(redis: Redis, prefix: string): FlowDeps {
  return {
    redis,
    prefix,
    clock: systemClock,
    calendar: new ServiceCalendar(),
    logger: createLogger({ level: 'silent' }),
    options: { ...DEFAULT_FLOW_OPTIONS, admissionBackoffMs: 100 },
    queues: {
      flow: createFlowQueue(redis, prefix),
      outbound: createOutboundQueue(redis, prefix),
      outboundEmergency: createOutboundEmergencyQueue(redis, prefix),
      inbound: createInboundQueue(redis, prefix),
      timers: createTimerQueue(redis, prefix),
    },
  } as unknown as FlowDeps;
}

async function untilCompleted(queue: Queue, n: number): Promise<void> {
  while ((await queue.getCompletedCount()) < n) await new Promise((r) => setTimeout(r, 10));
}

async function closeDeps(deps: FlowDeps): Promise<void> {
  for (const q of Object.values(deps.queues)) {
    await (q as Queue).obliterate({ force: true }).catch(() => undefined);
    await (q as Queue).close();
  }
}

/** Bare BullMQ: default options, no priority, a no-op processor. */
async function bare(url: string, concurrency: number, n: number, globalConcurrency?: number): Promise<number> {
  const redis = new Redis(url, { maxRetriesPerRequest: null });
  const prefix = fresh();
  const queue = new Queue('bare', { connection: redis, prefix });
  if (globalConcurrency) await queue.setGlobalConcurrency(globalConcurrency);
  for (let i = 0; i < n; i += 1000) await queue.addBulk(Array.from({ length: Math.min(1000, n - i) }, (_, k) => ({ name: 'noop', data: { i: i + k } })));
  const t0 = nowMs();
  const worker = new Worker('bare', async () => 'ok', { connection: redis, prefix, concurrency });
  await untilCompleted(queue, n);
  const ms = nowMs() - t0;
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  redis.disconnect();
  return n / (ms / 1000);
}

/** Our flow queue and worker, with a no-op step. */
async function oursFlow(url: string, concurrency: number, n: number): Promise<number> {
  const redis = new Redis(url, { maxRetriesPerRequest: null });
  const deps = depsFor(redis, fresh());
  const queue = deps.queues.flow;
  for (let i = 0; i < n; i += 1000) {
    await queue.addBulk(
      Array.from({ length: Math.min(1000, n - i) }, (_, k) => {
        const ref = { requestId: `bench-${i + k}`, run: 0 };
        return { name: 'import.watch', data: ref, opts: { jobId: stepJobId(ref, 'import.watch'), priority: BULLMQ_PRIORITY[laneOf(i + k)] } };
      }),
    );
  }
  const t0 = nowMs();
  const worker = initFlowWorker(redis, deps, concurrency, async () => done('noop'));
  await untilCompleted(queue, n);
  const ms = nowMs() - t0;
  await worker.close();
  await closeDeps(deps);
  redis.disconnect();
  return n / (ms / 1000);
}

/**
 * Our outbound queues (shared: global concurrency 4; emergency: 5; admission to 5 threads across both), with a no-op
 * transfer. Jobs are routed by lane as addStep routes them (Blue Light and trauma to the emergency queue).
 */
async function oursOutbound(url: string, n: number): Promise<number> {
  const redis = new Redis(url, { maxRetriesPerRequest: null });
  const deps = depsFor(redis, fresh());
  for (let i = 0; i < n; i++) await addStep(deps, { requestId: `bench-${i}`, run: 0 }, 'outbound.send', laneOf(i));
  const t0 = nowMs();
  const workers = [initOutboundWorker(redis, deps, async () => done('noop')), initOutboundWorker(redis, deps, async () => done('noop'), 'emergency')];
  await Promise.all(workers.map((w) => w.ready));
  const emergency = deps.queues.outboundEmergency!;
  while ((await deps.queues.outbound.getCompletedCount()) + (await emergency.getCompletedCount()) < n) await new Promise((r) => setTimeout(r, 10));
  const ms = nowMs() - t0;
  await Promise.all(workers.map((w) => w.close()));
  await closeDeps(deps);
  redis.disconnect();
  return n / (ms / 1000);
}

/**
 * One latency run: 500 standard jobs that each hold their thread (60 s), the workers full (outbound: 4 shared threads
 * held; flow: every worker slot busy on 200 ms steps), then one Blue Light job: milliseconds from add to its start.
 */
async function blueLightLatency(url: string, queueKind: 'outbound' | 'flow'): Promise<number> {
  const redis = new Redis(url, { maxRetriesPerRequest: null });
  const deps = depsFor(redis, fresh());
  let started: number | undefined;
  let busy = 0;
  const exec = async (job: { data: FlowJobData; opts: { priority?: number } }) => {
    if (job.data.requestId === 'bluelight') {
      started = Date.now();
      return done('bl');
    }
    busy++;
    await new Promise((r) => setTimeout(r, queueKind === 'outbound' ? 60_000 : 200));
    busy--;
    return done('std');
  };
  const queue = queueKind === 'outbound' ? deps.queues.outbound : deps.queues.flow;
  const blQueue = queueKind === 'outbound' ? deps.queues.outboundEmergency! : deps.queues.flow;
  const step = queueKind === 'outbound' ? 'outbound.send' : 'import.watch';
  await queue.addBulk(
    Array.from({ length: BACKLOG }, (_, i) => {
      const ref = { requestId: `std-${i}`, run: 0 };
      return { name: step, data: ref, opts: { jobId: stepJobId(ref, step), priority: BULLMQ_PRIORITY.standard } };
    }),
  );
  // Three workers, as three processes would run them.
  const workers =
    queueKind === 'outbound'
      ? [1, 2, 3].flatMap(() => [initOutboundWorker(redis, deps, exec as never), initOutboundWorker(redis, deps, exec as never, 'emergency')])
      : [1, 2, 3].map(() => initFlowWorker(redis, deps, 8, exec as never));
  await Promise.all(workers.map((w) => (w as { ready?: Promise<void> }).ready));
  const full = queueKind === 'outbound' ? 4 : 24;
  while (busy < full) await new Promise((r) => setTimeout(r, 5));
  await new Promise((r) => setTimeout(r, 150));
  const ref = { requestId: 'bluelight', run: 0 };
  await addStep(deps, ref, step === 'outbound.send' ? 'outbound.send' : 'import.watch', 'blueLight');
  const job = (await blQueue.getJob(stepJobId(ref, step)))!;
  while (started === undefined) await new Promise((r) => setTimeout(r, 2));
  const latency = started - job.timestamp;
  await Promise.all(workers.map((w) => w.close(true)));
  await closeDeps(deps);
  redis.disconnect();
  return latency;
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'itb-bench-queue-'));
  const port = await freePort();
  const redisProcess = await startRedis({ port, dir, logFile: path.join(dir, 'redis.log') });
  const url = `redis://127.0.0.1:${port}`;
  try {
    const machine = machineFacts();
    const throughput: Array<{ contender: string; concurrency: number; jobsPerSec: number }> = [];
    for (const concurrency of [1, 50]) {
      // Alternate, twice each, so drift on a shared machine hits both alike; keep the better of two.
      const b = Math.max(await bare(url, concurrency, JOBS), await bare(url, concurrency, JOBS));
      const o = Math.max(await oursFlow(url, concurrency, JOBS), await oursFlow(url, concurrency, JOBS));
      throughput.push({ contender: 'bare BullMQ no-op', concurrency, jobsPerSec: b }, { contender: 'our flow queue', concurrency, jobsPerSec: o });
    }
    const bareGc5 = await bare(url, 50, JOBS, 5);
    const oursGc5 = await oursOutbound(url, JOBS);
    throughput.push({ contender: 'bare BullMQ, global concurrency 5', concurrency: 5, jobsPerSec: bareGc5 }, { contender: 'our outbound queues (4 + emergency, admission)', concurrency: 5, jobsPerSec: oursGc5 });

    const latency: Record<string, number[]> = { outbound: [], flow: [] };
    for (let i = 0; i < LATENCY_RUNS; i++) {
      latency.outbound!.push(await blueLightLatency(url, 'outbound'));
      latency.flow!.push(await blueLightLatency(url, 'flow'));
    }

    const cost = (c: number) => {
      const b = throughput.find((t) => t.contender === 'bare BullMQ no-op' && t.concurrency === c)!.jobsPerSec;
      const o = throughput.find((t) => t.contender === 'our flow queue' && t.concurrency === c)!.jobsPerSec;
      return 1 - o / b;
    };
    console.log(`queue bench: ${JOBS} jobs per contender, ${machine.cores} cores (${machine.cpuModel}), load ${machine.loadAverage.join(' ')}`);
    console.log(formatTable([['contender', 'concurrency', 'jobs/s'], ...throughput.map((t) => [t.contender, t.concurrency, t.jobsPerSec])]));
    console.log(formatTable([
      ['wiring cost vs bare', 'concurrency 1', 'concurrency 50', 'target'],
      ['our flow queue', `${(cost(1) * 100).toFixed(1)}%`, `${(cost(50) * 100).toFixed(1)}%`, '< 30%'],
    ]));
    console.log(formatTable([
      [`Blue Light start behind ${BACKLOG} standard (${LATENCY_RUNS} runs)`, 'median ms', 'worst ms', 'target ms'],
      ['outbound (4 shared threads held by long transfers)', median(latency.outbound!), Math.max(...latency.outbound!), 5000],
      ['flow queue (every worker slot busy)', median(latency.flow!), Math.max(...latency.flow!), 5000],
    ]));
    const file = writeResults('queue', {
      jobs: JOBS,
      throughput,
      wiringCost: { concurrency1: cost(1), concurrency50: cost(50), target: 0.3 },
      blueLightStartMs: {
        backlog: BACKLOG,
        runs: LATENCY_RUNS,
        outbound: { median: median(latency.outbound!), worst: Math.max(...latency.outbound!), all: latency.outbound },
        flow: { median: median(latency.flow!), worst: Math.max(...latency.flow!), all: latency.flow },
      },
    }, machine);
    console.log(`results: ${file}`);
  } finally {
    await redisProcess.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

void main().catch((err: Error) => {
  console.error(`bench/queue: ${err.stack ?? err.message}`);
  process.exit(1);
});
