import { randomBytes } from 'node:crypto';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { FieldCipher } from '../../../store/fieldCipher';
import { FlowStateStore } from '../../../workers/flowState';
import { createFlowQueue } from '../../../workers/flowQueue';
import { createInboundQueue } from '../../../workers/inboundQueue';
import { createOutboundEmergencyQueue, createOutboundQueue } from '../../../workers/outboundQueue';
import { createTimerQueue } from '../../../workers/timerQueue';
import { retryFailedSteps } from '../../../workers/failedSteps';
import { stepJobId } from '../../../workers/flowRef';
import type { FlowQueues } from '../../../workers/flowDeps';
import { testRedisUrl, uniquePrefix } from '../../support/services';

/**
 * A step that ran out of attempts on a peer that stayed down leaves a failed job; retryFailedSteps puts the current
 * run's failed step back to work (real Redis, real BullMQ queues; a throw-away worker makes the failure).
 */
describe('retryFailedSteps', () => {
  let redis: Redis;
  let prefix: string;
  let queues: FlowQueues;
  let flowState: FlowStateStore;

  beforeAll(() => {
    redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
    prefix = uniquePrefix('failed-steps');
    queues = {
      flow: createFlowQueue(redis, prefix, 1, 10),
      inbound: createInboundQueue(redis, prefix, 1, 10),
      outbound: createOutboundQueue(redis, prefix, 1, 10),
      outboundEmergency: createOutboundEmergencyQueue(redis, prefix, 1, 10),
      timers: createTimerQueue(redis, prefix) as never,
    };
    flowState = new FlowStateStore(redis, prefix, new FieldCipher([{ id: 'k', key: randomBytes(32) }]));
  });
  afterAll(async () => {
    for (const q of Object.values(queues)) {
      await q.obliterate({ force: true }).catch(() => undefined);
      await q.close();
    }
    redis.disconnect();
  });

  /** Fails the next job of `queue` for good, as a step whose last attempt failed does. */
  async function failNext(queueName: string): Promise<void> {
    const connection = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
    const failed = new Promise<void>((resolve) => {
      const worker = new Worker(queueName, async (): Promise<void> => {
        throw new UnrecoverableError('PACS_UNREACHABLE: still down after the last attempt');
      }, { connection, prefix, autorun: true });
      worker.on('failed', () => {
        void worker.close().then(() => connection.disconnect()).then(resolve);
      });
    });
    await failed;
  }

  it('retries only the failed step of the current run, found by its job id; a second call finds nothing to do', async () => {
    const requestId = `req-${Date.now()}`;
    await flowState.claimRun(requestId, 1);
    // Run 0's failed download (superseded) and run 1's: only run 1's comes back.
    await queues.inbound.add('import.download', { requestId, run: 0 }, { jobId: stepJobId({ requestId, run: 0 }, 'import.download') });
    await failNext(queues.inbound.name);
    await queues.inbound.add('import.download', { requestId, run: 1 }, { jobId: stepJobId({ requestId, run: 1 }, 'import.download') });
    await failNext(queues.inbound.name);

    expect(await retryFailedSteps({ queues, flowState }, requestId)).toEqual(['import.download']);
    const current: Job | undefined = await queues.inbound.getJob(stepJobId({ requestId, run: 1 }, 'import.download'));
    expect(await current!.getState()).toBe('waiting');
    const superseded = await queues.inbound.getJob(stepJobId({ requestId, run: 0 }, 'import.download'));
    expect(await superseded!.getState()).toBe('failed');
    expect(await retryFailedSteps({ queues, flowState }, requestId)).toEqual([]);
  });

  it('finds a failed trauma send on the emergency outbound queue', async () => {
    const requestId = `req-e-${Date.now()}`;
    await queues.outboundEmergency!.add('outbound.send', { requestId, run: 0 }, { jobId: stepJobId({ requestId, run: 0 }, 'outbound.send') });
    await failNext(queues.outboundEmergency!.name);
    expect(await retryFailedSteps({ queues, flowState }, requestId)).toEqual(['outbound.send']);
    expect(await (await queues.outboundEmergency!.getJob(stepJobId({ requestId, run: 0 }, 'outbound.send')))!.getState()).toBe('waiting');
  });
});
