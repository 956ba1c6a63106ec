import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { waitForTcp } from './freePort';
import { spawnService, type ServiceHandle } from './service';

/**
 * A redis-server that only speaks TLS and only to named ACL users: how production's Redis should look (docs/security.md),
 * run locally so the bot and workers are proved against it. Debian's redis 7 is built with TLS.
 */

/** PEM files for a private CA and a server certificate it signed (SAN 127.0.0.1 and localhost). */
export interface RedisTlsFiles {
  caCert: string;
  serverCert: string;
  serverKey: string;
}

/** An ACL user as redis.conf's `user` directive takes it (`rules` without the name, on/off or password). */
export interface RedisAclUser {
  name: string;
  password: string;
  rules: string;
}

export interface TlsRedisOptions {
  tlsPort: number;
  dir: string;
  files: RedisTlsFiles;
  users: RedisAclUser[];
  appendonly?: boolean;
  maxmemoryPolicy?: string;
  logFile?: string;
}

/**
 * The least the bot and workers need, as categories rather than a command list so a BullMQ upgrade whose Lua scripts
 * use one more data-type command keeps working (checked against BullMQ 6.7's scripts and INFO commandstats after the
 * bot's readiness, a job round trip and the store's writes, reads, audit, rotation and retention; see
 * tests/integration/security/redisTls.test.ts):
 * - keys only under our hash-tagged prefix; no Pub/Sub channels (BullMQ 6 uses streams);
 * - the data types we use, MULTI/EXEC, blocking pops for workers;
 * - Lua by EVAL/EVALSHA and SCRIPT LOAD/EXISTS only (BullMQ and the store's guarded writes), not SCRIPT FLUSH/KILL nor
 *   FUNCTION, which would reach other tenants' scripts;
 * - INFO (BullMQ reads the version and maxmemory-policy; our production checks read AOF and eviction), TIME (BullMQ's
 *   scripts), CLIENT SETNAME (connection names; CLIENT SETINFO is switched off in workers/connection.ts);
 * - nothing @dangerous or @admin: no KEYS, FLUSHALL, CONFIG, DEBUG, SHUTDOWN, MONITOR, ACL, MODULE, REPLICAOF, CLIENT
 *   LIST/KILL; and no SCAN/RANDOMKEY, which would list key names outside our prefix (ACL key patterns do not filter them).
 */
export function itbRedisAclRules(prefix = '{itb}'): string {
  return [
    'resetkeys', `~${prefix}*`,
    'resetchannels',
    '-@all',
    '+@string', '+@hash', '+@list', '+@set', '+@sortedset', '+@stream', '+@keyspace', '+@transaction', '+@blocking', '+@connection',
    '-@dangerous', '-@admin',
    '+eval', '+evalsha', '+eval_ro', '+evalsha_ro', '+script|load', '+script|exists',
    '+info', '+time', '+client|setname',
    '-scan', '-randomkey',
  ].join(' ');
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** Generates a throw-away CA and a server certificate for 127.0.0.1 with the openssl CLI, under `dir`. */
export function createRedisTlsFiles(dir: string): RedisTlsFiles {
  fs.mkdirSync(dir, { recursive: true });
  const f = (name: string) => path.join(dir, name);
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '2', '-subj', '/CN=ITB test Redis CA', '-keyout', f('ca.key'), '-out', f('ca.crt')], dir);
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-subj', '/CN=127.0.0.1', '-keyout', f('redis.key'), '-out', f('redis.csr')], dir);
  fs.writeFileSync(f('san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  openssl(['x509', '-req', '-in', f('redis.csr'), '-CA', f('ca.crt'), '-CAkey', f('ca.key'), '-CAcreateserial', '-days', '2', '-sha256', '-extfile', f('san.ext'), '-out', f('redis.crt')], dir);
  fs.chmodSync(f('redis.key'), 0o600);
  fs.chmodSync(f('ca.key'), 0o600);
  return { caCert: f('ca.crt'), serverCert: f('redis.crt'), serverKey: f('redis.key') };
}

/**
 * Starts redis-server with TLS only (`port 0` closes the plain port), on 127.0.0.1, the default user switched off and
 * `users` defined. Clients are not asked for certificates (tls-auth-clients no): they authenticate as ACL users, as on
 * Azure Cache for Redis. AOF on and noeviction by default, as production requires.
 */
export async function startTlsRedis(opts: TlsRedisOptions): Promise<ServiceHandle> {
  fs.mkdirSync(opts.dir, { recursive: true });
  const conf = [
    'port 0',
    `tls-port ${opts.tlsPort}`,
    'bind 127.0.0.1',
    'protected-mode yes',
    `tls-cert-file ${opts.files.serverCert}`,
    `tls-key-file ${opts.files.serverKey}`,
    `tls-ca-cert-file ${opts.files.caCert}`,
    'tls-auth-clients no',
    'tls-protocols "TLSv1.2 TLSv1.3"',
    `dir ${opts.dir}`,
    'daemonize no',
    'save ""',
    `appendonly ${opts.appendonly === false ? 'no' : 'yes'}`,
    'appendfsync everysec',
    `maxmemory-policy ${opts.maxmemoryPolicy ?? 'noeviction'}`,
    'logfile ""',
    'user default off resetkeys -@all',
    ...opts.users.map((u) => `user ${u.name} on >${u.password} ${u.rules}`),
  ];
  const confFile = path.join(opts.dir, 'redis-tls.conf');
  fs.writeFileSync(confFile, `${conf.join('\n')}\n`, { mode: 0o600 });
  const url = `rediss://127.0.0.1:${opts.tlsPort}`;
  const handle = spawnService({ name: `redis-tls:${opts.tlsPort}`, command: 'redis-server', args: [confFile], logFile: opts.logFile, urls: { redis: url } });
  await Promise.race([
    waitForTcp(opts.tlsPort, 15_000),
    handle.exited.then((code) => {
      throw new Error(`redis-server (TLS) exited with ${code} before listening on ${opts.tlsPort}`);
    }),
  ]);
  return handle;
}
