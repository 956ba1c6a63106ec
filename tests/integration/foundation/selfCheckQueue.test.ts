import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { initWorkers } from '../../../workers/lifecycle';
import { addSelfCheckJob, createSelfCheckQueue, selfCheckResultKey, type SelfCheckJobData } from '../../../workers/selfCheckQueue';
import { openProducerConnection } from '../../../workers/connection';
import { testConfig } from '../../support/config';
import { capturingLogger } from '../../support/logCapture';
import { uniquePrefix } from '../../support/services';

describe('BullMQ job round trip through real Redis', () => {
  const prefix = uniquePrefix('queue');
  const config = testConfig({ REDIS_PREFIX: prefix });
  let producer: Redis;
  let queue: Queue<SelfCheckJobData>;

  beforeAll(async () => {
    producer = await openProducerConnection(config);
    queue = createSelfCheckQueue(producer, prefix);
  });
  afterAll(async () => {
    await queue.obliterate({ force: true });
    await queue.close();
    producer.disconnect();
  });

  it('a job added by the producer is run by initWorkers and its effect is visible in Redis; ids only in the payload', async () => {
    const workers = initWorkers(config, capturingLogger().logger);
    try {
      const checkId = randomUUID();
      const job = await addSelfCheckJob(queue, checkId);
      expect(job.opts.priority).toBeGreaterThan(0); // every job gets a priority (unprioritised jobs jump the queue)
      expect(job.opts.attempts).toBe(3);
      const deadline = Date.now() + 5000;
      let done: string | null = null;
      while (!done && Date.now() < deadline) {
        done = await producer.get(selfCheckResultKey(prefix, checkId));
        if (!done) await new Promise((r) => setTimeout(r, 25));
      }
      expect(done).toMatch(/^\d{4}-\d{2}-\d{2}T/);
      expect(await (await queue.getJob(checkId))?.getState()).toBe('completed');
      expect(Object.keys(job.data)).toEqual(['checkId']);
    } finally {
      await workers.close();
      await workers.close(); // idempotent
    }
  });

  it('adding the same check twice keeps one job (jobId dedupe while the job exists)', async () => {
    const checkId = randomUUID();
    await addSelfCheckJob(queue, checkId);
    await addSelfCheckJob(queue, checkId);
    const jobs = await queue.getJobs(['waiting', 'prioritized', 'active', 'completed']);
    expect(jobs.filter((j) => j.id === checkId)).toHaveLength(1);
  });
});
