import fs from 'node:fs';
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
    // No CLIENT SETINFO: our connection names say who we are, and SETINFO would need one more ACL grant (Redis 7.2+).
    disableClientInfo: true,
    // Reconnect forever with a capped backoff: Redis restarts (AOF) must be survived, not fatal.
    retryStrategy: (times) => Math.min(100 * 2 ** Math.min(times, 5), 2000),
  };
  return role === 'worker'
    ? { ...common, maxRetriesPerRequest: null, enableReadyCheck: false }
    : { ...common, maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2000, commandTimeout: 2000 };
}

/**
 * What a connection needs to know about Redis. `tlsCaFile` (proposed env: REDIS_TLS_CA_FILE) is the PEM of the CA that
 * signed the server's certificate, for a private CA; without it a rediss:// server is checked against Node's public
 * roots (Azure Cache for Redis). AppConfig's `redis` fits as it is.
 */
export interface RedisConnectionConfig {
  redis: Partial<AppConfig['redis']> & { url: string; tlsCaFile?: string };
}

/**
 * TLS options from the URL scheme: rediss:// turns TLS on, with the server certificate always verified (never
 * rejectUnauthorized: false) against `tlsCaFile` when given. A CA file with a plain redis:// URL is refused: whoever
 * set it believes the link is encrypted, and it would not be.
 */
export function tlsOptions(redis: RedisConnectionConfig['redis']): Pick<RedisOptions, 'tls'> {
  const isTls = redis.url.startsWith('rediss://');
  if (!redis.tlsCaFile) return {};
  if (!isTls) throw new Error('a Redis TLS CA file is set but REDIS_URL is not rediss://: the connection would not be encrypted');
  return { tls: { ca: fs.readFileSync(redis.tlsCaFile) } };
}

/** Opens a connection for `role`. rediss:// URLs get TLS; ACL user and password come from the URL. */
export function createRedisConnection(config: RedisConnectionConfig, role: ConnectionRole): Redis {
  return new Redis(config.redis.url, { ...redisOptions(role), ...tlsOptions(config.redis) });
}

/**
 * Opens a producer connection and waits until it is ready, so the first command does not fail on an offline queue.
 * Rejects within `timeoutMs` when Redis is unreachable, naming the first reason Redis or TLS gave (wrong password,
 * untrusted certificate), never the URL's password.
 */
export async function openProducerConnection(config: RedisConnectionConfig, timeoutMs = 3000): Promise<Redis> {
  const redis = new Redis(config.redis.url, { ...redisOptions('producer'), ...tlsOptions(config.redis), lazyConnect: true });
  // Swallow the 'error' events ioredis emits while reconnecting; callers see failures on their commands. The first one is
  // kept: connect() itself only says "Connection is closed.", and an operator needs to read WRONGPASS or the TLS reason.
  let firstError: Error | undefined;
  redis.on('error', (e: Error) => (firstError ??= e));
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
    if (firstError && firstError !== err) throw new Error(`${(err as Error).message} (${firstError.message})`, { cause: firstError });
    throw err;
  } finally {
    clearTimeout(timer);
  }
}
