import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A local Redis Cluster of `masters` redis-server processes (no replicas), on loopback, stopped by PID. */
export interface LocalRedisCluster {
  /** REDIS_CLUSTER_NODES for the product: every master's redis:// URL. */
  nodesEnv: string;
  ports: number[];
  pids: number[];
  /** redis-cli against one node (e.g. CLUSTER KEYSLOT). */
  cli(port: number, ...args: string[]): Promise<string>;
  stop(): Promise<void>;
}

async function isFree(port: number): Promise<boolean> {
  const server = net.createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A port whose cluster bus port (+10000) is free too. */
async function clusterPort(taken: Set<number>): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const port = 20_000 + Math.floor(Math.random() * 30_000);
    if (taken.has(port) || taken.has(port + 10_000)) continue;
    if ((await isFree(port)) && (await isFree(port + 10_000))) return port;
  }
  throw new Error('no free port pair for a Redis Cluster node');
}

/**
 * Starts `masters` redis-server processes in cluster mode under `dir` (no persistence: the test's data is throwaway),
 * joins them with `redis-cli --cluster create --cluster-replicas 0 --cluster-yes`, and waits for cluster_state:ok on
 * every node.
 */
export async function startLocalRedisCluster(dir: string, masters = 3): Promise<LocalRedisCluster> {
  fs.mkdirSync(dir, { recursive: true });
  const taken = new Set<number>();
  const ports: number[] = [];
  for (let i = 0; i < masters; i++) {
    const p = await clusterPort(taken);
    taken.add(p);
    ports.push(p);
  }
  const children: ChildProcess[] = ports.map((port) =>
    spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`, '--cluster-node-timeout', '5000', '--save', '', '--appendonly', 'no', '--dir', dir, '--maxmemory-policy', 'noeviction', '--logfile', path.join(dir, `redis-${port}.log`)], { stdio: 'ignore' }),
  );
  const cli = async (port: number, ...args: string[]) => (await run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args])).stdout.trim();
  const stop = async () => {
    await Promise.all(
      children.map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null || c.signalCode !== null) return resolve();
            c.once('exit', () => resolve());
            process.kill(c.pid!, 'SIGTERM');
            setTimeout(() => c.exitCode === null && c.signalCode === null && process.kill(c.pid!, 'SIGKILL'), 5_000).unref();
          }),
      ),
    );
  };
  try {
    for (const port of ports) {
      const by = Date.now() + 10_000;
      while ((await cli(port, 'PING').catch(() => '')) !== 'PONG') {
        if (Date.now() > by) throw new Error(`redis-server on ${port} did not start`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    await run('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes']);
    const by = Date.now() + 20_000;
    for (const port of ports) {
      while (!(await cli(port, 'CLUSTER', 'INFO')).includes('cluster_state:ok')) {
        if (Date.now() > by) throw new Error(`cluster not ok on ${port}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { nodesEnv: ports.map((p) => `redis://127.0.0.1:${p}`).join(','), ports, pids: children.map((c) => c.pid!), cli, stop };
}
