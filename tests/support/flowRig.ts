import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { loadConfig, type AppConfig } from '../../config';
import type { CallRef, RequestStatus, TransferRequest } from '../../domain';
import { LocalServiceDesk } from '../../integrations/servicedesk';
import type { DemoPatient } from '../../sandbox/demo';
import { startIepSimulator, type IepSimulator } from '../../sandbox/iep-simulator/iepSimulator';
import { SANDBOX_S_NUMBER_SYSTEM, startPasSandbox, type PasSandbox } from '../../sandbox/pas/pasSandbox';
import { RisListener } from '../../sandbox/ris/risListener';
import { createStore, type Store } from '../../store';
import { RedisOffsetClock, setSharedClock } from '../../workers/clock';
import { createRedisConnection } from '../../workers/connection';
import type { FlowJobData } from '../../workers/flowDeps';
import { createFlowQueue } from '../../workers/flowQueue';
import { FlowStateStore } from '../../workers/flowState';
import { createInboundQueue } from '../../workers/inboundQueue';
import { createNotifyQueue, type NotifyJobData } from '../../workers/notifyQueue';
import { createOutboundEmergencyQueue, createOutboundQueue } from '../../workers/outboundQueue';
import { createTimerQueue } from '../../workers/timerQueue';
import { control, testPatient, type TestPatient } from '../integration/iep/iepFixtures';
import { analyst, clinicianId, OPEN_WEDNESDAY, radiologistId } from '../integration/workers/support/flowHarness';
import { teamsActivity, postActivity } from './activities';
import { ConnectorStub } from './connectorStub';
import { freePort, startEntry, type EntryProcess } from './entryProcess';
import { gatewayOrthanc, remoteOrthanc, uhlOrthanc, uniquePrefix } from './services';

export const TENANT = '3b6c2a10-7d4e-4f0b-8c1a-9e2d5f6a7b80';
export const CHANNEL_ID = '19:itb-iep-requests@thread.tacv2';

/** How the rig and its processes reach Redis: REDIS_URL, or REDIS_CLUSTER_NODES for a Redis Cluster. */
export type RigRedisEnv = { REDIS_URL: string } | { REDIS_CLUSTER_NODES: string };

/**
 * The whole product as it is deployed, on one Redis (or Redis Cluster): `bots` bot processes (bot/main.ts) and
 * `workers` worker processes (workers/main.ts) started as child processes of the real entries, configured only through
 * their environment, against the real peers: the run's Orthancs (UHL PACS, remote trust, IEP gateway), the IEP
 * simulator on a manual clock, the RIS MLLP listener, the PAS stand-in and a connector stub as Teams. The test side
 * talks to Redis through the product's own connection factory and store.
 */
export class FlowRig {
  readonly bots: Array<EntryProcess & { url: string }> = [];
  readonly workers: EntryProcess[] = [];
  readonly config: AppConfig;
  readonly redis: Redis;
  readonly store: Store;
  readonly desk: LocalServiceDesk;
  readonly clock: RedisOffsetClock;
  readonly flowState: FlowStateStore;
  readonly queues: { flow: Queue<FlowJobData>; outbound: Queue<FlowJobData>; outboundEmergency: Queue<FlowJobData>; inbound: Queue<FlowJobData>; timers: Queue; notify: Queue<NotifyJobData> };
  private constructor(
    readonly prefix: string,
    readonly redisEnv: RigRedisEnv,
    readonly sim: IepSimulator,
    readonly ris: RisListener,
    readonly risPort: number,
    readonly pas: PasSandbox,
    readonly connector: ConnectorStub,
    readonly serviceUrl: string,
    readonly patients: TestPatient[],
    readonly dir: string,
  ) {
    this.config = loadConfig({ ITB_MODE: 'sandbox', LOG_LEVEL: 'silent', REDIS_PREFIX: prefix, ...redisEnv });
    this.redis = createRedisConnection(this.config, 'worker');
    this.store = createStore(this.redis, this.config);
    this.desk = new LocalServiceDesk(this.redis, { prefix });
    this.clock = new RedisOffsetClock(this.redis, prefix);
    this.flowState = new FlowStateStore(this.redis, prefix, this.store.requests.cipher);
    this.queues = {
      flow: createFlowQueue(this.redis, prefix),
      outbound: createOutboundQueue(this.redis, prefix),
      outboundEmergency: createOutboundEmergencyQueue(this.redis, prefix),
      inbound: createInboundQueue(this.redis, prefix),
      timers: createTimerQueue(this.redis, prefix) as unknown as Queue,
      notify: createNotifyQueue(this.redis, prefix),
    };
  }

  /** Starts the peers (not the processes): call startProcesses next. */
  static async start(label: string, redisEnv: RigRedisEnv, opts: { patients?: number; prefix?: string } = {}): Promise<FlowRig> {
    const patients = Array.from({ length: opts.patients ?? 12 }, () => testPatient());
    const sim = await startIepSimulator({
      archive: { orthancUrl: remoteOrthanc().restUrl },
      deliveryTargets: { UHLPACSWFM01: { aet: gatewayOrthanc().aet, host: '127.0.0.1', port: gatewayOrthanc().dicomPort } },
      exportSource: { aet: uhlOrthanc().aet, host: '127.0.0.1', port: uhlOrthanc().dicomPort },
      clock: { start: new Date('2026-03-11T09:00:00Z'), mode: 'manual' },
    });
    const ris = new RisListener();
    const risPort = await ris.start({ port: 0 });
    const pas = await startPasSandbox({ patients: patients.map(pasPatientOf) });
    const connector = new ConnectorStub();
    const serviceUrl = await connector.start();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `itb-rig-${label}-`));
    const rig = new FlowRig(opts.prefix ?? uniquePrefix(label), redisEnv, sim, ris, risPort, pas, connector, serviceUrl, patients, dir);
    // Service hours (guideline 2.9) on the clock every process shares.
    await setSharedClock(rig.redis, rig.prefix, OPEN_WEDNESDAY);
    await rig.clock.sync();
    return rig;
  }

  /** The environment of every child process: the only way they are configured, as in a deployment. */
  env(): Record<string, string> {
    return {
      ITB_MODE: 'sandbox',
      LOG_LEVEL: process.env.ITB_TEST_LOG ?? 'info',
      ...this.redisEnv,
      REDIS_PREFIX: this.prefix,
      PACS_DICOMWEB_URL: uhlOrthanc().dicomWebUrl,
      PACS_REST_URL: uhlOrthanc().restUrl,
      IEP_BASE_URL: this.sim.baseUrl,
      IEP_GATEWAY_DICOMWEB_URL: gatewayOrthanc().dicomWebUrl,
      IEP_GATEWAY_REST_URL: gatewayOrthanc().restUrl,
      RIS_MLLP_HOST: '127.0.0.1',
      RIS_MLLP_PORT: String(this.risPort),
      RIS_ACK_TIMEOUT_MS: '1500',
      RIS_MAX_ATTEMPTS: '2',
      PAS_FHIR_BASE_URL: this.pas.baseUrl,
      PAS_S_NUMBER_SYSTEM: SANDBOX_S_NUMBER_SYSTEM,
      ALLOWED_TENANT_ID: TENANT,
      SERVICE_DESK_CHANNEL_ID: CHANNEL_ID,
      APPROVER_AAD_OBJECT_IDS: analyst.aadObjectId,
      ONCALL_RADIOLOGIST_AAD_OBJECT_IDS: radiologistId,
      // The workflow tunables (#7), fast: the simulator's clock is moved by the test, so our own waits are the cost.
      ITB_WORK_DIR: path.join(this.dir, 'work'),
      ITB_IEP_POLL_MIN_MS: '100',
      ITB_IEP_POLL_MAX_MS: '300',
      ITB_IEP_THREAD_POLL_MS: '100',
      ITB_OUTBOUND_ADMISSION_BACKOFF_MS: '100',
      ITB_STEP_ATTEMPTS: '6',
      ITB_STEP_BACKOFF_MS: '300',
      ITB_WORKER_LOCK_MS: '5000',
      ITB_WORKER_STALLED_INTERVAL_MS: '2000',
    };
  }

  /** Starts the bot and worker processes (in parallel) and waits until each is ready. */
  async startProcesses(counts: { bots: number; workers: number }): Promise<void> {
    const env = this.env();
    const bots = Array.from({ length: counts.bots }, async (_, i) => {
      const port = await freePort();
      const url = `http://127.0.0.1:${port}`;
      const p = await startEntry(`bot-${i + 1}`, 'bot/main.ts', { ...env, BOT_PORT: String(port) }, path.join(this.dir, `bot-${i + 1}.log`), async () => (await fetch(`${url}/readyz`)).ok);
      this.bots.push(Object.assign(p, { url }));
    });
    const workers = Array.from({ length: counts.workers }, async (_, i) => {
      // debug: each worker logs "step done" per job, which shows how the work spread over the processes.
      const p = await startEntry(`workers-${i + 1}`, 'workers/main.ts', { ...env, LOG_LEVEL: process.env.ITB_TEST_LOG ?? 'debug' }, path.join(this.dir, `workers-${i + 1}.log`), (out) => out.includes('"workers started"'));
      this.workers.push(p);
    });
    const results = await Promise.allSettled([...bots, ...workers]);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    // The bots read the shared clock every 5 s (bot/conversationRoot.ts): let them see the test's Wednesday.
    await new Promise((r) => setTimeout(r, 5_500));
  }

  /** Stores a request and takes it through intake as the app does (as FlowHarness.submit). */
  async submit(request: TransferRequest): Promise<{ requestId: string; callRef: CallRef }> {
    const at = await this.clock.sync();
    const requester = request.kind === 'trauma' ? radiologistId : clinicianId;
    const { id } = await this.store.requests.create({ request, requester, actor: { type: 'user', aadObjectId: requester, role: request.kind === 'trauma' ? 'radiologist' : 'requester' }, at });
    const { callRef } = await this.desk.logRequest({ requestId: id, kind: request.kind, priority: request.kind === 'trauma' ? 'clinicalEmergency' : 'priority' in request && request.priority === 'blueLight' ? 'blueLight' : 'standard', summary: `test ${request.kind}` });
    const intake = { type: 'system', component: 'intake' } as const;
    await this.store.requests.transition(id, 'logged', { actor: intake, at, reason: 'logged with the service desk', callRef: callRef as CallRef });
    await this.store.requests.transition(id, 'awaitingApproval', { actor: intake, at, reason: 'waiting for a service-desk analyst' });
    return { requestId: id, callRef: callRef as CallRef };
  }

  /** The analyst clicks Approve on the channel card, through bot process `botIndex` (as a load balancer would pick). */
  async approveVia(botIndex: number, requestId: string, callRef: CallRef): Promise<void> {
    const bot = this.bots[botIndex % this.bots.length]!;
    const activity = teamsActivity('channel-submit-approve', {
      id: `1773${Math.floor(Math.random() * 1e9)}`,
      from: { id: `29:${analyst.aadObjectId}`, name: analyst.displayName, aadObjectId: analyst.aadObjectId },
      value: { verb: 'approve', requestId, callRef },
      replyToId: `card-${requestId}`,
      serviceUrl: this.serviceUrl,
    });
    const res = await postActivity(bot.url, activity);
    if (!res.ok) throw new Error(`${bot.name} answered ${res.status} to an approval`);
    const status = await this.status(requestId);
    if (status === 'awaitingApproval') throw new Error(`approval through ${bot.name} did not take: ${requestId} is still ${status}`);
  }

  /**
   * The on-call radiologist sends a trauma transfer of `uids` for `p` through bot process `botIndex` (Appendix 4 step 2:
   * no approval). Returns the stored request's id, found by requester as the bot's "my requests" does.
   */
  async traumaVia(botIndex: number, p: TestPatient, uids: string[]): Promise<{ requestId: string; callRef: CallRef }> {
    const bot = this.bots[botIndex % this.bots.length]!;
    const before = new Set((await this.store.requests.listByRequester(radiologistId, { limit: 100 })).map((s) => s.id));
    const base = teamsActivity('personal-submit-import');
    const activity = {
      ...base,
      id: `1774${Math.floor(Math.random() * 1e9)}`,
      from: { id: `29:${radiologistId}`, name: 'Test Radiologist', aadObjectId: radiologistId },
      conversation: { ...(base.conversation as object), id: `a:personal-${radiologistId}` },
      value: {
        verb: 'submitTrauma',
        sNumber: p.sNumber,
        nhsNumber: p.nhsNumber,
        familyName: p.familyName,
        givenName: p.givenName,
        birthDate: p.birthDate,
        destination: 'nuh',
        studyInstanceUids: uids.join(','),
        attachReport: 'false',
        edTraumaConfirmed: 'true',
      },
      replyToId: `trauma-card-${p.sNumber}`,
      serviceUrl: this.serviceUrl,
    };
    const res = await postActivity(bot.url, activity);
    if (!res.ok) throw new Error(`${bot.name} answered ${res.status} to a trauma submission`);
    const mine = (await this.store.requests.listByRequester(radiologistId, { limit: 100 })).filter((s) => !before.has(s.id));
    if (mine.length !== 1) throw new Error(`expected one new trauma request through ${bot.name}, found ${mine.length}: ${JSON.stringify(this.connector.received.slice(-2).map((r) => r.body)).slice(0, 1500)}`);
    return { requestId: mine[0]!.id, callRef: mine[0]!.callRef as CallRef };
  }

  async status(requestId: string): Promise<RequestStatus | undefined> {
    return (await this.store.requests.getSummary(requestId))?.status;
  }

  /**
   * Waits until every request in `ids` is in one of `final`, moving the simulator's clock by `simStepMs` between looks.
   * Fails with each unfinished request's history.
   */
  async waitAll(ids: string[], final: RequestStatus[], opts: { simStepMs: number; timeoutMs: number }): Promise<void> {
    const deadline = Date.now() + opts.timeoutMs;
    for (;;) {
      const statuses = await Promise.all(ids.map((id) => this.status(id)));
      if (statuses.every((s) => s && final.includes(s))) return;
      if (Date.now() > deadline) {
        const open = ids.filter((_, i) => !final.includes(statuses[i]!));
        const histories = await Promise.all(open.map(async (id) => `${id}: ${(await this.store.requests.get(id))?.history.map((t) => `${t.to} (${t.why})`).join(' -> ')}`));
        throw new Error(`${open.length} of ${ids.length} not finished:\n${histories.join('\n')}`);
      }
      await control(this.sim.controlUrl, '/clock', { advanceMs: opts.simStepMs });
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Flow steps each worker process finished (from its "step done" log lines), by process name. */
  stepsDoneByWorker(): Record<string, number> {
    return Object.fromEntries(this.workers.map((w) => [w.name, w.output().split('\n').filter((l) => l.includes('"step done"')).length]));
  }

  /** Card actions each bot process handled (its "card action" log lines), by process name. */
  cardActionsByBot(): Record<string, number> {
    return Object.fromEntries(this.bots.map((b) => [b.name, b.output().split('\n').filter((l) => l.includes('"card action"')).length]));
  }

  /** Every notify job so far (what the bots render and send). */
  async notices(): Promise<NotifyJobData[]> {
    return (await this.queues.notify.getJobs(['waiting', 'prioritized', 'active', 'completed', 'failed', 'delayed'])).map((j) => j.data);
  }

  /** Stops every process by PID, then the peers; removes this rig's keys and folder. */
  async close(): Promise<void> {
    await Promise.all([...this.bots, ...this.workers].map((p) => p.stop()));
    await Promise.all(Object.values(this.queues).map((q) => q.close()));
    await this.sim.close();
    await this.ris.stop();
    await this.pas.close();
    await this.connector.stop();
    for (const node of nodesOf(this.redis)) {
      let cursor = '0';
      do {
        const [next, keys] = await node.scan(cursor, 'MATCH', `${this.prefix}*`, 'COUNT', 1000);
        cursor = next;
        // One key at a time through the (cluster-aware) connection: no cross-slot DEL even for a prefix without a tag.
        for (const key of keys) await this.redis.del(key);
      } while (cursor !== '0');
    }
    this.redis.disconnect();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Where to SCAN: every master of a cluster (SCAN is per node), or the connection itself. */
function nodesOf(redis: Redis): Redis[] {
  const cluster = redis as unknown as { isCluster?: boolean; nodes?: (role: 'master') => Redis[] };
  return cluster.isCluster && cluster.nodes ? cluster.nodes('master') : [redis];
}

function pasPatientOf(p: TestPatient, i: number): DemoPatient {
  return {
    key: `rig-${i}`,
    pasId: `pas-rig-${p.sNumber}`,
    sNumber: p.sNumber,
    nhsNumber: p.nhsNumber,
    familyName: p.familyName,
    givenNames: [p.givenName],
    gender: 'other',
    birthDate: p.birthDate,
    address: { lines: ['1 Synthetic Street'], city: 'Leicester', postalCode: 'LE1 9ZZ' },
    registeredOnPas: true,
    purpose: 'scale-out test',
  };
}
