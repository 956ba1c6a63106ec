import { Redis } from 'ioredis';
import { SANDBOX_ENCRYPTION_KEY } from '../../../config/encryptionKeys';
import { createLogger } from '../../../config/logger';
import { ServiceCalendar, type ChannelNotice, type PriorityLane, type StatusChangeNotice } from '../../../domain';
import { FhirPasClient } from '../../../integrations/pas';
import { LocalServiceDesk } from '../../../integrations/servicedesk';
import { startPasSandbox, SANDBOX_S_NUMBER_SYSTEM, type PasSandbox } from '../../../sandbox/pas/pasSandbox';
import { createStore, type Store } from '../../../store';
import { StaticInstitutionDirectory } from '../../../app/iepDirectory';
import type { AppDeps } from '../../../app/deps';
import type { AppNotifier, FlowStarter } from '../../../app/ports';
import { testRedisUrl, uniquePrefix } from '../../support/services';

/** Records every flow start, as the workers' FlowStarter would receive them. */
export class RecordingFlowStarter implements FlowStarter {
  readonly started: Array<{ requestId: string; lane: PriorityLane; reprocess?: number }> = [];
  failNext = 0;
  async start(requestId: string, opts: { lane: PriorityLane; reprocess?: number }): Promise<void> {
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('flow queue unavailable');
    }
    this.started.push({ requestId, ...opts });
  }
}

/** Records notices with the same de-duplication the queue gives (one per key). */
export class RecordingNotifier implements AppNotifier {
  readonly requester: Array<{ requestId: string; change: StatusChangeNotice }> = [];
  readonly channel: ChannelNotice[] = [];
  readonly refreshes: Array<{ requestId: string; version: number }> = [];
  async notifyRequester(requestId: string, change: StatusChangeNotice) {
    this.requester.push({ requestId, change });
    return { delivered: true as const };
  }
  async notifyChannel(notice: ChannelNotice) {
    this.channel.push(notice);
    return { delivered: true as const };
  }
  async refreshRequestCards(requestId: string, version: number) {
    this.refreshes.push({ requestId, version });
  }
}

export interface AppHarness {
  deps: AppDeps;
  store: Store;
  redis: Redis;
  prefix: string;
  desk: LocalServiceDesk;
  pas: PasSandbox;
  flows: RecordingFlowStarter;
  notifier: RecordingNotifier;
  /** Moves the harness clock. */
  setNow(at: Date): void;
  close(): Promise<void>;
}

/** A Wednesday in term, 10:00 London (open, guideline 2.9). */
export const OPEN_HOURS = new Date('2026-03-11T10:00:00Z');
/** Tuesday 22:00 London: closed; opens Wednesday 08:00. */
export const CLOSED_WEEKNIGHT = new Date('2026-03-10T22:00:00Z');

/** Real Redis (script/test's), the real local service desk on it, and the PAS stand-in on a free loopback port. */
export async function startAppHarness(label: string, overrides: Partial<AppDeps> = {}): Promise<AppHarness> {
  const redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: 1 });
  const prefix = uniquePrefix(label);
  const store = createStore(redis, { redis: { url: testRedisUrl(), prefix }, encryptionKeys: [SANDBOX_ENCRYPTION_KEY] });
  const desk = new LocalServiceDesk(redis, { prefix, now: () => now });
  const pas = await startPasSandbox();
  const flows = new RecordingFlowStarter();
  const notifier = new RecordingNotifier();
  let now = OPEN_HOURS;
  const deps: AppDeps = {
    store,
    serviceDesk: desk,
    pas: new FhirPasClient({ baseUrl: pas.baseUrl, sNumberSystem: SANDBOX_S_NUMBER_SYSTEM }),
    flows,
    notifier,
    directory: new StaticInstitutionDirectory(),
    calendar: new ServiceCalendar(),
    now: () => now,
    logger: createLogger({ level: 'silent' }),
    ...overrides,
  };
  return {
    deps,
    store,
    redis,
    prefix,
    desk,
    pas,
    flows,
    notifier,
    setNow(at) {
      now = at;
    },
    async close() {
      await pas.close();
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
    },
  };
}
