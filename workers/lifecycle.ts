import type { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { FlowStarter } from '../app/ports';
import type { AppConfig } from '../config';
import type { Logger } from '../config/logger';
import { ServiceCalendar } from '../domain';
import { HttpIepClient } from '../integrations/iep';
import { createPacsClient } from '../integrations/pacs';
import { FhirPasClient } from '../integrations/pas';
import { FhirReportSource } from '../integrations/reports';
import { MllpRisClient } from '../integrations/ris';
import { createStore } from '../store';
import { readClock, RedisOffsetClock, systemClock, type Clock } from './clock';
import { createRedisConnection } from './connection';
import { flowOptionsFrom, type FlowDeps, type FlowOptions } from './flowDeps';
import { createFlowQueue, initFlowWorker } from './flowQueue';
import { QueueFlowStarter } from './flowStarter';
import { FlowStateStore } from './flowState';
import { OrthancGatewayStudies } from './gatewayStudies';
import { createInboundQueue, initInboundWorker } from './inboundQueue';
import { createNotifyQueue, QueueNotifier } from './notifyQueue';
import { createOutboundEmergencyQueue, createOutboundQueue, initOutboundWorker } from './outboundQueue';
import { createRetentionQueue, initRetentionWorker, scheduleRetentionJob } from './retentionQueue';
import { initSelfCheckWorker } from './selfCheckQueue';
import { createTimerQueue, initTimerWorker, scheduleTimerHousekeeping } from './timerQueue';
import { tellAnalystsIfNotRun } from './stepRunner';
import { armTimersFromStore } from './timers/armTimers';

export interface RunningWorkers {
  workers: Worker[];
  /** The queues this process produces to (their job counts are what workers/metrics.ts reports). */
  queues: Queue[];
  /** The flows' dependencies (undefined when this process runs no flows). */
  deps?: FlowDeps;
  /** Starts flows on these queues (for a process that also hosts the app). */
  flows?: FlowStarter;
  /** Resolves once every worker runs (global concurrency set first, schedules upserted); rejects if that failed. */
  ready: Promise<void>;
  /** Closes workers (letting active jobs finish), then queues and clients, then connections. Idempotent. */
  close(): Promise<void>;
}

/** What a test (or another composition root) may replace or switch off. */
export interface WorkerOverrides {
  ports?: Partial<Pick<FlowDeps, 'iep' | 'pacs' | 'gateway' | 'gatewayStudies' | 'ris' | 'pas' | 'reports' | 'notifier' | 'serviceDesk' | 'clock' | 'calendar'>>;
  options?: Partial<FlowOptions>;
  /** Which workers to run (all by default). */
  run?: { flows?: boolean; selfCheck?: boolean; retention?: boolean; schedules?: boolean };
  concurrency?: { flow?: number; timers?: number };
  schedules?: { armMs?: number; incomingMs?: number };
}

/**
 * Starts every worker of this process. Config is passed in explicitly (STYLE: no globals). Workers get their own
 * blocking connection (maxRetriesPerRequest null); processors and producers share one command connection.
 *
 * Queues: self-check; the flows (flow; iep-outbound (4) and iep-outbound-emergency, 5 outbound threads in all with one
 * kept for Blue Light and trauma; iep-inbound (4); timers with its schedules); retention (the store's daily purge). The notify queue is a producer here: the bot
 * process runs its worker.
 */
export function initWorkers(config: AppConfig, logger: Logger, overrides: WorkerOverrides = {}): RunningWorkers {
  const blocking = createRedisConnection(config, 'worker');
  const commands: Redis = createRedisConnection(config, 'worker');
  const prefix = config.redis.prefix;
  const run = { flows: true, selfCheck: true, retention: true, schedules: true, ...overrides.run };
  const workers: Worker[] = [];
  const queues: Queue[] = [];
  const closers: Array<() => Promise<void> | void> = [];
  const starting: Array<Promise<unknown>> = [];

  if (run.selfCheck) workers.push(initSelfCheckWorker(blocking, commands, prefix));

  let deps: FlowDeps | undefined;
  let flows: FlowStarter | undefined;
  if (run.flows) {
    deps = flowDepsFrom(config, logger, commands, overrides);
    const d = deps;
    queues.push(d.queues.flow, d.queues.outbound, d.queues.outboundEmergency!, d.queues.inbound, d.queues.timers, ...(d.notifyQueue ? [d.notifyQueue] : []));
    closers.push(() => d.iep.close(), () => d.pacs.close(), () => d.gateway.close());
    flows = new QueueFlowStarter(d);
    const flowWorker = initFlowWorker(blocking, d, overrides.concurrency?.flow ?? d.options.flowConcurrency);
    const timerWorker = initTimerWorker(blocking, d, overrides.concurrency?.timers);
    const outbound = initOutboundWorker(blocking, d);
    const emergency = initOutboundWorker(blocking, d, undefined, 'emergency');
    const inbound = initInboundWorker(blocking, d);
    const stepWorkers: Worker[] = [flowWorker, timerWorker, outbound, emergency, inbound];
    workers.push(...stepWorkers);
    starting.push(outbound.ready, emergency.ready, inbound.ready);
    // A job BullMQ fails without running it (stalled too often) never reaches the step runner's catch: tell the
    // channel from the event instead (workers/stepRunner.ts tellAnalystsIfNotRun).
    for (const w of stepWorkers) w.on('failed', (job, err) => void tellAnalystsIfNotRun(d, w.name, job, err));
    if (run.schedules) {
      starting.push(
        scheduleTimerHousekeeping(d.queues.timers as never, overrides.schedules),
        // At start-up too: a restart must not wait five minutes to arm what was missed while it was down.
        readClock(d.clock)
          .then(() => armTimersFromStore(d))
          .catch((err: Error) => logger.warn({ errType: err.name }, 'arming timers at start-up failed; the schedule retries')),
      );
    }
  }
  if (run.retention) {
    const store = deps?.store ?? createStore(commands, config);
    const retentionQueue = createRetentionQueue(commands, prefix);
    queues.push(retentionQueue);
    workers.push(initRetentionWorker(blocking, prefix, { store: store.requests, retentionDays: config.retentionDays }));
    if (run.schedules) starting.push(scheduleRetentionJob(retentionQueue));
  }

  for (const w of workers) {
    w.on('failed', (job, err) => logger.warn({ queue: w.name, jobId: job?.id, attempt: job?.attemptsMade, errType: err.name }, 'job failed'));
    w.on('error', (err) => logger.error({ queue: w.name, errType: err.name, code: (err as { code?: string }).code }, 'worker error'));
  }
  const ready = Promise.all(starting).then(() => undefined);
  ready.catch((err: Error) => logger.error({ errType: err.name }, 'workers did not start cleanly'));

  let closing: Promise<void> | undefined;
  return {
    workers,
    queues,
    ...(deps ? { deps } : {}),
    ...(flows ? { flows } : {}),
    ready,
    close() {
      // Workers before their queues and connections: active jobs finish first.
      closing ??= (async () => {
        await ready.catch(() => undefined);
        await Promise.all(workers.map((w) => w.close()));
        await Promise.all(queues.map((q) => q.close()));
        for (const close of closers) await Promise.resolve(close()).catch(() => undefined);
        await Promise.all([blocking.quit().catch(() => blocking.disconnect()), commands.quit().catch(() => commands.disconnect())]);
      })();
      return closing;
    },
  };
}

/** The flows' dependencies from config: real clients for IEP, UHL PACS, the IEP gateway, RIS and PAS. */
function flowDepsFrom(config: AppConfig, logger: Logger, commands: Redis, overrides: WorkerOverrides): FlowDeps {
  const prefix = config.redis.prefix;
  const options: FlowOptions = { ...flowOptionsFrom(config), ...overrides.options };
  const store = createStore(commands, config);
  const notifyQueue = createNotifyQueue(commands, prefix);
  const ports = overrides.ports ?? {};
  // The sandbox's clock can be moved (one Redis key shared by every process); production's cannot.
  const clock: Clock = ports.clock ?? (config.mode === 'sandbox' ? new RedisOffsetClock(commands, prefix) : systemClock);
  return {
    store,
    flowState: new FlowStateStore(commands, prefix, store.requests.cipher),
    iep: ports.iep ?? new HttpIepClient({ baseUrl: config.iep.baseUrl, ...(config.iep.auth ? { auth: config.iep.auth } : {}), timeoutMs: config.iep.timeoutMs }),
    pacs: ports.pacs ?? createPacsClient({ kind: 'dicomweb', baseUrl: config.pacs.dicomWebUrl }),
    gateway: ports.gateway ?? createPacsClient({ kind: 'dicomweb', baseUrl: config.iep.gateway.dicomWebUrl }),
    gatewayStudies: ports.gatewayStudies ?? new OrthancGatewayStudies(config.iep.gateway.restUrl),
    ris: ports.ris ?? new MllpRisClient({ host: config.ris.host, port: config.ris.port, ackTimeoutMs: config.ris.ackTimeoutMs, maxAttempts: config.ris.maxAttempts, message: config.ris.message, logger }),
    pas:
      ports.pas ??
      new FhirPasClient({
        baseUrl: config.pas.baseUrl,
        sNumberSystem: config.pas.sNumberSystem,
        sNumberPattern: config.localIdPattern,
        timeoutMs: config.pas.timeoutMs,
        ...(config.pas.bearerToken ? { bearerToken: config.pas.bearerToken } : {}),
      }),
    reports:
      ports.reports ??
      new FhirReportSource({
        baseUrl: config.reports.baseUrl,
        accessionSystem: config.reports.accessionSystem,
        timeoutMs: config.reports.timeoutMs,
        ...(config.reports.bearerToken ? { bearerToken: config.reports.bearerToken } : {}),
      }),
    notifier: ports.notifier ?? new QueueNotifier(notifyQueue),
    notifyQueue,
    ...(ports.serviceDesk ? { serviceDesk: ports.serviceDesk } : {}),
    clock,
    calendar: ports.calendar ?? new ServiceCalendar(),
    redis: commands,
    prefix,
    queues: {
      flow: createFlowQueue(commands, prefix, options.stepAttempts, options.stepBackoffMs),
      outbound: createOutboundQueue(commands, prefix, options.stepAttempts, options.stepBackoffMs),
      outboundEmergency: createOutboundEmergencyQueue(commands, prefix, options.stepAttempts, options.stepBackoffMs),
      inbound: createInboundQueue(commands, prefix, options.stepAttempts, options.stepBackoffMs),
      timers: createTimerQueue(commands, prefix) as never,
    },
    options,
    logger,
  };
}

let running: RunningWorkers | undefined;

/** Process-wide convenience over initWorkers for workers/main.ts. */
export function startWorkers(config: AppConfig, logger: Logger): RunningWorkers {
  running ??= initWorkers(config, logger);
  return running;
}

export async function closeWorkers(): Promise<void> {
  await running?.close();
  running = undefined;
}
