import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { EncryptionKey } from '../../../config';
import { createStore, type Store } from '../../../store';
import { testRedisUrl, uniquePrefix } from '../../support/services';

/** A fresh random data key (never the sandbox one, so a test cannot pass by reading another test's data). */
export function freshKey(id: string): EncryptionKey {
  return { id, key: randomBytes(32) };
}

/** A connection to the run's Redis (script/test starts it; ITB_TEST_REDIS_URL). */
export function connect(): Redis {
  return new Redis(testRedisUrl(), { maxRetriesPerRequest: 1 });
}

/** The store under a prefix of its own. */
export function storeFor(redis: Redis, prefix: string, keys: EncryptionKey[], opts: Parameters<typeof createStore>[2] = {}): Store {
  return createStore(redis, { redis: { url: testRedisUrl(), prefix }, encryptionKeys: keys }, opts);
}

/** Every key under a prefix (SCAN, not KEYS: the run's Redis is shared by parallel test files). */
export async function keysUnder(redis: Redis, prefix: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${escapeGlob(prefix)}*`, 'COUNT', 500);
    cursor = next;
    found.push(...batch);
  } while (cursor !== '0');
  return [...new Set(found)].sort();
}

/** Deletes every key under a prefix. */
export async function dropPrefix(redis: Redis, prefix: string): Promise<void> {
  const keys = await keysUnder(redis, prefix);
  for (let i = 0; i < keys.length; i += 500) await redis.del(...keys.slice(i, i + 500));
}

/** A prefix for one test. */
export function testPrefix(label: string): string {
  return uniquePrefix(`store-${label}`);
}

function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}
