import { EventEmitter } from 'node:events';
import { allowedLabelValues, queueLabel, stepLabel, STEPS_BY_QUEUE } from '../../../workers/metricLabels';
import { failureOutcome, WorkerMetrics, type CountedQueue, type ObservedWorker } from '../../../workers/metrics';
import { QueueName } from '../../../workers/queueNames';
import { parsePrometheusText, sampleValue, type Sample } from '../../support/prometheusText';

/** A queue whose counts come back at once. */
function countedQueue(name: string, counts: Record<string, number>): CountedQueue & { reads: number } {
  const q = {
    name,
    reads: 0,
    getJobCounts: async () => {
      q.reads++;
      return counts;
    },
  };
  return q as unknown as CountedQueue & { reads: number };
}

/** A queue whose Redis never answers (the read stays pending). */
function hungQueue(name: string): CountedQueue & { reads: number } {
  const q = {
    name,
    reads: 0,
    getJobCounts: () => {
      q.reads++;
      return new Promise<Record<string, number>>(() => undefined);
    },
  };
  return q as unknown as CountedQueue & { reads: number };
}

/** Stands in for a BullMQ Worker's events (its 'completed' and 'failed' signatures). */
function fakeWorker(name: string): ObservedWorker & EventEmitter {
  const w = new EventEmitter() as EventEmitter & { name: string };
  w.name = name;
  return w as unknown as ObservedWorker & EventEmitter;
}

const job = (name: string, extra: Record<string, unknown> = {}) => ({ name, id: 'flow-7f3c-import.request', data: { requestId: 'req-8d2f1c' }, attemptsMade: 1, opts: { attempts: 8 }, processedOn: 1_000, finishedOn: 1_400, ...extra });

async function scrape(m: WorkerMetrics): Promise<Sample[]> {
  return parsePrometheusText((await m.render()).body);
}

/** Our own series (not prom-client's process metrics). */
const OURS = /^itb_(queue_|jobs_|job_duration)/;

describe('worker metrics (workers/metrics.ts)', () => {
  it('reports job counts per queue and state, completed and failed jobs by queue and step, and run times by queue', async () => {
    const flowQueue = countedQueue('flow', { waiting: 3, active: 1, delayed: 2, failed: 4, prioritized: 5 });
    const m = new WorkerMetrics({ queues: [flowQueue, countedQueue('iep-inbound', { waiting: 0, active: 2, delayed: 0, failed: 0, prioritized: 1 })], processMetrics: false });
    const flow = fakeWorker('flow');
    const inbound = fakeWorker('iep-inbound');
    m.observeWorker(flow);
    m.observeWorker(inbound);

    flow.emit('completed', job('import.request'), 'done', 'active');
    flow.emit('completed', job('import.request', { processedOn: 2_000, finishedOn: 2_050 }), 'done', 'active');
    flow.emit('failed', job('ris.register', { attemptsMade: 3 }), Object.assign(new Error('timeout'), { name: 'RisTimeoutError' }), 'active');
    inbound.emit('failed', job('import.download', { attemptsMade: 8 }), new Error('unreachable'), 'active');

    const s = await scrape(m);
    expect(sampleValue(s, 'itb_queue_jobs', { queue: 'flow', state: 'waiting' })).toBe(3);
    expect(sampleValue(s, 'itb_queue_jobs', { queue: 'flow', state: 'prioritized' })).toBe(5);
    expect(sampleValue(s, 'itb_queue_jobs', { queue: 'iep-inbound', state: 'active' })).toBe(2);
    expect(sampleValue(s, 'itb_queue_counts_ok', { queue: 'flow' })).toBe(1);
    expect(sampleValue(s, 'itb_jobs_completed_total', { queue: 'flow', step: 'import.request' })).toBe(2);
    expect(sampleValue(s, 'itb_jobs_failed_total', { queue: 'flow', step: 'ris.register', outcome: 'retrying' })).toBe(1);
    expect(sampleValue(s, 'itb_jobs_failed_total', { queue: 'flow', step: 'ris.register', outcome: 'gave_up' })).toBe(0);
    expect(sampleValue(s, 'itb_jobs_failed_total', { queue: 'iep-inbound', step: 'import.download', outcome: 'gave_up' })).toBe(1);
    // Three attempts on flow: 0.4 s, 0.05 s and 0.4 s.
    expect(sampleValue(s, 'itb_job_duration_seconds_count', { queue: 'flow' })).toBe(3);
    expect(sampleValue(s, 'itb_job_duration_seconds_sum', { queue: 'flow' })).toBeCloseTo(0.85, 5);
    expect(sampleValue(s, 'itb_job_duration_seconds_bucket', { queue: 'flow', le: '0.1' })).toBe(1);
    expect(sampleValue(s, 'itb_job_duration_seconds_bucket', { queue: 'flow', le: '0.5' })).toBe(3);
  });

  it('starts every known step of an observed queue at zero, so the first failure shows as an increase', async () => {
    const m = new WorkerMetrics({ queues: [], processMetrics: false });
    m.observeWorker(fakeWorker('iep-outbound-emergency'));
    const s = await scrape(m);
    expect(STEPS_BY_QUEUE['iep-outbound-emergency']).toEqual(['outbound.send']);
    expect(sampleValue(s, 'itb_jobs_completed_total', { queue: 'iep-outbound-emergency', step: 'outbound.send' })).toBe(0);
    expect(sampleValue(s, 'itb_jobs_failed_total', { queue: 'iep-outbound-emergency', step: 'outbound.send', outcome: 'gave_up' })).toBe(0);
  });

  it('never puts an id or anything outside the fixed label sets into a label', async () => {
    const m = new WorkerMetrics({ queues: [countedQueue('flow', { waiting: 1 }), countedQueue('someone-elses-queue', { waiting: 9 })], processMetrics: false });
    const flow = fakeWorker('flow');
    const stranger = fakeWorker('req-8d2f1c');
    m.observeWorker(flow);
    m.observeWorker(stranger);
    // Job names a producer could write: a request id, a call reference, a step with a suffix.
    flow.emit('completed', job('req-8d2f1c'), 'done', 'active');
    flow.emit('completed', job('IEP-2026-000123'), 'done', 'active');
    flow.emit('failed', job('import.request.again-1'), new Error('x'), 'active');
    stranger.emit('completed', job('import.request'), 'done', 'active');
    flow.emit('failed', undefined, new Error('no job'));

    const text = (await m.render()).body;
    for (const id of ['req-8d2f1c', 'IEP-2026-000123', 'flow-7f3c', 'again-1', 'someone-elses-queue']) expect(text).not.toContain(id);
    const allowed = allowedLabelValues();
    const ours = parsePrometheusText(text).filter((x) => OURS.test(x.name));
    expect(ours.length).toBeGreaterThan(0);
    for (const sample of ours) {
      for (const [label, value] of Object.entries(sample.labels)) {
        if (label === 'le') continue; // histogram bucket bounds: numbers we set
        expect({ name: sample.name, label, value, allowed: allowed.has(value) }).toEqual({ name: sample.name, label, value, allowed: true });
      }
    }
    const s = parsePrometheusText(text);
    expect(sampleValue(s, 'itb_jobs_completed_total', { queue: 'flow', step: 'other' })).toBe(2);
    expect(sampleValue(s, 'itb_jobs_completed_total', { queue: 'other', step: 'other' })).toBe(1);
    expect(sampleValue(s, 'itb_jobs_failed_total', { queue: 'flow', step: 'other', outcome: 'gave_up' })).toBe(1); // no job: nothing will run it again
    expect(sampleValue(s, 'itb_queue_jobs', { queue: 'other', state: 'waiting' })).toBe(9);
  });

  it('answers within the deadline when Redis does not, leaving that queue out and saying so; a hung read is not started again', async () => {
    const slow = hungQueue('iep-outbound');
    const m = new WorkerMetrics({ queues: [countedQueue('flow', { waiting: 2 }), slow], countsDeadlineMs: 150, processMetrics: false });
    const started = Date.now();
    let s = await scrape(m);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(sampleValue(s, 'itb_queue_counts_ok', { queue: 'iep-outbound' })).toBe(0);
    expect(sampleValue(s, 'itb_queue_counts_ok', { queue: 'flow' })).toBe(1);
    expect(sampleValue(s, 'itb_queue_jobs', { queue: 'flow', state: 'waiting' })).toBe(2);
    expect(s.filter((x) => x.name === 'itb_queue_jobs' && x.labels.queue === 'iep-outbound')).toEqual([]);
    s = await scrape(m);
    expect(sampleValue(s, 'itb_queue_counts_ok', { queue: 'iep-outbound' })).toBe(0);
    expect(slow.reads).toBe(1);
  });

  it('reads each queue once per scrape although two metrics show the counts', async () => {
    const q = countedQueue('timers', { delayed: 12 });
    const m = new WorkerMetrics({ queues: [q], processMetrics: false });
    await scrape(m);
    await scrape(m);
    expect(q.reads).toBe(2);
  });

  it("includes prom-client's process metrics under our prefix", async () => {
    const m = new WorkerMetrics({ queues: [] });
    const names = new Set((await scrape(m)).map((x) => x.name));
    for (const name of ['itb_process_resident_memory_bytes', 'itb_nodejs_eventloop_lag_seconds', 'itb_nodejs_heap_size_used_bytes']) expect(names).toContain(name);
    expect([...names].filter((n) => !n.startsWith('itb_'))).toEqual([]);
  });
});

describe('metric labels (workers/metricLabels.ts)', () => {
  it('knows every queue of ours and maps anything else to other', () => {
    for (const q of Object.values(QueueName)) expect(queueLabel(q)).toBe(q);
    expect(queueLabel('retention')).toBe('retention');
    expect(queueLabel('flow:123')).toBe('other');
  });
  it('accepts a step only on the queue that runs it', () => {
    expect(stepLabel('flow', 'import.request')).toBe('import.request');
    expect(stepLabel('iep-inbound', 'import.request')).toBe('other');
    expect(stepLabel('iep-inbound', 'import.download')).toBe('import.download');
    expect(stepLabel('timers', 'blueLight.overdue')).toBe('blueLight.overdue');
    expect(stepLabel('timers', 'incoming.poll')).toBe('incoming.poll');
    expect(stepLabel('flow', undefined)).toBe('other');
  });
});

describe('failureOutcome', () => {
  it('is retrying while attempts remain, gave_up when they are used or the error is permanent', () => {
    expect(failureOutcome({ attemptsMade: 1, opts: { attempts: 8 } }, new Error('x'))).toBe('retrying');
    expect(failureOutcome({ attemptsMade: 8, opts: { attempts: 8 } }, new Error('x'))).toBe('gave_up');
    expect(failureOutcome({ attemptsMade: 1, opts: { attempts: 8 } }, { name: 'UnrecoverableError' })).toBe('gave_up');
    expect(failureOutcome({ attemptsMade: 1, opts: {} }, new Error('x'))).toBe('gave_up');
  });
});
