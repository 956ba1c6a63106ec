import type { CloudAdapter } from 'botbuilder';
import type { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { StaticInstitutionDirectory, type AppDeps, type FlowStarter, type InstitutionDirectory } from '../app';
import type { AppConfig } from '../config';
import type { Logger } from '../config/logger';
import { serviceCalendar, type PriorityLane } from '../domain';
import { createPacsClient, type PacsClient } from '../integrations/pacs';
import { FhirPasClient } from '../integrations/pas';
import { IvantiServiceDesk, LocalServiceDesk, type IvantiBusinessObject, type ServiceDesk } from '../integrations/servicedesk';
import { createStore } from '../store';
import { createRedisConnection } from '../workers/connection';
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
  /** The workers' FlowStarter; until the workflows colleague's is wired, approvals are logged as "flow not started". */
  flows?: FlowStarter;
  directory?: InstitutionDirectory;
  membership?: TeamMembershipCheck;
  now?: () => Date;
  /** Run the notify worker in this process (default true). */
  notifyWorker?: boolean | NotifyWorkerOptions;
}

/** The running conversation: what the bot needs, the queues and worker it started, and how to stop them. */
export interface RunningConversation {
  wiring: ConversationWiring;
  notifyQueue: Queue<NotifyJobData>;
  notifyWorker?: Worker<NotifyJobData>;
  pacs: PacsClient;
  close(): Promise<void>;
}

/** Until workers/ provides one: records that a flow should start, so nothing is silently lost (and says so, loudly). */
function unwiredFlows(logger: Logger): FlowStarter {
  return {
    async start(requestId: string, opts: { lane: PriorityLane; reprocess?: number }) {
      logger.error({ requestId, lane: opts.lane, reprocess: opts.reprocess }, 'flow start is not wired in this process: the transfer did not start');
      throw new Error('flow start is not wired');
    },
  };
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
export function startConversation(config: AppConfig, logger: Logger, redis: Redis, adapter: CloudAdapter, opts: ConversationOptions = {}): RunningConversation {
  const prefix = config.redis.prefix;
  const now = opts.now ?? (() => new Date());
  const store = createStore(redis, config);
  const notifyQueue = createNotifyQueue(redis, prefix);
  const pacs = createPacsClient({ kind: 'dicomweb', baseUrl: config.pacs.dicomWebUrl, timeoutMs: 10_000 });
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
    flows: opts.flows ?? unwiredFlows(logger),
    notifier: new QueueNotifier(notifyQueue),
    directory: opts.directory ?? new StaticInstitutionDirectory(),
    calendar: serviceCalendar,
    now,
    localIdPattern: config.localIdPattern,
    logger,
  };
  const postedCards = new PostedCards(redis, prefix);
  const staffNames = new StaffNames(redis, prefix);
  const sender = new ProactiveSender({ adapter, appId: config.bot.appId ?? '', conversations: store.conversations, limiter: new ConversationRateLimiter(redis, prefix), logger, now });
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
      { store, sender, postedCards, staffNames, queue: notifyQueue, now, logger },
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
        await notifyWorker?.close();
        await notifyQueue.close();
        await pacs.close();
        await workerConnection?.quit().catch(() => workerConnection?.disconnect());
      })();
      return closing;
    },
  };
}
