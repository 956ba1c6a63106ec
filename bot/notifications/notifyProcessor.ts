import { TeamsSendError } from './teamsErrors';
import type { Job, Queue } from 'bullmq';
import { DECISION_REASONS, type RequestStatusView } from '../../app';
import {
  renderActionRequiredCard,
  renderApprovalCard,
  renderFailureCard,
  renderInformationRequestCard,
  renderStatusCard,
  renderTraumaFyiCard,
  type AdaptiveCard,
} from '../../cards';
import type { Logger } from '../../config/logger';
import {
  auditEvent,
  canRequesterCancel,
  informationDeadline,
  londonLocalDate,
  STATUS_LABELS,
  type AuditEvent,
  type ChannelNotice,
  type StatusChangeNotice,
} from '../../domain';
import type { Store, StoredRequest } from '../../store';
import { addNotifyJob, type NotifyJobData } from '../../workers/notifyQueue';
import { approvalData, nameOf, peopleOf, statusData, type NameBook } from '../cardViews';
import type { StaffNames } from '../staffNames';
import type { PostedCards } from './postedCards';
import type { ProactiveResult, ProactiveSender } from './proactiveSender';

/** What the notify processor needs; all of it lives in the bot process. */
export interface NotifyProcessorDeps {
  store: Store;
  sender: ProactiveSender;
  postedCards: PostedCards;
  staffNames: StaffNames;
  /** For follow-up jobs (a card refresh, "requester unreachable"). */
  queue: Queue<NotifyJobData>;
  now(): Date;
  logger: Logger;
}

const SYSTEM = { type: 'system' as const, component: 'notify' };

/**
 * Processes one notify job: re-reads the request (job data is ids only), renders the card with cards/, and sends it
 * through the one proactive sender. Returns what happened, for logs and tests. Throws what the sender throws
 * (rate-limited, or a retryable Teams failure) so the worker can delay or retry; a 403 or a missing reference is not
 * an error: it is audited and the channel is told, once.
 */
export async function execNotifyJob(job: Pick<Job<NotifyJobData>, 'data'>, deps: NotifyProcessorDeps): Promise<string> {
  const data = job.data;
  switch (data.type) {
    case 'requesterStatus':
      return notifyRequester(deps, data.requestId, data.change);
    case 'channel':
      return notifyChannel(deps, data.notice);
    case 'refreshCards':
      return refreshCards(deps, data.requestId);
    case 'requesterUnreachable':
      return tellChannelRequesterUnreachable(deps, data.requestId, data.reason);
  }
}

async function load(deps: NotifyProcessorDeps, requestId: string): Promise<{ request: StoredRequest; names: NameBook } | undefined> {
  const request = await deps.store.requests.get(requestId);
  if (!request) return undefined;
  const names = await deps.staffNames.lookup(peopleOf(request)).catch(() => new Map<string, string>());
  return { request, names };
}

function viewOf(request: StoredRequest): RequestStatusView {
  const { request: _body, history, ...summary } = request;
  const asked = [...history].reverse().find((t) => t.why === DECISION_REASONS.informationRequested);
  return {
    outcome: 'found',
    request: summary,
    timeline: history.map(({ note: _note, ...t }) => t),
    canCancel: canRequesterCancel(summary.status),
    ...(summary.status === 'needsInformation' && asked?.note !== undefined ? { openQuestion: asked.note } : {}),
  };
}

/** The requester's status card; a rejection carries the analyst's reason (the requester is told why, 2.5). */
function statusCardOf(deps: NotifyProcessorDeps, request: StoredRequest): AdaptiveCard {
  const data = statusData(viewOf(request), deps.now());
  if (request.status === 'rejected') {
    const why = [...request.history].reverse().find((t) => t.to === 'rejected')?.note;
    data.nextStep = why ? `Rejected by the service desk. Their reason: ${why}` : 'Rejected by the service desk.';
  }
  return renderStatusCard(data);
}

async function audit(deps: NotifyProcessorDeps, event: AuditEvent): Promise<void> {
  await deps.store.audit.append(event).catch((err: Error) => deps.logger.warn({ requestId: event.requestId, errType: err.name }, 'notification not audited'));
}

async function notifyRequester(deps: NotifyProcessorDeps, requestId: string, change: StatusChangeNotice): Promise<string> {
  const found = await load(deps, requestId);
  if (!found) return 'gone';
  const { request, names } = found;
  let card: AdaptiveCard;
  if (change.to === 'needsInformation') {
    const asked = [...request.history].reverse().find((t) => t.to === 'needsInformation' && t.why === DECISION_REASONS.informationRequested);
    card = renderInformationRequestCard({
      requestId,
      callRef: request.callRef ?? '',
      kind: request.kind,
      question: asked?.note ?? 'Please contact the service desk.',
      askedBy: asked ? nameOf(asked.by, names) : 'the service desk',
      askedAt: asked?.at ?? change.at,
      // guideline 2.4d: no details within 2 weeks, the request is cancelled.
      deadline: informationDeadline(londonLocalDate(new Date(change.at))),
    });
  } else {
    card = statusCardOf(deps, request);
  }
  const sent = await deps.sender.send({ audience: 'user', aadObjectId: request.requester }, { card });
  const ids = { at: deps.now(), actor: SYSTEM, requestId, ...(request.callRef ? { callRef: request.callRef } : {}) };
  if (!sent.delivered) {
    await audit(deps, auditEvent('notification.failed', ids, { audience: 'requester', reason: sent.reason }));
    await addNotifyJob(deps.queue, { type: 'requesterUnreachable', requestId, reason: sent.reason, at: change.at });
    return `requester:${sent.reason}`;
  }
  if (change.to !== 'needsInformation') {
    await deps.postedCards.record(requestId, 'status', { conversationId: sent.conversationId, activityId: sent.activityId, at: deps.now().toISOString(), version: request.version });
  }
  await audit(deps, auditEvent('notification.sent', ids, { audience: 'requester', topic: `status:${change.to}` }));
  // Everyone's cards about this request now show the change (the channel's approval card above all).
  await addNotifyJob(deps.queue, { type: 'refreshCards', requestId, version: request.version });
  return 'requester:sent';
}

/** The channel card for a notice: approval, trauma FYI, failure, action required; or a line of text. */
function channelMessage(notice: ChannelNotice, request: StoredRequest | undefined, names: NameBook): { card?: AdaptiveCard; text?: string } {
  const ref = notice.callRef ?? request?.callRef ?? 'A request';
  switch (notice.topic) {
    case 'approvalNeeded':
      return request ? { card: renderApprovalCard(approvalData(request, names)) } : { text: `${ref} needs approval, but it can no longer be read.` };
    case 'traumaSent': {
      if (!request) return { text: `Trauma transfer ${ref} was sent.` };
      const body = request.request;
      return {
        card: renderTraumaFyiCard({
          requestId: request.id,
          callRef: request.callRef ?? ref,
          sentBy: names.get(request.requester.toLowerCase()) ?? 'The on-call radiologist',
          at: request.createdAt,
          studyCount: request.examCount,
          attachReport: body?.kind === 'trauma' ? body.attachReport : false,
          status: request.status,
          ...(body?.kind === 'trauma' ? { destinationId: body.destination.id } : {}),
        }),
      };
    }
    case 'iepFailed':
    case 'iepDeclined':
    case 'iepPurged':
    case 'stepFailed': {
      if (!request) return { text: `${ref}: ${notice.topic}.` };
      const failure = [...request.history].reverse().find((t) => ['iepFailed', 'iepDeclined', 'iepPurged'].includes(t.to));
      return {
        card: renderFailureCard({
          requestId: request.id,
          callRef: request.callRef ?? ref,
          kind: request.kind,
          status: notice.status ?? request.status,
          reason: failure?.why ?? (notice.topic === 'stepFailed' ? 'A processing step failed; see the request history.' : STATUS_LABELS[request.status]),
          at: failure?.at ?? request.statusSince,
          ...(request.organisation ? { organisation: request.organisation } : {}),
        }),
      };
    }
    case 'quarantined':
    case 'unsolicitedImages':
      return {
        card: renderActionRequiredCard({
          itemId: notice.requestId ?? 'unmatched',
          topic: notice.topic,
          ...(request ? { requestId: request.id } : {}),
          ...(request?.callRef ? { callRef: request.callRef } : {}),
          ...(notice.status ? { status: notice.status } : {}),
          receivedAt: request?.statusSince ?? new Date().toISOString(),
          ...(request?.organisation ? { sendingOrganisation: request.organisation } : {}),
          reasons: [notice.topic === 'quarantined' ? 'A check on the images failed, so they were held before PACS.' : 'No request matches these images (guideline 2.4).'],
        }),
      };
    case 'informationOverdue':
      return { text: `${ref}: no answer from the requester for 2 weeks, so it is due to be cancelled (guideline 2.4d).` };
    case 'blueLightAtRisk':
      return { text: `${ref} is Blue Light and close to or past its 4-hour target. Please check it now.` };
  }
}

async function notifyChannel(deps: NotifyProcessorDeps, notice: ChannelNotice): Promise<string> {
  const found = notice.requestId ? await load(deps, notice.requestId) : undefined;
  const message = channelMessage(notice, found?.request, found?.names ?? new Map());
  const sent = await deps.sender.send({ audience: 'channel' }, message);
  const requestId = notice.requestId;
  const ids = requestId ? { at: deps.now(), actor: SYSTEM, requestId, ...(notice.callRef ? { callRef: notice.callRef } : {}) } : undefined;
  if (!sent.delivered) {
    deps.logger.error({ topic: notice.topic, requestId, reason: sent.reason }, 'the service-desk channel could not be reached');
    // An approval card must not be lost because no channel reference exists yet: retry (with the notify queue's
    // backoff) until one does. A 403 (app removed from the team) is final and audited.
    if (sent.reason === 'noConversation') throw new TeamsSendError(undefined, true);
    if (ids) await audit(deps, auditEvent('notification.failed', ids, { audience: 'channel', reason: sent.reason }));
    return `channel:${sent.reason}`;
  }
  if (requestId && notice.topic === 'approvalNeeded') {
    await deps.postedCards.record(requestId, 'approval', {
      conversationId: sent.conversationId,
      activityId: sent.activityId,
      at: deps.now().toISOString(),
      ...(found ? { version: found.request.version } : {}),
    });
  }
  if (ids) await audit(deps, auditEvent('notification.sent', ids, { audience: 'channel', topic: notice.topic }));
  return 'channel:sent';
}

/**
 * Updates, in place, every card already posted about the request, from the store as it is now. A card rendered from
 * the current version already shows this state, so it is left alone (one Teams call fewer per notice).
 */
async function refreshCards(deps: NotifyProcessorDeps, requestId: string): Promise<string> {
  const found = await load(deps, requestId);
  if (!found) return 'gone';
  const all = await deps.postedCards.all(requestId);
  const stale = <T extends { version?: number }>(card: T | undefined): T | undefined => (card && (card.version ?? 0) < found.request.version ? card : undefined);
  const posted = { approval: stale(all.approval), status: stale(all.status) };
  const done: string[] = [];
  let result: ProactiveResult | undefined;
  const version = found.request.version;
  if (posted.approval) {
    result = await deps.sender.send({ audience: 'channel' }, { card: renderApprovalCard(approvalData(found.request, found.names)), updateActivityId: posted.approval.activityId });
    if (result.delivered) await deps.postedCards.record(requestId, 'approval', { ...posted.approval, activityId: result.activityId, version });
    done.push(`approval:${result.delivered ? 'updated' : result.reason}`);
  }
  if (posted.status) {
    result = await deps.sender.send({ audience: 'user', aadObjectId: found.request.requester }, { card: statusCardOf(deps, found.request), updateActivityId: posted.status.activityId });
    if (result.delivered) await deps.postedCards.record(requestId, 'status', { ...posted.status, activityId: result.activityId, version });
    done.push(`status:${result.delivered ? 'updated' : result.reason}`);
  }
  return done.join(',') || 'nothing posted';
}

/** The requester cannot be reached in Teams: the channel follows up another way (phone, e-mail from the form). */
async function tellChannelRequesterUnreachable(deps: NotifyProcessorDeps, requestId: string, reason: 'appRemoved' | 'noConversation'): Promise<string> {
  const summary = await deps.store.requests.getSummary(requestId);
  if (!summary) return 'gone';
  const why = reason === 'appRemoved' ? 'Teams refused the message (they may have removed the app or blocked the bot)' : 'they have never opened a chat with the bot';
  const text =
    `I could not tell the requester of ${summary.callRef ?? 'a request'} about its progress: ${why}. ` +
    `It is now "${STATUS_LABELS[summary.status]}". Please contact them another way; "Show patient details" on its card has their phone and e-mail.`;
  const sent = await deps.sender.send({ audience: 'channel' }, { text });
  return sent.delivered ? 'channel:told' : `channel:${sent.reason}`;
}
