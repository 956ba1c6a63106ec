import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { BULLMQ_PRIORITY } from '../../../domain';
import type { FlowJobData, FlowQueues } from '../../../workers/flowDeps';
import { addStep } from '../../../workers/flowSteps';
import { stepJobId } from '../../../workers/flowRef';
import { createInboundQueue } from '../../../workers/inboundQueue';
import { createOutboundEmergencyQueue, createOutboundQueue } from '../../../workers/outboundQueue';
import { testRedisUrl, uniquePrefix } from '../../support/services';
import { startChildWorker, type ChildWorker } from './support/childWorkers';
import { probeKeys } from './support/probeKeys';

jest.setTimeout(120_000);

interface Start {
  jobId: string;
  priority: number;
  pid: number;
  startedAt: number;
  addedAt: number;
}

/**
 * guideline 2.3d across THREE worker processes: at most 5 outbound transfers at once, of which at most 4 that are not
 * Blue Light or trauma (one thread is kept for them), and at most 4 inbound downloads; and a Blue Light or trauma job
 * starts within 5 s behind a backlog of 500 standard ones. Real queues, real Redis, the real wiring (global
 * concurrency, admission, priorities); the processor is a probe that holds its thread for a while and records how many
 * run at once across every process.
 */
describe('IEP capacity across three worker processes', () => {
  const redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
  let prefix: string;
  let outbound: Queue<FlowJobData>;
  let emergency: Queue<FlowJobData>;
  let inbound: Queue<FlowJobData>;
  let children: ChildWorker[] = [];

  async function start(holdMs: number, urgentHoldMs?: number): Promise<void> {
    prefix = uniquePrefix('capacity');
    outbound = createOutboundQueue(redis, prefix);
    emergency = createOutboundEmergencyQueue(redis, prefix);
    inbound = createInboundQueue(redis, prefix);
    children = await Promise.all([1, 2, 3].map(() => startChildWorker('capacity', { prefix, holdMs, urgentHoldMs })));
  }
  afterEach(async () => {
    await Promise.all(children.map((c) => c.stop()));
    children = [];
    for (const q of [outbound, emergency, inbound]) await q.obliterate({ force: true });
    await Promise.all([outbound.close(), emergency.close(), inbound.close()]);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
  });
  afterAll(() => redis.disconnect());

  const starts = async (queue: string): Promise<Start[]> => (await redis.lrange(probeKeys(prefix, queue).starts, 0, -1)).map((s) => JSON.parse(s) as Start);
  const maxOf = async (queue: string) => ({
    all: Number(await redis.get(probeKeys(prefix, queue).max)),
    shared: Number(await redis.get(probeKeys(prefix, queue).maxShared)),
  });
  /** The queues as a producer has them: the real addStep routes Blue Light and trauma to the emergency queue. */
  const queues = () => ({ queues: { flow: outbound, outbound, outboundEmergency: emergency, inbound, timers: inbound } as unknown as FlowQueues });
  const add = (queue: Queue<FlowJobData>, name: string, n: number, priority: number, tag: string) =>
    queue.addBulk(Array.from({ length: n }, (_, i) => ({ name, data: { requestId: `${tag}-${i}`, run: 0 }, opts: { jobId: stepJobId({ requestId: `${tag}-${i}`, run: 0 }, name), priority } })));
  async function drained(queue: Queue<FlowJobData>, n: number, ms: number): Promise<void> {
    const deadline = Date.now() + ms;
    while ((await queue.getCompletedCount()) < n) {
      if (Date.now() > deadline) throw new Error(`only ${await queue.getCompletedCount()} of ${n} done: ${JSON.stringify(await queue.getJobCounts())}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it('outbound: never more than 5 at once, never more than 4 standard; the fifth thread serves Blue Light and trauma', async () => {
    await start(400, 400);
    await add(outbound, 'outbound.send', 30, BULLMQ_PRIORITY.standard, 'std');
    await new Promise((r) => setTimeout(r, 600));
    // Blue Light and trauma go to the emergency queue (workers/flowSteps addStep): 12 of them at once, to press on
    // the total of 5 from the emergency side too.
    for (let i = 0; i < 6; i++) {
      await addStep(queues(), { requestId: `trauma-${i}`, run: 0 }, 'outbound.send', 'clinicalEmergency');
      await addStep(queues(), { requestId: `bl-${i}`, run: 0 }, 'outbound.send', 'blueLight');
    }
    await drained(outbound, 30, 60_000);
    await drained(emergency, 12, 60_000);
    const max = await maxOf('outbound');
    expect(max.all).toBe(5);
    expect(max.shared).toBe(4);
    const all = await starts('outbound');
    expect(all).toHaveLength(42);
    expect(new Set(all.map((s) => s.pid)).size).toBe(3);
  });

  it('inbound: never more than 4 downloads at once across the processes', async () => {
    await start(300);
    await add(inbound, 'import.download', 24, BULLMQ_PRIORITY.standard, 'dl');
    await drained(inbound, 24, 60_000);
    expect((await maxOf('inbound')).all).toBe(4);
    expect(new Set((await starts('inbound')).map((s) => s.pid)).size).toBeGreaterThanOrEqual(2);
  });

  it('a Blue Light and a trauma transfer each start within 5 s behind 500 standard ones', async () => {
    // Standard transfers hold their threads for a long time: only the reserved thread is free.
    await start(60_000, 200);
    await add(outbound, 'outbound.send', 500, BULLMQ_PRIORITY.standard, 'backlog');
    const shared = () => redis.get(probeKeys(prefix, 'outbound').activeShared).then(Number);
    const fullBy = Date.now() + 30_000;
    while ((await shared()) < 4 && Date.now() < fullBy) await new Promise((r) => setTimeout(r, 50));
    expect(await shared()).toBe(4);
    const latencies: Record<string, number> = {};
    for (const [tag, lane] of [['bluelight', 'blueLight'], ['trauma', 'clinicalEmergency']] as const) {
      await addStep(queues(), { requestId: `${tag}-0`, run: 0 }, 'outbound.send', lane);
      const id = stepJobId({ requestId: `${tag}-0`, run: 0 }, 'outbound.send');
      const giveUp = Date.now() + 30_000;
      let started: Start | undefined;
      while (!started && Date.now() < giveUp) {
        started = (await starts('outbound')).find((s) => s.jobId === id);
        if (!started) await new Promise((r) => setTimeout(r, 20));
      }
      latencies[tag] = started ? started.startedAt - started.addedAt : Number.POSITIVE_INFINITY;
    }
    // Both figures in the failure message, if there is one.
    expect(latencies).toEqual({ bluelight: expect.any(Number), trauma: expect.any(Number) });
    expect(Math.max(latencies.bluelight!, latencies.trauma!)).toBeLessThan(5_000);
    // Still only 4 standard running, and the backlog waits.
    expect((await maxOf('outbound')).shared).toBe(4);
    expect(await outbound.getPrioritizedCount()).toBeGreaterThanOrEqual(490);
  });
});
