import type { Redis } from 'ioredis';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { AnalystWork, AppNotifier, ComplianceFigures, ExportCandidate, HeldImport, UnsolicitedImages, WorkOutcome } from '../app/ports';
import type { AppConfig } from '../config';
import type { Logger } from '../config/logger';
import { serviceCalendar, STATUS_LABELS } from '../domain';
import { HttpIepClient, type IepClient } from '../integrations/iep';
import { createStore } from '../store';
import { RedisOffsetClock, systemClock } from './clock';
import { DEFAULT_FLOW_OPTIONS, type FlowDeps } from './flowDeps';
import { createFlowQueue } from './flowQueue';
import { FlowStateStore } from './flowState';
import { stepJobId } from './flowRef';
import { addStep } from './flowSteps';
import { quarantineRecordsOf, type HeldDelivery } from './quarantineRecord';
import { buildComplianceReport } from './report';
import { confirmExportStudies } from './steps/exportFind';
import { pointCdImportAt } from './steps/cdImport';
import { createInboundQueue } from './inboundQueue';
import { createOutboundEmergencyQueue, createOutboundQueue } from './outboundQueue';
import { createTimerQueue } from './timerQueue';
import { askSenderForDetails, cancelUnsolicited, matchUnsolicited, readUnsolicitedItem, type UnsolicitedItem, type UnsolicitedOutcome } from './unsolicited';

/** The parts of FlowDeps the analysts' operations use (unsolicited.ts, advance, addStep, timers). */
export type AnalystWorkDeps = Pick<FlowDeps, 'store' | 'flowState' | 'iep' | 'notifier' | 'clock' | 'calendar' | 'redis' | 'prefix' | 'queues' | 'options' | 'logger'>;

/**
 * Where CD contents must be for a CD import (Appendix 6: the MBP copies the disc to the workers' share). A constant
 * until config/ has ITB_CD_ROOT (asked of the lead); relative to the working directory, as ITB_WORK_DIR is.
 */
export const DEFAULT_CD_ROOT = 'var/cd';

// Who did what to an item, beside the workers' own item hash (which has no such fields): ids and times only.
const DECISION_TTL_SECONDS = 60 * 24 * 3600;

/**
 * The app's AnalystWork port over the workers' functions, for the bot process (which only enqueues): the same queues,
 * flow state and IEP client as the workers, so a match queues the download the workers then run.
 *
 * The workers' functions are typed on the whole FlowDeps; the bot has no PACS, RIS or gateway clients, so the deps
 * are a guard that names any other part touched (a programming error to be caught by the tests, not a silent undefined).
 */
export class WorkerAnalystWork implements AnalystWork {
  private readonly deps: FlowDeps;

  /**
   * `cdRoot`: the folder CD contents must sit under (copied or mounted there by the service desk). Default
   * DEFAULT_CD_ROOT; the bot passes config.workflow.cdRoot (ITB_CD_ROOT).
   */
  constructor(
    deps: AnalystWorkDeps,
    private readonly cdRoot: string = DEFAULT_CD_ROOT,
  ) {
    this.deps = new Proxy(deps, {
      get(target, name) {
        if (typeof name === 'string' && !(name in target)) throw new Error(`FlowDeps.${name} is not available to the analysts' operations in the bot process`);
        return (target as Record<string | symbol, unknown>)[name];
      },
    }) as FlowDeps;
  }

  async complianceReport(from: Date, to: Date): Promise<ComplianceFigures> {
    const { rows: _rows, ...figures } = await buildComplianceReport({ store: this.deps.store }, from, to);
    return figures;
  }

  async exportCandidates(requestId: string): Promise<ExportCandidate[] | undefined> {
    const run = await this.deps.flowState.currentRun(requestId);
    if (run === undefined) return undefined;
    const state = await this.deps.flowState.get({ requestId, run });
    return state.candidates && !state.chosenStudyUids?.length ? state.candidates : undefined;
  }

  async confirmExportStudies(requestId: string, studyInstanceUids: readonly string[]): Promise<WorkOutcome<{ studyCount: number }>> {
    const out = await confirmExportStudies(this.deps, requestId, studyInstanceUids);
    return out.outcome === 'queued' ? { outcome: 'done', value: { studyCount: out.studyCount } } : out;
  }

  /**
   * Only paths inside the CD root (after resolving "..", and symbolic links where the path exists), so a Teams user
   * cannot point the worker at any file it can read; then the workers' own check (a folder or a .zip that exists).
   */
  async pointCdImportAt(requestId: string, source: string): Promise<WorkOutcome<{ source: string }>> {
    if (!path.isAbsolute(source)) return { outcome: 'refused', reason: 'give the full path of the folder or .zip' };
    const root = await fs.realpath(path.resolve(this.cdRoot)).catch(() => path.resolve(this.cdRoot));
    const real = await fs.realpath(path.resolve(source)).catch(() => undefined);
    if (!real) return { outcome: 'refused', reason: 'the workers cannot read that path' };
    if (real !== root && !real.startsWith(`${root}${path.sep}`)) return { outcome: 'refused', reason: `the CD contents must be inside ${root}` };
    const out = await pointCdImportAt(this.deps, requestId, real);
    return out.outcome === 'queued' ? { outcome: 'done', value: { source: real } } : out;
  }

  async readUnsolicited(itemId: string): Promise<UnsolicitedImages | undefined> {
    const item = await readUnsolicitedItem(this.deps, itemId);
    return item ? this.viewOf(item) : undefined;
  }

  async matchUnsolicited(itemId: string, requestId: string, by: { aadObjectId: string; at: Date; callRef?: string }): Promise<WorkOutcome<UnsolicitedImages>> {
    return this.settle(itemId, await matchUnsolicited(this.deps, itemId, requestId), { what: 'matched', by, ...(by.callRef ? { callRef: by.callRef } : {}) });
  }

  async askSender(itemId: string, by: { aadObjectId: string; at: Date }): Promise<WorkOutcome<UnsolicitedImages>> {
    return this.settle(itemId, await askSenderForDetails(this.deps, itemId), { what: 'askedSender', by });
  }

  async cancelUnsolicited(itemId: string, by: { aadObjectId: string; at: Date }): Promise<WorkOutcome<UnsolicitedImages>> {
    return this.settle(itemId, await cancelUnsolicited(this.deps, itemId, 'analyst'), { what: 'cancelled', by });
  }

  async readQuarantine(requestId: string): Promise<HeldImport | undefined> {
    const held = await quarantineRecordsOf(this.deps).read(requestId);
    return held ? heldView(held) : undefined;
  }

  async quarantineFindingTexts(requestId: string): Promise<string[] | undefined> {
    return (await quarantineRecordsOf(this.deps).findings(requestId))?.map((f) => f.text);
  }

  /**
   * Orders the release (compare and set on the findings' version, in the quarantine record) and queues the re-run of
   * the held run, its job id naming the version: a repeat adds nothing, and a re-run that failed (PACS refused, the
   * gateway was down past the attempts) is retried by pressing Release again.
   */
  async releaseQuarantine(requestId: string, version: string, by: { aadObjectId: string; at: Date }, confirmation: string): Promise<WorkOutcome<HeldImport & { alreadyOrdered: boolean }>> {
    const summary = await this.deps.store.requests.getSummary(requestId);
    if (!summary || (summary.kind !== 'import' && summary.kind !== 'cdImport')) return { outcome: 'refused', reason: 'only an import or CD import can be released to PACS' };
    if (summary.status !== 'quarantined') return { outcome: 'refused', reason: `the request is no longer held (now: ${STATUS_LABELS[summary.status]})` };
    const out = await quarantineRecordsOf(this.deps).orderRelease(requestId, version, by, confirmation);
    if (out.outcome === 'stale') return { outcome: 'refused', reason: 'the findings changed since this card was drawn: check the newest card for this request' };
    if (out.outcome === 'notReleasable') return { outcome: 'refused', reason: 'these findings cannot be released from Teams' };
    const ref = { requestId, run: out.held.run };
    const again = `v${version}`;
    await addStep(this.deps, ref, 'quarantine.release', summary.lane, again);
    if (out.outcome === 'alreadyOrdered') {
      const job = await this.deps.queues.flow.getJob(stepJobId(ref, `quarantine.release.${again}`));
      if (job && (await job.isFailed())) await job.retry('failed');
    }
    return { outcome: 'done', value: { ...heldView(out.held), alreadyOrdered: out.outcome === 'alreadyOrdered' } };
  }

  private decisionKey(itemId: string): string {
    return `${this.deps.prefix}:unsolicited:decision:${itemId}`;
  }

  /** Records who did it (first time only for an identical repeat) and answers with the item as it now is. */
  private async settle(
    itemId: string,
    out: UnsolicitedOutcome,
    d: { what: NonNullable<UnsolicitedImages['decision']>['what']; by: { aadObjectId: string; at: Date }; callRef?: string },
  ): Promise<WorkOutcome<UnsolicitedImages>> {
    if (out.outcome === 'refused') return out;
    const existing = await this.readDecision(itemId);
    // A repeat of the same action (a retried invoke, a colleague pressing it too) keeps the first who and when.
    if (!existing || existing.what !== d.what) {
      const decision = { what: d.what, by: d.by.aadObjectId, at: d.by.at.toISOString(), ...(d.callRef ? { callRef: d.callRef } : {}) };
      await this.deps.redis.set(this.decisionKey(itemId), JSON.stringify(decision), 'EX', DECISION_TTL_SECONDS);
    }
    return { outcome: 'done', value: await this.viewOf(out.item) };
  }

  private async readDecision(itemId: string): Promise<UnsolicitedImages['decision'] | undefined> {
    const raw = await this.deps.redis.get(this.decisionKey(itemId));
    return raw ? (JSON.parse(raw) as UnsolicitedImages['decision']) : undefined;
  }

  private async viewOf(item: UnsolicitedItem): Promise<UnsolicitedImages> {
    const decision = await this.readDecision(item.itemId);
    return {
      itemId: item.itemId,
      institutionName: item.institutionName,
      studyCount: item.studyCount,
      modalities: item.modalities,
      receivedAt: item.receivedAt,
      deadline: item.deadline,
      state: item.state,
      ...(item.requestId ? { requestId: item.requestId } : {}),
      ...(decision ? { decision } : {}),
    };
  }
}

/** The app's view of a held delivery: kinds and version, no values. */
function heldView(held: HeldDelivery): HeldImport {
  return {
    requestId: held.requestId,
    version: held.version,
    releasable: held.releasable,
    findings: held.facts,
    heldAt: held.heldAt,
    ...(held.release && held.release.version === held.version ? { release: { by: held.release.by, at: held.release.at } } : {}),
  };
}

/** The port and what it holds open, for the bot's composition root. */
export interface RunningAnalystWork {
  work: AnalystWork;
  close(): Promise<void>;
}

/**
 * Builds the analysts' operations for the bot process from config: the workers' queues on the caller's producer
 * connection (closed by the caller), the store and flow state, the IEP client, and the app's notifier (channel
 * notices go through the notify queue as the workers' do). `iep` replaces the HTTP client (tests).
 */
export function createAnalystWork(
  redis: Redis,
  config: Pick<AppConfig, 'mode' | 'redis' | 'encryptionKeys' | 'iep'>,
  ports: { notifier: AppNotifier; logger: Logger; iep?: IepClient; cdRoot?: string },
): RunningAnalystWork {
  const prefix = config.redis.prefix;
  const store = createStore(redis, config);
  const { stepAttempts, stepBackoffMs } = DEFAULT_FLOW_OPTIONS;
  const queues = {
    flow: createFlowQueue(redis, prefix, stepAttempts, stepBackoffMs),
    outbound: createOutboundQueue(redis, prefix, stepAttempts, stepBackoffMs),
    outboundEmergency: createOutboundEmergencyQueue(redis, prefix, stepAttempts, stepBackoffMs),
    inbound: createInboundQueue(redis, prefix, stepAttempts, stepBackoffMs),
    timers: createTimerQueue(redis, prefix) as never,
  };
  const iep = ports.iep ?? new HttpIepClient({ baseUrl: config.iep.baseUrl, ...(config.iep.auth ? { auth: config.iep.auth } : {}), timeoutMs: config.iep.timeoutMs });
  const work = new WorkerAnalystWork({
    store,
    flowState: new FlowStateStore(redis, prefix, store.requests.cipher),
    iep,
    notifier: ports.notifier,
    clock: config.mode === 'sandbox' ? new RedisOffsetClock(redis, prefix) : systemClock,
    calendar: serviceCalendar,
    redis,
    prefix,
    queues,
    options: DEFAULT_FLOW_OPTIONS,
    logger: ports.logger,
  }, ports.cdRoot);
  return {
    work,
    async close() {
      await Promise.all(Object.values(queues).map((q) => (q as { close(): Promise<void> }).close()));
      await iep.close();
    },
  };
}
