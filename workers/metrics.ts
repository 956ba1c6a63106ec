import type { Job, Queue, Worker } from 'bullmq';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { FAILURE_OUTCOMES, JOB_STATES, queueLabel, stepLabel, STEPS_BY_QUEUE, type FailureOutcome, type JobState } from './metricLabels';

/** Every metric of ours starts with this (prom-client's process metrics too). */
export const METRIC_PREFIX = 'itb_';

/**
 * How long a scrape waits for BullMQ's job counts. A slow or unreachable Redis must not make the scrape hang (the
 * scraper would time out and we would lose the process metrics too): past this, the queue's counts are left out of
 * that scrape and `itb_queue_counts_ok` says so. Well inside Prometheus' default 10 s scrape timeout.
 */
export const DEFAULT_COUNTS_DEADLINE_MS = 2_000;

/**
 * Run-time buckets in seconds: a flow step takes well under a second to a few seconds; an IEP transfer holds its job
 * while it follows the transaction, up to ITB_IEP_THREAD_HOLD_MAX_MS (2 h by default).
 */
const DURATION_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 1800, 3600, 7200];

/** The part of a BullMQ Queue the counts need. */
export type CountedQueue = Pick<Queue, 'name' | 'getJobCounts'>;

/** The part of a BullMQ Worker whose events are counted. */
export type ObservedWorker = Pick<Worker, 'name' | 'on'>;

export interface WorkerMetricsOptions {
  /** The queues whose job counts are read at each scrape. */
  queues: readonly CountedQueue[];
  countsDeadlineMs?: number;
  /** prom-client's process metrics (RSS, CPU, event-loop lag, GC, heap). On by default. */
  processMetrics?: boolean;
}

/**
 * The worker process's Prometheus metrics, in their own registry (not prom-client's global one, so a test can build
 * several). Label values come only from workers/metricLabels.ts: queue names, step names and outcome words.
 */
export class WorkerMetrics {
  readonly registry = new Registry();
  private readonly queues: readonly CountedQueue[];
  private readonly deadlineMs: number;
  private readonly jobs: Gauge<'queue' | 'state'>;
  private readonly countsOk: Gauge<'queue'>;
  private readonly completed: Counter<'queue' | 'step'>;
  private readonly failed: Counter<'queue' | 'step' | 'outcome'>;
  private readonly duration: Histogram<'queue'>;
  /** One read of the counts per scrape, shared by the two gauges that show it. */
  private refreshing: Promise<void> | undefined;
  /** A queue's read still running from an earlier scrape (Redis slow): not started again, so reads never pile up. */
  private readonly inFlight = new Map<string, Promise<Record<string, number>>>();

  constructor(opts: WorkerMetricsOptions) {
    this.queues = opts.queues;
    this.deadlineMs = opts.countsDeadlineMs ?? DEFAULT_COUNTS_DEADLINE_MS;
    const registers = [this.registry];
    const refresh = () => this.refreshCounts();
    this.jobs = new Gauge({
      name: `${METRIC_PREFIX}queue_jobs`,
      help: 'Jobs in each BullMQ queue by state (waiting, active, delayed, failed, prioritized), read when scraped.',
      labelNames: ['queue', 'state'],
      registers,
      collect: refresh,
    });
    this.countsOk = new Gauge({
      name: `${METRIC_PREFIX}queue_counts_ok`,
      help: `1 when the queue's job counts were read from Redis within ${this.deadlineMs} ms at this scrape; 0 when they were not (its itb_queue_jobs series are left out).`,
      labelNames: ['queue'],
      registers,
      collect: refresh,
    });
    this.completed = new Counter({
      name: `${METRIC_PREFIX}jobs_completed_total`,
      help: 'Jobs this process completed, by queue and step.',
      labelNames: ['queue', 'step'],
      registers,
    });
    this.failed = new Counter({
      name: `${METRIC_PREFIX}jobs_failed_total`,
      help: 'Failed job attempts in this process, by queue and step; outcome retrying (BullMQ runs it again) or gave_up (attempts used up or a permanent error: the analysts are told).',
      labelNames: ['queue', 'step', 'outcome'],
      registers,
    });
    this.duration = new Histogram({
      name: `${METRIC_PREFIX}job_duration_seconds`,
      help: 'Run time of job attempts that completed or failed in this process, by queue (an attempt that waits for later is not counted).',
      labelNames: ['queue'],
      buckets: DURATION_BUCKETS,
      registers,
    });
    if (opts.processMetrics !== false) collectDefaultMetrics({ register: this.registry, prefix: METRIC_PREFIX });
  }

  /**
   * Counts a worker's completed and failed jobs and their run time. Its queue's known steps start at zero, so a
   * rate or increase alert sees the first failure.
   */
  observeWorker(worker: ObservedWorker): void {
    const queue = queueLabel(worker.name);
    for (const step of STEPS_BY_QUEUE[queue] ?? []) {
      this.completed.inc({ queue, step }, 0);
      for (const outcome of FAILURE_OUTCOMES) this.failed.inc({ queue, step, outcome }, 0);
    }
    worker.on('completed', (job: Job) => {
      this.completed.inc({ queue, step: stepLabel(queue, job.name) });
      this.observeRunTime(queue, job);
    });
    worker.on('failed', (job: Job | undefined, err: Error) => {
      this.failed.inc({ queue, step: stepLabel(queue, job?.name), outcome: failureOutcome(job, err) });
      if (job) this.observeRunTime(queue, job);
    });
  }

  /** The text a scrape gets (Prometheus exposition format). */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  private observeRunTime(queue: string, job: Pick<Job, 'processedOn' | 'finishedOn'>): void {
    if (typeof job.processedOn !== 'number') return;
    const end = typeof job.finishedOn === 'number' && job.finishedOn >= job.processedOn ? job.finishedOn : Date.now();
    this.duration.observe({ queue }, Math.max(0, end - job.processedOn) / 1000);
  }

  private refreshCounts(): Promise<void> {
    this.refreshing ??= this.readAllCounts().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async readAllCounts(): Promise<void> {
    await Promise.all(
      this.queues.map(async (q) => {
        const queue = queueLabel(q.name);
        const counts = await this.countsWithin(q);
        if (!counts) {
          for (const state of JOB_STATES) this.jobs.remove({ queue, state });
          this.countsOk.set({ queue }, 0);
          return;
        }
        for (const state of JOB_STATES) this.jobs.set({ queue, state }, counts[state] ?? 0);
        this.countsOk.set({ queue }, 1);
      }),
    );
  }

  /** The queue's counts, or undefined when Redis did not answer within the deadline (or failed). */
  private async countsWithin(q: CountedQueue): Promise<Partial<Record<JobState, number>> | undefined> {
    let read = this.inFlight.get(q.name);
    if (!read) {
      read = q.getJobCounts(...JOB_STATES);
      this.inFlight.set(q.name, read);
      const forget = () => {
        if (this.inFlight.get(q.name) === read) this.inFlight.delete(q.name);
      };
      read.then(forget, forget);
    }
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), this.deadlineMs);
    });
    try {
      return await Promise.race([read.catch(() => undefined), late]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/**
 * retrying or gave_up, from the job after BullMQ moved it (attemptsMade already counts this attempt). A permanent error
 * (UnrecoverableError; also a job failed for stalling too often) stops at once whatever attempts remain.
 */
export function failureOutcome(job: Pick<Job, 'attemptsMade' | 'opts'> | undefined, err: Pick<Error, 'name'>): FailureOutcome {
  if (!job || err.name === 'UnrecoverableError') return 'gave_up';
  return job.attemptsMade >= (job.opts.attempts ?? 1) ? 'gave_up' : 'retrying';
}
