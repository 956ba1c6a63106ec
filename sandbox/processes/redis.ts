import fs from 'node:fs';
import path from 'node:path';
import { spawnService, type ServiceHandle } from './service';
import { waitForTcp } from './freePort';

export interface RedisOptions {
  port: number;
  dir: string;
  /** AOF on by default: DESIGN requires noeviction + AOF, and chaos tests kill -9 Redis. */
  appendonly?: boolean;
  maxmemoryPolicy?: string;
  clusterEnabled?: boolean;
  logFile?: string;
}

/** Starts a private redis-server on 127.0.0.1 with its data under `dir`. */
export async function startRedis(opts: RedisOptions): Promise<ServiceHandle> {
  fs.mkdirSync(opts.dir, { recursive: true });
  const args = [
    '--port', String(opts.port),
    '--bind', '127.0.0.1',
    '--protected-mode', 'yes',
    '--dir', opts.dir,
    '--daemonize', 'no',
    '--save', '',
    '--appendonly', opts.appendonly === false ? 'no' : 'yes',
    '--appendfsync', 'everysec',
    '--maxmemory-policy', opts.maxmemoryPolicy ?? 'noeviction',
    '--logfile', '',
  ];
  if (opts.clusterEnabled) args.push('--cluster-enabled', 'yes', '--cluster-config-file', path.join(opts.dir, 'nodes.conf'));
  const url = `redis://127.0.0.1:${opts.port}`;
  const handle = spawnService({ name: `redis:${opts.port}`, command: 'redis-server', args, logFile: opts.logFile, urls: { redis: url } });
  await Promise.race([
    waitForTcp(opts.port, 15_000),
    handle.exited.then((code) => {
      throw new Error(`redis-server exited with ${code} before listening on ${opts.port}`);
    }),
  ]);
  return handle;
}
