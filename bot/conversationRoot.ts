import type { CloudAdapter } from 'botbuilder';
import type { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { StaticInstitutionDirectory, type AnalystWork, type AppDeps, type FlowStarter, type InstitutionDirectory } from '../app';
import type { AppConfig } from '../config';
import type { Logger } from '../config/logger';
import { serviceCalendar } from '../domain';
import { createPacsClient, type PacsClient } from '../integrations/pacs';
import { FhirPasClient } from '../integrations/pas';
import { IvantiServiceDesk, LocalServiceDesk, type IvantiBusinessObject, type ServiceDesk } from '../integrations/servicedesk';
import { createStore } from '../store';
import { RedisOffsetClock, systemClock, type SharedClock } from '../workers/clock';
import { createAnalystWork, type RunningAnalystWork } from '../workers/analystWork';
import { createRedisConnection } from '../workers/connection';
import { createFlowProducer, type FlowProducer } from '../workers/flowProducer';
import { createNotifyQueue, QueueNotifier, type NotifyJobData } from '../workers/notifyQueue';
import type { ConversationWiring } from './itbBot';
import { ConversationRateLimiter } from './notifications/conversationRateLimiter';
import { initNotifyWorker, type NotifyWorkerOptions } from './notifications/notifyWorker';
import { PostedCards } from './notifications/postedCards';
import { ProactiveSender } from './notifications/proactiveSender';
import { RoleResolver, type TeamMembershipCheck } from './roles';
import { StaffNames } from './staffNames';

/** Options for tests and for the composition root. */
export interface ConversationOptions {
  /** Replaces the workers' QueueFlowStarter (tests record starts instead). */
  flows?: FlowStarter;
  /** Replaces the workers' analyst operations (images with no request); default built from config (IEP client). */
  work?: AnalystWork;
  directory?: InstitutionDirectory;
  membership?: TeamMembershipCheck;
  now?: () => Date;
  /** Run the notify worker in this process (default true). */
  notifyWorker?: boolean | NotifyWorkerOptions;
}

/**
 * The bot's Redis connections: BullMQ's producers on one, everything else (store, local desk, posted cards, staff
 * names, the Teams rate limiter, the sandbox clock) on the other; bot/app.ts says why. Both may be the same connection.
 */
export interface ConversationConnections {
  queues: Redis;
  store: Redis;
}

/** The running conversation: what the bot needs, the queues and worker it started, and how to stop them. */
export interface RunningConversation {
  wiring: ConversationWiring;
  notifyQueue: Queue<NotifyJobData>;
  notifyWorker?: Worker<NotifyJobData>;
  pacs: PacsClient;
  close(): Promise<void>;
}

function serviceDeskFor(config: AppConfig, redis: Redis): ServiceDesk {
  const sd = config.serviceDesk;
  if (sd.mode === 'local') return new LocalServiceDesk(redis, { prefix: config.redis.prefix });
  return new IvantiServiceDesk({
    baseUrl: sd.baseUrl,
    apiKey: sd.apiKey,
    businessObject: sd.businessObject.toLowerCase() as IvantiBusinessObject,
    ...(sd.requestIdField ? { requestIdField: sd.requestIdField } : {}),
  });
}

/**
 * Wires the conversation into the bot process: the store, the service desk, PAS, PACS (trauma study lists), the notify
 * queue (QueueNotifier for the use-cases) and its worker, the one proactive sender with its per-conversation limiter,
 * the role resolver. Everything is built from `config`; nothing here reads the environment.
 */
export function startConversation(
  config: AppConfig,
  logger: Logger,
  connections: ConversationConnections,
  adapter: CloudAdapter,
  opts: ConversationOptions = {},
): RunningConversation {
  const prefix = config.redis.prefix;
  const { queues: queueRedis, store: redis } = connections;
  // The sandbox's clock can be moved for demos (one Redis key every process reads, as the workers do); production's cannot.
  const clock: SharedClock = config.mode === 'sandbox' ? new RedisOffsetClock(redis, prefix) : systemClock;
  const clockSync = config.mode === 'sandbox' && !opts.now ? setInterval(() => void clock.sync().catch(() => undefined), 5000).unref() : undefined;
  const now = opts.now ?? (() => clock.now());
  const store = createStore(redis, config);
  // The workers' own producer (the same queues, job ids and lanes, Blue Light to the emergency queue), not a copy.
  const flowProducer: FlowProducer | undefined = opts.flows ? undefined : createFlowProducer(queueRedis, config);
  const notifyQueue = createNotifyQueue(queueRedis, prefix);
  const notifier = new QueueNotifier(notifyQueue);
  const analystWork: RunningAnalystWork | undefined = opts.work ? undefined : createAnalystWork(queueRedis, config, { notifier, logger, cdRoot: config.workflow.cdRoot });
  // Trauma study lists only (a search): DICOMweb QIDO-RS with the configured auth and timeout.
  const pacs = createPacsClient({
    kind: 'dicomweb',
    baseUrl: config.pacs.dicomWebUrl,
    timeoutMs: Math.min(config.pacs.timeoutMs, 10_000),
    ...(config.pacs.auth ? { auth: config.pacs.auth } : {}),
  });
  const app: AppDeps = {
    store,
    serviceDesk: serviceDeskFor(config, redis),
    pas: new FhirPasClient({
      baseUrl: config.pas.baseUrl,
      sNumberSystem: config.pas.sNumberSystem,
      sNumberPattern: config.localIdPattern,
      timeoutMs: config.pas.timeoutMs,
      ...(config.pas.bearerToken ? { bearerToken: config.pas.bearerToken } : {}),
    }),
    pacs,
    flows: opts.flows ?? flowProducer!.flows,
    notifier,
    work: opts.work ?? analystWork!.work,
    ...(flowProducer ? { steps: flowProducer.steps } : {}),
    directory: opts.directory ?? new StaticInstitutionDirectory(),
    calendar: serviceCalendar,
    now,
    localIdPattern: config.localIdPattern,
    logger,
  };
  const postedCards = new PostedCards(redis, prefix);
  const staffNames = new StaffNames(redis, prefix);
  const sender = new ProactiveSender({
    adapter,
    appId: config.bot.appId ?? '',
    conversations: store.conversations,
    limiter: new ConversationRateLimiter(redis, prefix),
    logger,
    now,
    ...(config.roles.serviceDeskChannelId
      ? { channelFallback: { channelId: config.roles.serviceDeskChannelId, approverAadObjectIds: config.roles.approverAadObjectIds } }
      : {}),
  });
  const wiring: ConversationWiring = {
    services: { app, postedCards, sender, staffNames, localId: { pattern: config.localIdPattern }, logger },
    roles: new RoleResolver(config.roles, logger, opts.membership),
    channel: config.roles,
  };

  let workerConnection: Redis | undefined;
  let notifyWorker: Worker<NotifyJobData> | undefined;
  if (opts.notifyWorker !== false) {
    workerConnection = createRedisConnection(config, 'worker');
    notifyWorker = initNotifyWorker(
      workerConnection,
      prefix,
      { store, sender, postedCards, staffNames, queue: notifyQueue, now, logger, ...(app.work ? { work: app.work } : {}) },
      typeof opts.notifyWorker === 'object' ? opts.notifyWorker : {},
    );
  }
  let closing: Promise<void> | undefined;
  return {
    wiring,
    notifyQueue,
    ...(notifyWorker ? { notifyWorker } : {}),
    pacs,
    close() {
      // The worker first (its active jobs finish), then the queue, PACS sockets, and the worker's own connection.
      closing ??= (async () => {
        if (clockSync) clearInterval(clockSync);
        await notifyWorker?.close();
        await notifyQueue.close();
        await flowProducer?.close();
        await analystWork?.close();
        await pacs.close();
        await workerConnection?.quit().catch(() => workerConnection?.disconnect());
      })();
      return closing;
    },
  };
}
