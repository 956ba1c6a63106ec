import type { CallRef } from './callRef';
import type { RequestStatus } from './lifecycle/requestStatus';
import type { RequestKind } from './requestKind';
import type { Transition } from './lifecycle/transition';

/** A status change to tell the requester about. Ids and statuses only: the bot looks up the rest in the store. */
export interface StatusChangeNotice {
  requestId: string;
  callRef?: CallRef;
  kind: RequestKind;
  from: RequestStatus;
  to: RequestStatus;
  /** ISO 8601 UTC instant of the change. */
  at: string;
  /** The transition's non-identifying reason. */
  why: string;
}

/** Things the analysts' channel must hear about. */
export const CHANNEL_TOPICS = [
  'approvalNeeded',
  'informationOverdue',
  'iepFailed',
  'iepDeclined',
  'iepPurged',
  'quarantined',
  'unsolicitedImages',
  'blueLightAtRisk',
  'traumaSent',
  'stepFailed',
] as const;

/** One of CHANNEL_TOPICS. */
export type ChannelTopic = (typeof CHANNEL_TOPICS)[number];

/** A message for the analysts' channel, by ids. */
export interface ChannelNotice {
  topic: ChannelTopic;
  requestId?: string;
  callRef?: CallRef;
  kind?: RequestKind;
  status?: RequestStatus;
  /**
   * Which occurrence of the same topic and status this is, when one request can raise it more than once: a delivery
   * quarantined again after a release is a new card with new findings (the findings' version), not a repeat.
   */
  occurrence?: string;
}

/**
 * What happened to a notification. Undeliverable is not an error to retry: the user removed the app (Teams 403) or
 * we hold no conversation reference for them; the worker audits it and the channel can follow up.
 */
export type NotifyOutcome = { delivered: true } | { delivered: false; reason: 'appRemoved' | 'noConversation' };

/**
 * The port through which workers tell people things; the bot implements it (bot/ holds botbuilder, workers never
 * import it) and hands it to the workers at start-up.
 *
 * Contract for implementations: transient failures (Teams 429, 412, 502, 504, network) are thrown as errors with
 * `retryable: true` so BullMQ retries; delivery is at-least-once, so use `notificationKey` to send each notice once.
 */
export interface Notifier {
  notifyRequester(requestId: string, change: StatusChangeNotice): Promise<NotifyOutcome>;
  notifyChannel(notice: ChannelNotice): Promise<NotifyOutcome>;
}

/** A stable key per notice, for de-duplicating repeated deliveries of the same job. */
export function notificationKey(notice: StatusChangeNotice | ChannelNotice): string {
  if ('to' in notice) return `status:${notice.requestId}:${notice.to}:${notice.at}`;
  return `channel:${notice.topic}:${notice.requestId ?? '-'}:${notice.status ?? '-'}${notice.occurrence !== undefined ? `:${notice.occurrence}` : ''}`;
}

/** The requester's notice for a recorded transition (drops the free-text note, which may mention the patient). */
export function statusChangeNoticeOf(transition: Transition, callRef?: CallRef): StatusChangeNotice {
  const { requestId, kind, from, to, at, why } = transition;
  return { requestId, ...(callRef !== undefined ? { callRef } : {}), kind, from, to, at, why };
}
