import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { approve, StaticInstitutionDirectory, type AppDeps } from '../../../../app';
import type { AppActor } from '../../../../app/appActor';
import type { AppConfig } from '../../../../config';
import { createLogger } from '../../../../config/logger';
import {
  ServiceCalendar,
  toLocalDate,
  TRAUMA_DESTINATIONS,
  type CallRef,
  type CdImportRequest,
  type ExportRequest,
  type ImportRequest,
  type NhsNumber,
  type Priority,
  type RequestStatus,
  type TraumaRequest,
  type TransferRequest,
} from '../../../../domain';
import { FhirPasClient } from '../../../../integrations/pas';
import { LocalServiceDesk } from '../../../../integrations/servicedesk';
import type { DemoPatient } from '../../../../sandbox/demo';
import { startIepSimulator, type IepSimulator } from '../../../../sandbox/iep-simulator/iepSimulator';
import { startPasSandbox, SANDBOX_S_NUMBER_SYSTEM, type PasSandbox } from '../../../../sandbox/pas/pasSandbox';
import { RisListener } from '../../../../sandbox/ris/risListener';
import { createStore, type Store } from '../../../../store';
import { RedisOffsetClock, setSharedClock } from '../../../../workers/clock';
import { initWorkers, type RunningWorkers, type WorkerOverrides } from '../../../../workers/lifecycle';
import type { NotifyJobData } from '../../../../workers/notifyQueue';
import { testConfig } from '../../../support/config';
import { gatewayOrthanc, remoteOrthanc, testRedisUrl, uhlOrthanc, uniquePrefix } from '../../../support/services';
import { flowOverrides, type FlowPeers } from './flowPorts';
import { control, testPatient, type TestPatient } from '../../iep/iepFixtures';

/** A Wednesday, 10:00 London (GMT): the service is open (guideline 2.9). */
export const OPEN_WEDNESDAY = new Date('2026-03-11T10:00:00Z');

export const analyst: AppActor = { aadObjectId: '7e0c1a2b-0000-4000-8000-00000000a001', roles: ['requester', 'analyst'], displayName: 'Test Analyst' };
export const clinicianId = '7e0c1a2b-0000-4000-8000-00000000c001';
export const radiologistId = '7e0c1a2b-0000-4000-8000-00000000r001';

const MIN = 60_000;

/**
 * Everything the flows talk to, for real: the run's Redis and three Orthancs (UHL PACS, the remote trusts' archive
 * and IEP node, the IEP gateway), the IEP simulator on a manual clock, the RIS MLLP listener and the PAS stand-in on
 * free loopback ports. Workers run in this process (startWorkers) or in child processes (workerProcess.ts).
 */
export class FlowHarness {
  readonly prefix: string;
  readonly redis: Redis;
  readonly store: Store;
  readonly clock: RedisOffsetClock;
  readonly desk: LocalServiceDesk;
  readonly notifyQueue: Queue<NotifyJobData>;
  running?: RunningWorkers;
  private constructor(
    readonly label: string,
    readonly sim: IepSimulator,
    readonly ris: RisListener,
    readonly risPort: number,
    readonly pas: PasSandbox,
    readonly patients: TestPatient[],
    readonly workDir: string,
  ) {
    this.prefix = uniquePrefix(label);
    this.redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
    this.store = createStore(this.redis, { redis: { url: testRedisUrl(), prefix: this.prefix }, encryptionKeys: this.config().encryptionKeys });
    this.clock = new RedisOffsetClock(this.redis, this.prefix);
    this.desk = new LocalServiceDesk(this.redis, { prefix: this.prefix });
    this.notifyQueue = new Queue<NotifyJobData>('notify', { connection: this.redis, prefix: this.prefix });
  }

  static async start(label: string, opts: { patients?: number; simStart?: Date } = {}): Promise<FlowHarness> {
    const patients = Array.from({ length: opts.patients ?? 6 }, () => testPatient());
    const uhl = uhlOrthanc();
    const sim = await startIepSimulator({
      archive: { orthancUrl: remoteOrthanc().restUrl },
      deliveryTargets: { UHLPACSWFM01: { aet: gatewayOrthanc().aet, host: '127.0.0.1', port: gatewayOrthanc().dicomPort } },
      exportSource: { aet: uhl.aet, host: '127.0.0.1', port: uhl.dicomPort },
      clock: { start: opts.simStart ?? new Date('2026-03-11T09:00:00Z'), mode: 'manual' },
    });
    const ris = new RisListener();
    const risPort = await ris.start({ port: 0 });
    const pas = await startPasSandbox({ patients: patients.map(pasPatientOf) });
    const workDir = require('node:fs').mkdtempSync(require('node:path').join(require('node:os').tmpdir(), `itb-flows-${label}-`)) as string;
    const h = new FlowHarness(label, sim, ris, risPort, pas, patients, workDir);
    await setSharedClock(h.redis, h.prefix, OPEN_WEDNESDAY);
    await h.clock.sync();
    return h;
  }

  /** The sandbox config the workers get (this harness's Redis prefix). */
  config(): AppConfig {
    return testConfig({ REDIS_PREFIX: this.prefix });
  }

  /** Where this harness's peers listen (for workers in child processes too). */
  peers(): FlowPeers {
    return { prefix: this.prefix, simBaseUrl: this.sim.baseUrl, risPort: this.risPort, pasBaseUrl: this.pas.baseUrl, workDir: this.workDir };
  }

  /** Real clients for the ports, pointed at this harness's peers. */
  overrides(extra: WorkerOverrides = {}): WorkerOverrides {
    return flowOverrides(this.peers(), this.redis, { ...extra, ports: { serviceDesk: this.desk, ...extra.ports } });
  }

  /** Workers in this process. */
  async startWorkers(extra: WorkerOverrides = {}): Promise<RunningWorkers> {
    this.running = initWorkers(this.config(), createLogger({ level: process.env.ITB_TEST_LOG ?? 'silent', name: 'itb-workers-test' }), this.overrides(extra));
    await this.running.ready;
    return this.running;
  }

  async stopWorkers(): Promise<void> {
    await this.running?.close();
    this.running = undefined;
  }

  /** The app, as the bot wires it, with this harness's flow starter (the workers') and notifier (the notify queue). */
  app(): AppDeps {
    const running = this.requireWorkers();
    return {
      store: this.store,
      serviceDesk: this.desk,
      pas: new FhirPasClient({ baseUrl: this.pas.baseUrl, sNumberSystem: SANDBOX_S_NUMBER_SYSTEM }),
      flows: running.flows!,
      notifier: running.deps!.notifier,
      directory: new StaticInstitutionDirectory(),
      calendar: new ServiceCalendar(),
      now: () => this.clock.now(),
      logger: createLogger({ level: 'silent' }),
    };
  }

  requireWorkers(): RunningWorkers {
    if (!this.running) throw new Error('start the workers first');
    return this.running;
  }

  /** Stores a request and takes it through intake as the app does: logged with the desk (call reference), then waiting for approval (trauma: logged). */
  async submit(request: TransferRequest): Promise<{ requestId: string; callRef: CallRef }> {
    await this.clock.sync();
    const at = this.clock.now();
    const requester = request.kind === 'trauma' ? radiologistId : clinicianId;
    const { id } = await this.store.requests.create({ request, requester, actor: { type: 'user', aadObjectId: requester, role: request.kind === 'trauma' ? 'radiologist' : 'requester' }, at });
    const { callRef } = await this.desk.logRequest({ requestId: id, kind: request.kind, priority: request.kind === 'trauma' ? 'clinicalEmergency' : 'standard', summary: `test ${request.kind}` });
    const intake = { type: 'system', component: 'intake' } as const;
    await this.store.requests.transition(id, 'logged', { actor: intake, at, reason: 'logged with the service desk', callRef: callRef as CallRef });
    if (request.kind !== 'trauma') await this.store.requests.transition(id, 'awaitingApproval', { actor: intake, at, reason: 'waiting for a service-desk analyst' });
    return { requestId: id, callRef: callRef as CallRef };
  }

  /** An analyst approves through the app (which starts the flow through the workers' FlowStarter). */
  async approve(requestId: string): Promise<void> {
    await this.clock.sync();
    const out = await approve(this.app(), analyst, requestId, `approve:${requestId}:${Math.random()}`);
    if (out.outcome !== 'done') throw new Error(`approve refused: ${JSON.stringify(out)}`);
  }

  async status(requestId: string): Promise<RequestStatus | undefined> {
    return (await this.store.requests.getSummary(requestId))?.status;
  }

  /**
   * Waits for the request to reach `status`, moving the simulator's clock by `simStepMs` between looks (the sending
   * trust, IEP's threads, the receiver all act on that clock). Fails with the status history when time runs out.
   */
  async waitFor(requestId: string, status: RequestStatus | ((s: RequestStatus) => boolean), opts: { simStepMs?: number; timeoutMs?: number } = {}): Promise<RequestStatus> {
    const deadline = Date.now() + (opts.timeoutMs ?? 20_000);
    const ok = typeof status === 'function' ? status : (s: RequestStatus) => s === status;
    for (;;) {
      const now = await this.status(requestId);
      if (now && ok(now)) return now;
      if (Date.now() > deadline) {
        const history = (await this.store.requests.get(requestId))?.history.map((t) => `${t.to} (${t.why})`).join(' -> ');
        throw new Error(`request ${requestId} is ${now}, waited for ${String(status)}; history: ${history}`);
      }
      if (opts.simStepMs) await control(this.sim.controlUrl, '/clock', { advanceMs: opts.simStepMs });
      await new Promise((r) => setTimeout(r, 40));
    }
  }

  /** Every notify job so far (ids, statuses and topics: what the bot would render). */
  async notices(): Promise<NotifyJobData[]> {
    const jobs = await this.notifyQueue.getJobs(['waiting', 'prioritized', 'active', 'completed', 'failed', 'delayed']);
    return jobs.map((j) => j.data);
  }

  /**
   * The notify jobs once the count has stopped growing for 300 ms (at most `timeoutMs`): a step writes the status and
   * then enqueues its notices, so a read right after waitFor(status) can come between the two.
   */
  async settledNotices(timeoutMs = 5_000): Promise<NotifyJobData[]> {
    const deadline = Date.now() + timeoutMs;
    let last = await this.notices();
    let stableSince = Date.now();
    while (Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      const now = await this.notices();
      if (now.length !== last.length) {
        last = now;
        stableSince = Date.now();
      } else if (Date.now() - stableSince >= 300) break;
    }
    return last;
  }

  async close(): Promise<void> {
    await this.stopWorkers();
    await this.notifyQueue.close();
    await this.sim.close();
    await this.ris.stop();
    await this.pas.close();
    const keys = await this.redis.keys(`${this.prefix}*`);
    for (let i = 0; i < keys.length; i += 500) await this.redis.del(...keys.slice(i, i + 500));
    this.redis.disconnect();
    require('node:fs').rmSync(this.workDir, { recursive: true, force: true });
  }
}

function pasPatientOf(p: TestPatient, i: number): DemoPatient {
  return {
    key: `flow-${i}`,
    pasId: `pas-flow-${p.sNumber}`,
    sNumber: p.sNumber,
    nhsNumber: p.nhsNumber,
    familyName: p.familyName,
    givenNames: [p.givenName],
    gender: 'other',
    birthDate: p.birthDate,
    address: { lines: ['1 Synthetic Street'], city: 'Leicester', postalCode: 'LE1 9ZZ' },
    registeredOnPas: true,
    purpose: 'workflow test',
  };
}

const contact = { name: 'Dr Test Requester', email: 'test.requester@uhl-tr.nhs.uk', phone: '0116 000 0000' };
const owner = { requestingClinician: 'Dr A Clinician', consultant: 'Dr B Consultant', department: 'Neurology' };
const patientOf = (p: TestPatient) => ({
  sNumber: p.sNumber,
  nhsNumber: p.nhsNumber as NhsNumber,
  familyName: p.familyName,
  givenName: p.givenName,
  birthDate: toLocalDate(p.birthDate),
});

/** An import of `p`'s CT of `studyDate` from Kettering. */
export function importOf(p: TestPatient, studyDate: string, priority: Priority = 'standard', examCode?: string): ImportRequest {
  return {
    kind: 'import',
    patient: patientOf(p),
    exams: [{ date: toLocalDate(studyDate), description: 'CT head', ...(examCode ? { examCode } : {}) }],
    sourceOrganisation: 'Kettering General Hospital',
    priority,
    priorityReason: priority === 'blueLight' ? 'blueLightEmergency' : 'outpatientAppointment',
    requiredBy: toLocalDate('2026-03-20'),
    clinician: owner,
    requester: contact,
  };
}

/** An export of `p`'s studies on `dates` (CT) to Nottingham. */
export function exportOf(p: TestPatient, dates: string[], priority: 'standard' | 'blueLight' = 'standard'): ExportRequest {
  return {
    kind: 'export',
    patient: patientOf(p),
    exams: dates.map((d) => ({ date: toLocalDate(d), description: 'CT chest' })),
    destination: { organisation: 'Nottingham University Hospitals', contactName: 'Dr Site Contact', contactPosition: 'Consultant radiologist', contactPhone: '0115 000 0000', contactEmail: 'site.contact@nuh.nhs.uk' },
    priority,
    priorityReason: priority === 'blueLight' ? 'blueLightEmergency' : 'mdtReferral',
    requiredBy: toLocalDate('2026-03-20'),
    clinician: owner,
    requester: contact,
  };
}

/** A trauma transfer of `uids` to NUH (Appendix 4). */
export function traumaOf(p: TestPatient, uids: string[]): TraumaRequest {
  return { kind: 'trauma', patient: patientOf(p), destination: TRAUMA_DESTINATIONS[0]!, studyInstanceUids: uids, attachReport: false, edTraumaConfirmed: true };
}

/** A CD import of `p`'s CT of `studyDate`. */
export function cdImportOf(p: TestPatient, studyDate: string): CdImportRequest {
  return {
    kind: 'cdImport',
    patient: { ...patientOf(p), address: '1 Synthetic Street\nLeicester' },
    exams: [{ date: toLocalDate(studyDate), description: 'CT head' }],
    cdCount: 1,
    internalPostAddress: 'Ward 7, LRI',
    urgent: false,
    requester: contact,
  };
}

export { MIN };
