import fs from 'node:fs';
import path from 'node:path';
import { DEMO_TENANT_ID, demoUser } from '../../sandbox/demo';
import { startRedis } from '../../sandbox/processes/redis';
import { startOrthanc } from '../../sandbox/processes/orthanc';
import { spawnService, type ServiceHandle } from '../../sandbox/processes/service';
import { waitForTcp } from '../../sandbox/processes/freePort';
import { PLAYGROUND_ROLES, SANDBOX_TEAM, playgroundConfigFor } from '../../sandbox/playground/roles';
import { renderPlaygroundYaml } from '../../sandbox/playground/playgroundConfig';
import { SANDBOX_S_NUMBER_SYSTEM, SANDBOX_ACCESSION_SYSTEM } from '../../sandbox/pas/pasSandbox';
import { seedSandboxOrthancs } from '../../sandbox/seed/seedOrthanc';

/** Fixed loopback ports for the sandbox, so the URLs a person bookmarks stay the same between runs. */
export const SANDBOX_PORTS = {
  redis: 6390,
  bot: 3978,
  uhlHttp: 8042,
  uhlDicom: 4242,
  remoteHttp: 8043,
  remoteDicom: 4243,
  gatewayHttp: 8044,
  gatewayDicom: 4244,
  iep: 8045,
  risMllp: 2575,
  risControl: 2576,
  pas: 8090,
  /** The worker process's GET /metrics and /healthz (workers/metricsServer.ts). */
  workerMetrics: 9464,
} as const;

export interface SandboxStack {
  handles: ServiceHandle[];
  stop(): Promise<void>;
}

/** Environment for the bot and worker processes: the sandbox's own endpoints (production points these elsewhere). */
export function sandboxEnv(): Record<string, string> {
  return {
    ITB_MODE: 'sandbox',
    BOT_HOST: '127.0.0.1',
    BOT_PORT: String(SANDBOX_PORTS.bot),
    ALLOWED_TENANT_ID: DEMO_TENANT_ID,
    REDIS_URL: `redis://127.0.0.1:${SANDBOX_PORTS.redis}`,
    PACS_DICOMWEB_URL: `http://127.0.0.1:${SANDBOX_PORTS.uhlHttp}/dicom-web`,
    PACS_REST_URL: `http://127.0.0.1:${SANDBOX_PORTS.uhlHttp}`,
    PACS_DIMSE_PORT: String(SANDBOX_PORTS.uhlDicom),
    // The simulator serves the IEP contract under /api/v1 (its control API under /control).
    IEP_BASE_URL: `http://127.0.0.1:${SANDBOX_PORTS.iep}/api/v1`,
    IEP_AUTH: 'none',
    IEP_GATEWAY_DICOMWEB_URL: `http://127.0.0.1:${SANDBOX_PORTS.gatewayHttp}/dicom-web`,
    IEP_GATEWAY_REST_URL: `http://127.0.0.1:${SANDBOX_PORTS.gatewayHttp}`,
    RIS_MLLP_HOST: '127.0.0.1',
    RIS_MLLP_PORT: String(SANDBOX_PORTS.risMllp),
    PAS_FHIR_BASE_URL: `http://127.0.0.1:${SANDBOX_PORTS.pas}/fhir`,
    PAS_S_NUMBER_SYSTEM: SANDBOX_S_NUMBER_SYSTEM,
    // The same stand-in plays the trust's FHIR facade over CRIS (reports for trauma transfers, Appendix 4 step 13).
    REPORTS_FHIR_BASE_URL: `http://127.0.0.1:${SANDBOX_PORTS.pas}/fhir`,
    REPORTS_ACCESSION_SYSTEM: SANDBOX_ACCESSION_SYSTEM,
    SERVICEDESK_MODE: 'local',
    APPROVER_AAD_OBJECT_IDS: demoUser('analyst').aadObjectId,
    // Approvers by the explicit list only: every demo user is in the sandbox team (the Playground lists them all), so
    // "members of the service-desk team" would make the non-approver an approver too.
    SERVICE_DESK_CHANNEL_ID: SANDBOX_TEAM.channels[0]!.id,
    ONCALL_RADIOLOGIST_AAD_OBJECT_IDS: demoUser('radiologist').aadObjectId,
    ITB_WORKER_METRICS_PORT: String(SANDBOX_PORTS.workerMetrics),
  };
}

/**
 * Starts every part of the sandbox in order and returns handles to stop them in reverse. Each `onStarted` call
 * lets the caller record PIDs as they appear, so a crash half-way leaves nothing it cannot find again.
 */
export async function startSandboxStack(root: string, varDir: string, onStarted: (h: ServiceHandle) => void): Promise<SandboxStack> {
  const handles: ServiceHandle[] = [];
  const track = (h: ServiceHandle) => {
    handles.push(h);
    onStarted(h);
    return h;
  };
  const stop = async () => {
    for (const h of handles.splice(0).reverse()) await h.stop();
  };
  const logs = path.join(varDir, 'logs');
  fs.mkdirSync(logs, { recursive: true });
  try {
    track(await startRedis({ port: SANDBOX_PORTS.redis, dir: path.join(varDir, 'redis'), logFile: path.join(logs, 'redis.log') }));
    const [uhl, remote, gateway] = await Promise.all([
      startOrthanc({
        name: 'UHL PACS', aet: 'UHLPACS', httpPort: SANDBOX_PORTS.uhlHttp, dicomPort: SANDBOX_PORTS.uhlDicom, dir: path.join(varDir, 'orthanc-uhl'),
        logFile: path.join(logs, 'orthanc-uhl.log'), modalities: { remote: ['REMOTE', '127.0.0.1', SANDBOX_PORTS.remoteDicom] },
      }),
      startOrthanc({
        name: 'remote trust', aet: 'REMOTE', httpPort: SANDBOX_PORTS.remoteHttp, dicomPort: SANDBOX_PORTS.remoteDicom, dir: path.join(varDir, 'orthanc-remote'),
        logFile: path.join(logs, 'orthanc-remote.log'), modalities: { uhl: ['UHLPACS', '127.0.0.1', SANDBOX_PORTS.uhlDicom] },
      }),
      // Where IEP delivers our downloads (guideline 2.3e: "MBP downloads images from the IEP gateway").
      startOrthanc({
        name: 'IEP gateway', aet: 'IEPGW', httpPort: SANDBOX_PORTS.gatewayHttp, dicomPort: SANDBOX_PORTS.gatewayDicom, dir: path.join(varDir, 'orthanc-gateway'),
        logFile: path.join(logs, 'orthanc-gateway.log'),
      }),
    ]);
    track(uhl!);
    track(remote!);
    track(gateway!);
    const seeded = await seedSandboxOrthancs({ remote: remote!.restUrl, uhl: uhl!.restUrl }, path.join(varDir, 'seed-work'));
    console.log(`script/server: demo studies seeded (${seeded} new instances; existing ones kept)`);
    // Stand-ins the product reaches over the wire only: CRIS (MLLP) and PAS (FHIR).
    const node = (name: string, script: string, args: string[], urls: Record<string, string>) =>
      track(spawnService({ name, command: process.execPath, args: [path.join(root, 'dist', ...script.split('/')), ...args], cwd: root, logFile: path.join(logs, `${name}.log`), urls }));
    const ris = node('ris', 'sandbox/ris/main.js', ['--port', String(SANDBOX_PORTS.risMllp), '--http-port', String(SANDBOX_PORTS.risControl)], {
      'RIS (MLLP)': `mllp://127.0.0.1:${SANDBOX_PORTS.risMllp}`,
      'RIS messages': `http://127.0.0.1:${SANDBOX_PORTS.risControl}/messages`,
    });
    const iep = node(
      'iep',
      'sandbox/iep-simulator/main.js',
      [
        '--port', String(SANDBOX_PORTS.iep), '--orthanc', remote!.restUrl,
        '--deliver', `UHLPACSWFM01=IEPGW@127.0.0.1:${SANDBOX_PORTS.gatewayDicom}`,
        '--deliver', `NUH Radiology PACS=REMOTE@127.0.0.1:${SANDBOX_PORTS.remoteDicom}`,
        '--export-source', `UHLPACS@127.0.0.1:${SANDBOX_PORTS.uhlDicom}`,
        // One simulated minute per second, so a demo import moves through its IEP statuses in about half a minute.
        '--clock', 'realtime', '--speed', '60',
      ],
      { 'IEP simulator': `http://127.0.0.1:${SANDBOX_PORTS.iep}` },
    );
    const pas = node('pas', 'sandbox/pas/main.js', ['--port', String(SANDBOX_PORTS.pas)], { 'PAS (FHIR)': `http://127.0.0.1:${SANDBOX_PORTS.pas}/fhir` });
    for (const [h, p] of [[ris, SANDBOX_PORTS.risControl], [pas, SANDBOX_PORTS.pas], [iep, SANDBOX_PORTS.iep]] as const) {
      await Promise.race([waitForTcp(p, 20_000), h.exited.then((c) => Promise.reject(new Error(`${h.name} exited (${c}); see ${logs}/${h.name}.log`)))]);
    }
    const env = sandboxEnv();
    const bot = track(
      spawnService({
        name: 'bot', command: process.execPath, args: [path.join(root, 'dist', 'bot', 'main.js')], env, cwd: root,
        logFile: path.join(logs, 'bot.log'), urls: { bot: `http://127.0.0.1:${SANDBOX_PORTS.bot}/api/messages`, readyz: `http://127.0.0.1:${SANDBOX_PORTS.bot}/readyz` },
      }),
    );
    await Promise.race([waitForTcp(SANDBOX_PORTS.bot, 30_000), bot.exited.then((c) => Promise.reject(new Error(`bot exited (${c}); see ${logs}/bot.log`)))]);
    track(spawnService({ name: 'workers', command: process.execPath, args: [path.join(root, 'dist', 'workers', 'main.js')], env, cwd: root, logFile: path.join(logs, 'workers.log') }));
    for (const r of PLAYGROUND_ROLES) {
      const dir = path.join(varDir, 'playground', r.role);
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, '.m365agentsplayground.yml'), renderPlaygroundYaml(playgroundConfigFor(r.userKey)));
      const h = track(
        spawnService({
          name: `playground:${r.role}`,
          command: process.execPath,
          args: [
            '-r', path.join(root, 'sandbox', 'playground', 'loopbackOnly.js'),
            path.join(root, 'node_modules', '@microsoft', 'm365agentsplayground', 'cli.js'),
            '-e', `http://127.0.0.1:${SANDBOX_PORTS.bot}/api/messages`, '-c', 'msteams', '-p', String(r.port), '--disable-telemetry',
          ],
          // Without APPLICATION_INSIGHTS_NO_STATSBEAT it calls the Azure metadata address even with telemetry off.
          env: { APPLICATION_INSIGHTS_NO_STATSBEAT: '1', TEAMSAPPTESTER_BROWSER: 'none' },
          cwd: dir,
          logFile: path.join(logs, `playground-${r.role}.log`),
          urls: { [`Teams (${r.role})`]: `http://127.0.0.1:${r.port}` },
        }),
      );
      await Promise.race([waitForTcp(r.port, 30_000), h.exited.then((c) => Promise.reject(new Error(`playground ${r.role} exited (${c})`)))]);
    }
    return { handles, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
