import { Redis, type RedisOptions } from 'ioredis';
import type { AppConfig } from '../config';

/**
 * Redis connections for BullMQ and the store, with the settings DESIGN.md asks for:
 * - workers block on BZPOPMIN and must never give up a command: maxRetriesPerRequest null (BullMQ requires it);
 * - producers (the bot answering a clinician) fail fast: no offline queue, one retry, so a Redis outage becomes a
 *   clear "not accepted, try again" within ~2 s instead of a hang and, never, a call reference for an unstored request.
 */
export type ConnectionRole = 'worker' | 'producer';

export function redisOptions(role: ConnectionRole): RedisOptions {
  const common: RedisOptions = {
    connectionName: `itb-${role}`,
    // Reconnect forever with a capped backoff: Redis restarts (AOF) must be survived, not fatal.
    retryStrategy: (times) => Math.min(100 * 2 ** Math.min(times, 5), 2000),
  };
  return role === 'worker'
    ? { ...common, maxRetriesPerRequest: null, enableReadyCheck: false }
    : { ...common, maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2000, commandTimeout: 2000 };
}

/** Opens a connection for `role`. rediss:// URLs get TLS; ACL user and password come from the URL. */
export function createRedisConnection(config: Pick<AppConfig, 'redis'>, role: ConnectionRole): Redis {
  return new Redis(config.redis.url, redisOptions(role));
}

/**
 * Opens a producer connection and waits until it is ready, so the first command does not fail on an offline queue.
 * Rejects within `timeoutMs` when Redis is unreachable.
 */
export async function openProducerConnection(config: Pick<AppConfig, 'redis'>, timeoutMs = 3000): Promise<Redis> {
  const redis = new Redis(config.redis.url, { ...redisOptions('producer'), lazyConnect: true });
  // Swallow the 'error' events ioredis emits while reconnecting; callers see failures on their commands.
  redis.on('error', () => undefined);
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      redis.connect(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer from Redis within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return redis;
  } catch (err) {
    redis.disconnect();
    throw err;
  } finally {
    clearTimeout(timer);
  }
}
