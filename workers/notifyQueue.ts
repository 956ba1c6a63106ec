import { Queue, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { AppNotifier } from '../app/ports';
import { BULLMQ_PRIORITY, notificationKey, type ChannelNotice, type ChannelTopic, type NotifyOutcome, type StatusChangeNotice } from '../domain';

/**
 * The notify queue: workers (and the bot's use-cases) tell people things by enqueueing a job here; the bot process runs
 * the processor (bot/notifications/notifyWorker.ts), which renders the card and sends it through the one proactive
 * sender. Job data is ids, statuses and codes only, never patient data: the processor re-reads the store.
 *
 * The queue name belongs in workers/queueNames.ts; it is declared here until the lead adds it there.
 */
export const NOTIFY_QUEUE = 'notify';

/** A notify job. */
export type NotifyJobData =
  /** Tell the requester their request changed status (domain StatusChangeNotice). */
  | { readonly type: 'requesterStatus'; readonly requestId: string; readonly change: StatusChangeNotice }
  /** Tell the analysts' channel (domain ChannelNotice). */
  | { readonly type: 'channel'; readonly notice: ChannelNotice }
  /** Re-render in place every card already posted about a request, at (at least) this version. */
  | { readonly type: 'refreshCards'; readonly requestId: string; readonly version: number }
  /** The requester could not be reached in Teams (app removed, or never installed): the channel follows up. */
  | { readonly type: 'requesterUnreachable'; readonly requestId: string; readonly reason: 'appRemoved' | 'noConversation'; readonly at: string };

/** Backoff type the notify worker implements (bot/notifications/teamsBackoff.ts): jittered exponential, or Teams' Retry-After. */
export const TEAMS_BACKOFF = 'teamsJittered';

/**
 * Retry policy, set where the queue is made: 429, 412, 502, 504 and network failures are retried with jittered
 * exponential backoff from 1 s (about 1, 2, 4 ... 64 s; a 429's Retry-After wins when longer), 8 attempts in all.
 * Completed jobs are kept a day so their job id (the notice's key) keeps de-duplicating repeats for that long.
 */
export function createNotifyQueue(connection: Redis, prefix: string): Queue<NotifyJobData> {
  return new Queue<NotifyJobData>(NOTIFY_QUEUE, {
    connection,
    prefix,
    defaultJobOptions: {
      attempts: 8,
      backoff: { type: TEAMS_BACKOFF, delay: 1000 },
      removeOnComplete: { age: 24 * 3600 },
      removeOnFail: { age: 7 * 24 * 3600 },
    },
  });
}

// Topics that cannot wait behind routine traffic when the per-conversation limit bites.
const URGENT_TOPICS: readonly ChannelTopic[] = ['traumaSent', 'blueLightAtRisk', 'iepFailed', 'quarantined'];

/** BullMQ job ids may not contain ":" (it separates key parts); notice keys do, so they are spelt with "." instead. */
export function notifyJobId(data: NotifyJobData): string {
  switch (data.type) {
    case 'requesterStatus':
      return notificationKey(data.change).replace(/:/g, '.');
    case 'channel':
      return notificationKey(data.notice).replace(/:/g, '.');
    case 'refreshCards':
      return `cards.${data.requestId}.v${data.version}`;
    case 'requesterUnreachable':
      return `unreachable.${data.requestId}.${data.at.replace(/:/g, '.')}`;
  }
}

/** Every job gets a priority (BullMQ runs unprioritised jobs first): urgent topics in the clinical-emergency lane. */
export function notifyPriority(data: NotifyJobData): number {
  if (data.type === 'channel' && URGENT_TOPICS.includes(data.notice.topic)) return BULLMQ_PRIORITY.clinicalEmergency;
  if (data.type === 'requesterStatus' && data.change.kind === 'trauma') return BULLMQ_PRIORITY.clinicalEmergency;
  return BULLMQ_PRIORITY.standard;
}

/** Enqueues one notice; a repeat with the same job id while the first is kept is dropped by BullMQ. */
export async function addNotifyJob(queue: Queue<NotifyJobData>, data: NotifyJobData): Promise<Job<NotifyJobData>> {
  return queue.add(data.type, data, { jobId: notifyJobId(data), priority: notifyPriority(data) });
}

/**
 * The domain's Notifier (and the app's card refresh) as a producer of notify jobs, so workers can tell people things
 * without importing bot/. `delivered: true` here means "accepted for delivery": whether Teams took it is known only to
 * the processor, which audits it and tells the channel when a requester cannot be reached.
 */
export class QueueNotifier implements AppNotifier {
  constructor(private readonly queue: Queue<NotifyJobData>) {}

  async notifyRequester(requestId: string, change: StatusChangeNotice): Promise<NotifyOutcome> {
    await addNotifyJob(this.queue, { type: 'requesterStatus', requestId, change });
    return { delivered: true };
  }

  async notifyChannel(notice: ChannelNotice): Promise<NotifyOutcome> {
    await addNotifyJob(this.queue, { type: 'channel', notice });
    return { delivered: true };
  }

  async refreshRequestCards(requestId: string, version: number): Promise<void> {
    await addNotifyJob(this.queue, { type: 'refreshCards', requestId, version });
  }
}
