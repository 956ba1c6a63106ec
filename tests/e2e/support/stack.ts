import fs from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import type { Browser } from 'playwright-core';
import { startBot, type RunningBot } from '../../../bot/app';
import type { AppConfig } from '../../../config';
import { DEMO_TENANT_ID, demoUser } from '../../../sandbox/demo';
import { startIepSimulator, type IepSimulator } from '../../../sandbox/iep-simulator/iepSimulator';
import { SANDBOX_S_NUMBER_SYSTEM, startPasSandbox, type PasSandbox } from '../../../sandbox/pas/pasSandbox';
import { SANDBOX_TEAM } from '../../../sandbox/playground/roles';
import { startRisControlApi, type RisControlApi } from '../../../sandbox/ris/controlApi';
import { RisListener } from '../../../sandbox/ris/risListener';
import { seedSandboxOrthancs } from '../../../sandbox/seed/seedOrthanc';
import { RedisOffsetClock, setSharedClock } from '../../../workers/clock';
import { promoteDueTimers } from '../../../workers/dueTimers';
import { initWorkers, type RunningWorkers } from '../../../workers/lifecycle';
import { launchChromium } from '../../support/browser';
import { testConfig } from '../../support/config';
import { capturingLogger } from '../../support/logCapture';
import { startPlayground, type RunningPlayground } from '../../support/playground';
import { gatewayOrthanc, remoteOrthanc, testVarDir, uhlOrthanc, uniquePrefix } from '../../support/services';

/** The demo users a journey can open Teams as (each gets its own Agents Playground, as script/server does). */
export type TeamsUser = 'clinician' | 'secondClinician' | 'analyst' | 'radiologist' | 'nonApprover';

/**
 * How fast the workers follow IEP in a journey. Production waits 30 s to 10 min between looks (workers/flowDeps.ts
 * DEFAULT_FLOW_OPTIONS) and has no environment variable for it yet, so the stack passes these through initWorkers'
 * options - the same composition workers/main.ts runs, only the waits shortened. Everything else comes from config.
 */
export const E2E_FLOW_OPTIONS = {
  iepPollMinMs: 250,
  iepPollMaxMs: 1_000,
  threadPollMs: 250,
  stepBackoffMs: 500,
  lockDurationMs: 10_000,
  stalledIntervalMs: 5_000,
};

/**
 * The IEP simulator's clock runs in real time at this speed: its default schedule (10 min acknowledge, 20 min upload,
 * 5 min download; guideline-plausible) then passes in a few seconds of ours.
 */
export const IEP_SIM_SPEED = 600;

export interface E2eStack {
  journey: string;
  prefix: string;
  config: AppConfig;
  /** The journey's own Redis connection (clock, assertions, canary scan). */
  redis: Redis;
  bot: RunningBot;
  workers: RunningWorkers;
  sim: IepSimulator;
  ris: { listener: RisListener; mllpPort: number; controlUrl: string };
  pas: PasSandbox;
  /** The remote trust's Orthanc: the source of imports, the IEP node, and "NUH Radiology PACS" for exports. */
  remoteOrthancUrl: string;
  playgrounds: Partial<Record<TeamsUser, RunningPlayground>>;
  browser: Browser;
  /** Everything the bot and the workers logged (pino JSON lines), for the patient-data canary. */
  logs(): string;
  /** Where this journey's screenshots go: tests/artifacts/e2e/<journey>. */
  artifacts: string;
  /**
   * Sets the shared clock (bot and workers read one Redis offset), promotes delayed jobs now due, and waits until the
   * bot has re-read it (it does every 5 s).
   */
  setClock(at: Date): Promise<void>;
  stop(): Promise<void>;
}

export interface StackOptions {
  /** Which Teams users get a Playground. */
  users: TeamsUser[];
  /** Set the shared clock before anything starts (the bot reads it at start-up too). */
  clock?: Date;
  /** Simulator schedule overrides (sandbox/iep-simulator/schedule.ts). */
  simSpeed?: number;
}

const BOT_CLOCK_RESYNC_MS = 5_000;

/**
 * Starts the whole product for one journey file on free ports: the IEP simulator, the RIS MLLP listener (with its
 * control API), the PAS stand-in, the bot (startBot) and the workers (initWorkers, as workers/main.ts) on the Redis and
 * Orthancs script/test runs, under a Redis prefix of the journey's own; seeds the demo studies into the remote trust's
 * and UHL's Orthancs (idempotent, as script/server); one Agents Playground per Teams user; and Chromium.
 * stop() closes everything it started, in reverse, by close() or PID.
 */
export async function startStack(journey: string, opts: StackOptions): Promise<E2eStack> {
  const stoppers: Array<() => Promise<unknown>> = [];
  const stop = async () => {
    for (const s of stoppers.splice(0).reverse()) await s().catch((err: Error) => console.error(`e2e stack ${journey}: stop failed: ${err.message}`));
  };
  try {
    const prefix = uniquePrefix(`e2e-${journey}`);
    const workDir = path.join(testVarDir(), 'e2e', journey);
    fs.mkdirSync(workDir, { recursive: true });
    const artifacts = path.resolve(__dirname, '..', '..', 'artifacts', 'e2e', journey);
    fs.rmSync(artifacts, { recursive: true, force: true });
    fs.mkdirSync(artifacts, { recursive: true });

    const redis = new Redis(process.env.ITB_TEST_REDIS_URL ?? '', { maxRetriesPerRequest: null });
    stoppers.push(() => redis.quit());
    if (opts.clock) await setSharedClock(redis, prefix, opts.clock);

    const uhl = uhlOrthanc();
    const remote = remoteOrthanc();
    const gateway = gatewayOrthanc();
    await seedSandboxOrthancs({ remote: remote.restUrl, uhl: uhl.restUrl }, path.join(workDir, 'seed'));

    const sim = await startIepSimulator({
      archive: { orthancUrl: remote.restUrl },
      deliveryTargets: {
        UHLPACSWFM01: { aet: gateway.aet, host: '127.0.0.1', port: gateway.dicomPort },
        'NUH Radiology PACS': { aet: remote.aet, host: '127.0.0.1', port: remote.dicomPort },
      },
      exportSource: { aet: uhl.aet, host: '127.0.0.1', port: uhl.dicomPort },
      clock: { mode: 'realtime', speed: opts.simSpeed ?? IEP_SIM_SPEED, tickMs: 100 },
    });
    stoppers.push(() => sim.close());

    const listener = new RisListener();
    const mllpPort = await listener.start({ port: 0 });
    stoppers.push(() => listener.stop());
    const risApi: RisControlApi = await startRisControlApi(listener, { port: 0 });
    stoppers.push(() => risApi.close());

    const pas = await startPasSandbox();
    stoppers.push(() => pas.close());

    const config = testConfig({
      LOG_LEVEL: process.env.ITB_E2E_LOG_LEVEL ?? 'debug',
      REDIS_PREFIX: prefix,
      ALLOWED_TENANT_ID: DEMO_TENANT_ID,
      PACS_DICOMWEB_URL: uhl.dicomWebUrl,
      PACS_REST_URL: uhl.restUrl,
      PACS_DIMSE_PORT: String(uhl.dicomPort),
      PACS_DIMSE_AET: uhl.aet,
      IEP_BASE_URL: sim.baseUrl,
      IEP_AUTH: 'none',
      IEP_GATEWAY_DICOMWEB_URL: gateway.dicomWebUrl,
      IEP_GATEWAY_REST_URL: gateway.restUrl,
      RIS_MLLP_HOST: '127.0.0.1',
      RIS_MLLP_PORT: String(mllpPort),
      RIS_ACK_TIMEOUT_MS: '5000',
      PAS_FHIR_BASE_URL: pas.baseUrl,
      PAS_S_NUMBER_SYSTEM: SANDBOX_S_NUMBER_SYSTEM,
      SERVICEDESK_MODE: 'local',
      // Approvers by the explicit list only. The Playground's team lists every demo user, so with SERVICE_DESK_TEAM_ID
      // set to it (as script/server does) the "nonApprover" demo user would be an approver through team membership.
      APPROVER_AAD_OBJECT_IDS: demoUser('analyst').aadObjectId,
      SERVICE_DESK_CHANNEL_ID: SANDBOX_TEAM.channels[0]!.id,
      ONCALL_RADIOLOGIST_AAD_OBJECT_IDS: demoUser('radiologist').aadObjectId,
      ITB_WORK_DIR: path.join(workDir, 'work'),
    });

    const botLog = capturingLogger(config.logLevel);
    const workerLog = capturingLogger(config.logLevel);
    const bot = await startBot(config, botLog.logger, { port: 0 });
    stoppers.push(() => bot.close());
    const workers = initWorkers(config, workerLog.logger, { options: { ...E2E_FLOW_OPTIONS, workDir: path.join(workDir, 'work') } });
    stoppers.push(() => workers.close());
    await workers.ready;

    const playgrounds: Partial<Record<TeamsUser, RunningPlayground>> = {};
    // One at a time: each is a Node process that compiles its web app on start, and the box has two cores.
    for (const user of opts.users) {
      const pg = await startPlayground(user, `${bot.url}/api/messages`, path.join(workDir, 'playgrounds'));
      stoppers.push(() => pg.stop());
      playgrounds[user] = pg;
    }
    const browser = await launchChromium();
    stoppers.push(() => browser.close());

    const clock = new RedisOffsetClock(redis, prefix);
    return {
      journey,
      prefix,
      config,
      redis,
      bot,
      workers,
      sim,
      ris: { listener, mllpPort, controlUrl: `http://127.0.0.1:${risApi.port}` },
      pas,
      remoteOrthancUrl: remote.restUrl,
      playgrounds,
      browser,
      logs: () => botLog.output() + workerLog.output(),
      artifacts,
      async setClock(at: Date) {
        await setSharedClock(redis, prefix, at);
        await clock.sync();
        const q = workers.deps!.queues;
        await promoteDueTimers(redis, prefix, [q.flow, q.outbound, q.outboundEmergency!, q.inbound, q.timers], clock);
        // The bot re-reads the offset every 5 s; give it one full period and a little more.
        await new Promise((r) => setTimeout(r, BOT_CLOCK_RESYNC_MS + 500));
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
