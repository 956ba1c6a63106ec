import { loadConfig, ConfigError } from '../../../config';
import { hasHashTag } from '../../../config/schema';
import { clusterOptions } from '../../../workers/connection';

/** REDIS_CLUSTER_NODES (issue #9): a Redis Cluster instead of one Redis, validated at start-up. */
describe('Redis Cluster settings', () => {
  const nodes = 'redis://127.0.0.1:7001, redis://127.0.0.1:7002,redis://127.0.0.1:7003';

  it('is off by default: one Redis at REDIS_URL', () => {
    expect(loadConfig({}).redis.clusterNodes).toBeUndefined();
    expect(loadConfig({ REDIS_CLUSTER_NODES: '  ' }).redis.clusterNodes).toBeUndefined();
  });

  it('reads the seed nodes in order, trimmed', () => {
    expect(loadConfig({ REDIS_CLUSTER_NODES: nodes }).redis.clusterNodes).toEqual(['redis://127.0.0.1:7001', 'redis://127.0.0.1:7002', 'redis://127.0.0.1:7003']);
  });

  it.each<[string, Record<string, string>, RegExp]>([
    ['a node that is not a URL', { REDIS_CLUSTER_NODES: '127.0.0.1:7001' }, /REDIS_CLUSTER_NODES: "127.0.0.1:7001" is not a URL \(redis:\/\/host:port/],
    ['another scheme', { REDIS_CLUSTER_NODES: 'http://127.0.0.1:7001' }, /REDIS_CLUSTER_NODES: .*must start with redis:\/\//],
    ['a node without a port', { REDIS_CLUSTER_NODES: 'redis://127.0.0.1' }, /REDIS_CLUSTER_NODES: .*needs a host and a port/],
    ['a database number (a cluster has only 0)', { REDIS_CLUSTER_NODES: 'redis://127.0.0.1:7001/2' }, /REDIS_CLUSTER_NODES: .*no \/db path/],
    ['mixed TLS and plain nodes', { REDIS_CLUSTER_NODES: 'rediss://a.example:6380,redis://b.example:6380' }, /REDIS_CLUSTER_NODES: every node must use the same scheme/],
    ['different credentials per node', { REDIS_CLUSTER_NODES: 'redis://itb:one@a.example:6379,redis://itb:two@b.example:6379' }, /REDIS_CLUSTER_NODES: every node must carry the same user and password/],
    ['a prefix without a hash tag', { REDIS_CLUSTER_NODES: nodes, REDIS_PREFIX: 'itb' }, /REDIS_PREFIX: must contain a hash tag such as \{itb\} on a Redis Cluster/],
    ['an empty hash tag', { REDIS_CLUSTER_NODES: nodes, REDIS_PREFIX: '{}itb' }, /REDIS_PREFIX: must contain a hash tag/],
  ])('refuses %s with a message naming the variable', (_what, env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('never repeats a password in its message', () => {
    expect(() => loadConfig({ REDIS_CLUSTER_NODES: 'redis://itb:s3cret-pw@a.example' })).toThrow(/itb:\*\*\*@/);
    expect(() => loadConfig({ REDIS_CLUSTER_NODES: 'redis://itb:s3cret-pw@a.example' })).not.toThrow(/s3cret-pw/);
  });

  it('accepts a prefix without a hash tag for a single Redis (no slots there)', () => {
    expect(loadConfig({ REDIS_PREFIX: 'itb' }).redis.prefix).toBe('itb');
  });

  it('knows a hash tag when it sees one', () => {
    expect(['{itb}', 'x{itb}y', '{a}'].map(hasHashTag)).toEqual([true, true, true]);
    expect(['itb', '{}', '}{itb', '{itb'].map(hasHashTag)).toEqual([false, false, false, false]);
  });
});

describe('clusterOptions', () => {
  it('gives each node the role settings and the URL credentials; workers never give up a command (BullMQ)', () => {
    const c = loadConfig({ REDIS_CLUSTER_NODES: 'redis://itb-workers:p%40ss@10.0.0.1:6379,redis://itb-workers:p%40ss@10.0.0.2:6379' });
    const { nodes, options } = clusterOptions(c.redis, 'worker');
    expect(nodes).toEqual([{ host: '10.0.0.1', port: 6379 }, { host: '10.0.0.2', port: 6379 }]);
    expect(options.redisOptions).toMatchObject({ username: 'itb-workers', password: 'p@ss', maxRetriesPerRequest: null, connectionName: 'itb-worker' });
    expect(options.redisOptions!.tls).toBeUndefined();
    expect(options.enableOfflineQueue).toBe(true);
    expect(options.clusterRetryStrategy!(50, undefined as never)).toBe(2000);
  });

  it('producers fail fast: no offline queue, one retry, 2 s timeouts', () => {
    const { options } = clusterOptions(loadConfig({ REDIS_CLUSTER_NODES: 'redis://127.0.0.1:7001' }).redis, 'producer');
    expect(options.enableOfflineQueue).toBe(false);
    expect(options.redisOptions).toMatchObject({ maxRetriesPerRequest: 1, connectTimeout: 2000, commandTimeout: 2000 });
  });

  it('rediss:// turns TLS on for every node; a CA file with plain nodes is refused', () => {
    const { options } = clusterOptions(loadConfig({ REDIS_CLUSTER_NODES: 'rediss://a.example:6380' }).redis, 'worker');
    expect(options.redisOptions!.tls).toEqual({});
    expect(() => clusterOptions({ url: 'redis://unused', clusterNodes: ['redis://a.example:6379'], tlsCaFile: '/etc/ssl/ca.pem' }, 'worker')).toThrow(/not rediss/);
  });
});
