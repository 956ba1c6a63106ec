import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../sandbox/processes/freePort';
import { startRedis } from '../../sandbox/processes/redis';
import type { ServiceHandle } from '../../sandbox/processes/service';

/**
 * A redis-server of the chaos test's own (never script/test's shared one, which other suites use), on a free loopback
 * port, AOF on as production requires (config/productionChecks.ts refuses AOF off; sandbox/processes/redis.ts uses
 * appendfsync everysec: every write reaches the kernel before Redis answers, so killing the PROCESS loses nothing;
 * only a host crash could lose the last second). The test kills it with SIGKILL, stops it, and starts it again on the
 * same port from the same AOF, by PID only.
 */
export class ChaosRedis {
  private handle?: ServiceHandle;
  kills = 0;
  private constructor(readonly port: number, readonly dir: string) {}

  static async start(label: string): Promise<ChaosRedis> {
    const r = new ChaosRedis(await freePort(), fs.mkdtempSync(path.join(os.tmpdir(), `itb-chaos-${label}-`)));
    await r.up();
    return r;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.handle?.pid;
  }

  /** Starts (again) from the AOF in `dir`. */
  async up(): Promise<void> {
    this.handle = await startRedis({ port: this.port, dir: this.dir, logFile: path.join(this.dir, 'redis.log') });
  }

  /** kill -9 by PID: no shutdown, no final fsync. */
  async kill9(): Promise<void> {
    const h = this.handle;
    if (!h) return;
    this.handle = undefined;
    process.kill(h.pid, 'SIGKILL');
    await h.exited;
    this.kills++;
  }

  /** A clean stop (SIGTERM, by PID). */
  async down(): Promise<void> {
    const h = this.handle;
    this.handle = undefined;
    await h?.stop();
  }

  /** Stops it and removes its data. */
  async close(): Promise<void> {
    await this.down();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
