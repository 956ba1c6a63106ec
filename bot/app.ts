import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { AppConfig } from '../config';
import type { Logger } from '../config/logger';
import { openProducerConnection } from '../workers/connection';
import { createSelfCheckQueue } from '../workers/selfCheckQueue';
import { createAdapter } from './adapter';
import { startConversation, type ConversationOptions, type RunningConversation } from './conversationRoot';
import { ItbBot } from './itbBot';
import { createBotServer, type BotServer, type Readiness } from './server';

export interface RunningBot {
  port: number;
  url: string;
  server: BotServer;
  /** The queues' connection (BullMQ producers). */
  redis: Redis;
  /** The store's connection (requests, audit, conversation references, the local desk, posted cards). */
  storeRedis: Redis;
  queues: Queue[];
  /** The conversation's parts (use-cases, notify queue and worker), for tests and operations. */
  conversation: RunningConversation;
  /** Graceful: stop accepting, let in-flight turns finish, close queues, then Redis. Idempotent. */
  close(): Promise<void>;
}

async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no answer in ${ms} ms`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Composition root of the bot process: Redis (fail-fast producer connection), the queues it enqueues to,
 * the adapter, the conversation (use-cases, roles, notify worker: bot/conversationRoot.ts), the bot, and the HTTP server. Used by bot/main.ts and by tests (port 0).
 */
export async function startBot(config: AppConfig, logger: Logger, opts: { port?: number; conversation?: ConversationOptions } = {}): Promise<RunningBot> {
  const redis = await openProducerConnection(config);
  // The store gets a connection of its own, both fail-fast producers. ioredis copies every script defined on a
  // connection onto each MULTI it starts, and BullMQ defines dozens on the queues' connection: on one shared connection
  // that copying was ~6% of the bot's CPU (the store runs several MULTIs per submission). It also keeps a burst of
  // queue traffic from queueing the store's commands behind it on one socket.
  const storeRedis = await openProducerConnection(config).catch((err: unknown) => {
    redis.disconnect();
    throw err;
  });
  const queues: Queue[] = [createSelfCheckQueue(redis, config.redis.prefix)];
  const readiness = async (): Promise<Readiness> => {
    const checks: Readiness['checks'] = {};
    checks.redis = await withTimeout(Promise.all([redis.ping(), storeRedis.ping()]), 1000, 'redis')
      .then(() => 'ok' as const)
      .catch((e: Error) => `unreachable: ${e.message}`);
    checks.queues = checks.redis === 'ok'
      ? await withTimeout(Promise.all(queues.map((q) => q.waitUntilReady())), 1000, 'queues').then(() => 'ok' as const, (e: Error) => e.message)
      : 'waiting for redis';
    return { ready: Object.values(checks).every((c) => c === 'ok'), checks };
  };
  const adapter = createAdapter(config, logger);
  const conversation = startConversation(config, logger, { queues: redis, store: storeRedis }, adapter, opts.conversation);
  queues.push(conversation.notifyQueue);
  const bot = new ItbBot({ allowedTenantId: config.bot.allowedTenantId, logger, conversation: conversation.wiring });
  const server = createBotServer({ adapter, bot, logger, maxBodyBytes: config.bot.maxBodyBytes, readiness, allowedTenantId: config.bot.allowedTenantId });
  const port = await server.listen(opts.port ?? config.bot.port, config.bot.host);
  let closing: Promise<void> | undefined;
  return {
    port,
    url: `http://${config.bot.host}:${port}`,
    server,
    redis,
    storeRedis,
    queues,
    conversation,
    close() {
      closing ??= (async () => {
        await server.close();
        await conversation.close();
        await Promise.all(queues.map((q) => q.close()));
        await Promise.all([redis, storeRedis].map((r) => r.quit().catch(() => r.disconnect())));
      })();
      return closing;
    },
  };
}
