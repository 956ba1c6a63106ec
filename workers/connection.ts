import fs from 'node:fs';
import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
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
  redis: Partial<AppConfig['redis']> & { url: string; tlsCaFile?: string; clusterNodes?: string[] };
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

/**
 * Redis Cluster options for `role` from the seed node URLs (validated by config: same scheme and credentials on each).
 * Each node connection gets the role's settings; the cluster itself reconnects forever with the same capped backoff,
 * and a producer's commands still fail fast (no offline queue) while the cluster is unreachable.
 */
export function clusterOptions(redis: RedisConnectionConfig['redis'], role: ConnectionRole): { nodes: Array<{ host: string; port: number }>; options: ClusterOptions } {
  const urls = (redis.clusterNodes ?? []).map((u) => new URL(u));
  const first = urls[0];
  if (!first) throw new Error('no Redis Cluster nodes given');
  const { retryStrategy, enableOfflineQueue, ...perNode } = redisOptions(role);
  const tls = first.protocol === 'rediss:';
  if (redis.tlsCaFile && !tls) throw new Error('a Redis TLS CA file is set but REDIS_CLUSTER_NODES are not rediss://: the connection would not be encrypted');
  return {
    nodes: urls.map((u) => ({ host: u.hostname, port: Number(u.port) })),
    options: {
      redisOptions: {
        ...perNode,
        ...(first.username ? { username: decodeURIComponent(first.username) } : {}),
        ...(first.password ? { password: decodeURIComponent(first.password) } : {}),
        // The server certificate is always verified; servername per node is set by ioredis from each node's host.
        ...(tls ? { tls: redis.tlsCaFile ? { ca: fs.readFileSync(redis.tlsCaFile) } : {} } : {}),
      },
      clusterRetryStrategy: (times) => retryStrategy?.(times) ?? 2000,
      enableOfflineQueue: enableOfflineQueue ?? true,
      // BullMQ's blocking workers and our fail-fast producers both ask for a ready cluster before their first command.
      enableReadyCheck: true,
      // A failover or resharding moves slots: follow MOVED/ASK a few times before failing the command (then retried).
      maxRedirections: 16,
    },
  };
}

/**
 * Opens a connection for `role`. rediss:// URLs get TLS; ACL user and password come from the URL. With
 * REDIS_CLUSTER_NODES it is an ioredis Cluster: the same command API as Redis for everything we run (keyed commands
 * and scripts whose keys all share the REDIS_PREFIX hash tag, so one slot; BullMQ accepts a Cluster as its
 * connection), so it is handed out under the Redis type the store and the workers are written against.
 */
export function createRedisConnection(config: RedisConnectionConfig, role: ConnectionRole): Redis {
  if (config.redis.clusterNodes?.length) {
    const { nodes, options } = clusterOptions(config.redis, role);
    return new Cluster(nodes, options) as unknown as Redis;
  }
  return new Redis(config.redis.url, { ...redisOptions(role), ...tlsOptions(config.redis) });
}

/**
 * Opens a producer connection and waits until it is ready, so the first command does not fail on an offline queue.
 * Rejects within `timeoutMs` when Redis is unreachable, naming the first reason Redis or TLS gave (wrong password,
 * untrusted certificate), never the URL's password.
 */
export async function openProducerConnection(config: RedisConnectionConfig, timeoutMs = 3000): Promise<Redis> {
  const redis: Redis = config.redis.clusterNodes?.length
    ? (() => {
        const { nodes, options } = clusterOptions(config.redis, 'producer');
        return new Cluster(nodes, { ...options, lazyConnect: true }) as unknown as Redis;
      })()
    : new Redis(config.redis.url, { ...redisOptions('producer'), ...tlsOptions(config.redis), lazyConnect: true });
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
