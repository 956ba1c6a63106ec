import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { FlowJobData } from '../../../workers/flowDeps';
import { QueueName } from '../../../workers/queueNames';
import { testRedisUrl } from '../../support/services';
import { FlowHarness, importOf } from './support/flowHarness';

jest.setTimeout(60_000);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const STALLED_REASON = 'job stalled more than allowable limit';

/**
 * A job that stalls more often than its worker allows is failed by BullMQ itself: the stalled check marks it, and the
 * next worker to take it fails it with UnrecoverableError before any processor runs - so runAsProcessor's catch, which
 * tells the analysts for every other failure, never sees it. The workers' 'failed' listener must tell the channel
 * instead (the same stepFailed notice). Real Redis; the job's first worker is a manual BullMQ worker that takes the job
 * and dies holding it (its lock lapses), with a stalled check allowing 0 stalls.
 */
describe('a step failed by BullMQ for stalling too often still reaches the analysts', () => {
  let h: FlowHarness;
  let queue: Queue<FlowJobData>;
  let crashed: Worker<FlowJobData> | undefined;
  let connection: Redis;

  beforeAll(async () => {
    h = await FlowHarness.start('stalled', { patients: 1 });
    connection = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
    queue = new Queue<FlowJobData>(QueueName.flow, { connection, prefix: h.prefix });
  });
  afterAll(async () => {
    await crashed?.close(true).catch(() => undefined);
    await queue?.close();
    connection?.disconnect();
    await h?.close();
  });

  it("tells the channel once: stepFailed at the request's status", async () => {
    const { requestId } = await h.submit(importOf(h.patients[0]!, '2026-02-10'));
    const job = await queue.add('import.request', { requestId, run: 0 }, { jobId: `stall-${requestId}`, attempts: 3, priority: 5 });

    // A worker takes the job and dies holding it: manual fetch, no lock renewal, then nothing.
    crashed = new Worker<FlowJobData>(QueueName.flow, null, { connection, prefix: h.prefix, autorun: false, lockDuration: 500, stalledInterval: 300, maxStalledCount: 0 });
    const taken = await crashed.getNextJob('dead-worker');
    expect(taken?.id).toBe(job.id);
    void crashed.startStalledCheckTimer();
    let deferred: string | undefined;
    for (let i = 0; i < 100 && !deferred; i++) {
      await sleep(100);
      deferred = (await queue.getJob(job.id!))?.deferredFailure;
    }
    expect(deferred).toBe(STALLED_REASON);
    await crashed.close(true);
    crashed = undefined;

    // Our workers start and take it: BullMQ fails it without running the step.
    await h.startWorkers();
    let state = '';
    for (let i = 0; i < 100 && state !== 'failed'; i++) {
      await sleep(100);
      state = await queue.getJobState(job.id!);
    }
    expect(state).toBe('failed');
    expect((await queue.getJob(job.id!))?.failedReason).toBe(STALLED_REASON);

    let told: unknown[] = [];
    for (let i = 0; i < 50 && told.length === 0; i++) {
      await sleep(100);
      told = (await h.notices()).filter((n) => n.type === 'channel' && n.notice.topic === 'stepFailed' && n.notice.requestId === requestId);
    }
    await sleep(500);
    told = (await h.notices()).filter((n) => n.type === 'channel' && n.notice.topic === 'stepFailed' && n.notice.requestId === requestId);
    expect(told).toEqual([{ type: 'channel', notice: expect.objectContaining({ topic: 'stepFailed', requestId, status: 'awaitingApproval', kind: 'import' }) }]);
  });
});
