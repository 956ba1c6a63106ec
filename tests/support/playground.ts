import fs from 'node:fs';
import path from 'node:path';
import { freePort, waitForTcp } from '../../sandbox/processes/freePort';
import { spawnService, type ServiceHandle } from '../../sandbox/processes/service';
import { playgroundConfigFor } from '../../sandbox/playground/roles';
import { renderPlaygroundYaml } from '../../sandbox/playground/playgroundConfig';

const ROOT = path.resolve(__dirname, '..', '..');

export interface RunningPlayground {
  url: string;
  handle: ServiceHandle;
  stop(): Promise<void>;
}

/**
 * Starts one Agents Playground for a demo user (its own folder and port), pointed at `botMessagesUrl`, loopback-only,
 * with the telemetry that would call the Azure metadata address switched off.
 */
export async function startPlayground(userKey: string, botMessagesUrl: string, workDir: string): Promise<RunningPlayground> {
  const port = await freePort();
  const dir = path.join(workDir, `playground-${userKey}-${port}`);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, '.m365agentsplayground.yml'), renderPlaygroundYaml(playgroundConfigFor(userKey)));
  const handle = spawnService({
    name: `playground:${userKey}`,
    command: process.execPath,
    args: [
      '-r', path.join(ROOT, 'sandbox', 'playground', 'loopbackOnly.js'),
      path.join(ROOT, 'node_modules', '@microsoft', 'm365agentsplayground', 'cli.js'),
      '-e', botMessagesUrl, '-c', 'msteams', '-p', String(port), '--disable-telemetry',
    ],
    env: { APPLICATION_INSIGHTS_NO_STATSBEAT: '1', TEAMSAPPTESTER_BROWSER: 'none' },
    cwd: dir,
    logFile: path.join(dir, 'playground.log'),
  });
  await Promise.race([
    waitForTcp(port, 30_000),
    handle.exited.then((c) => Promise.reject(new Error(`playground for ${userKey} exited (${c}); see ${dir}/devTools`))),
  ]);
  return { url: `http://127.0.0.1:${port}`, handle, stop: () => handle.stop() };
}
