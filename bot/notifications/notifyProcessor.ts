import { TeamsSendError } from './teamsErrors';
import type { Job, Queue } from 'bullmq';
import { DECISION_REASONS, type AnalystWork, type HeldImport } from '../../app';
import { statusViewOf } from '../../app/queries';
import {
  renderActionRequiredCard,
  renderExportStudiesCard,
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
  informationDeadline,
  londonLocalDate,
  STATUS_LABELS,
  type AuditEvent,
  type ChannelNotice,
  type StatusChangeNotice,
} from '../../domain';
import type { Store, StoredRequest } from '../../store';
import { addNotifyJob, type NotifyJobData } from '../../workers/notifyQueue';
import { approvalData, nameOf, peopleOf, statusData, unsolicitedCardData, type NameBook } from '../cardViews';
import { quarantineCardData } from '../quarantineCardView';
import type { StaffNames } from '../staffNames';
import type { PostedCard, PostedCardRole, PostedCards } from './postedCards';
import type { ProactiveResult, ProactiveSender, ProactiveTarget } from './proactiveSender';

/** What the notify processor needs; all of it lives in the bot process. */
export interface NotifyProcessorDeps {
  store: Store;
  sender: ProactiveSender;
  postedCards: PostedCards;
  staffNames: StaffNames;
  /** Images with no request (2.4): read to draw their card with the sender, studies and deadline. Optional. */
  work?: Pick<AnalystWork, 'readUnsolicited' | 'exportCandidates' | 'readQuarantine'>;
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

/** The requester's status card (sent to the requester: they may cancel while the domain allows). */
function statusCardOf(deps: NotifyProcessorDeps, request: StoredRequest): AdaptiveCard {
  return renderStatusCard(statusData(statusViewOf(request, true), deps.now()));
}

async function audit(deps: NotifyProcessorDeps, event: AuditEvent): Promise<void> {
  await deps.store.audit.append(event).catch((err: Error) => deps.logger.warn({ requestId: event.requestId, errType: err.name }, 'notification not audited'));
}

/**
 * The requester hears about a change. Their status card (the confirmation card they submitted from, or the first status
 * card posted) is ONE card, updated in place (issue #6: "updated in place as things change"); an update makes no
 * sound on a phone, so a one-line text with the call reference and the new status goes with it. Only when no status
 * card was ever recorded is a new one posted. A question (needs information) is its own card, since it is answered.
 */
async function notifyRequester(deps: NotifyProcessorDeps, requestId: string, change: StatusChangeNotice): Promise<string> {
  const found = await load(deps, requestId);
  if (!found) return 'gone';
  const { request, names } = found;
  const target = { audience: 'user' as const, aadObjectId: request.requester };
  const posted = change.to === 'needsInformation' ? undefined : await deps.postedCards.get(requestId, 'status');
  let sent: ProactiveResult;
  let outcome: string;
  if (posted) {
    const updated = await updatePostedCard(deps, requestId, 'status', posted, target, statusCardOf(deps, request), request.version);
    sent = updated !== 'current' && !updated.delivered ? updated : await deps.sender.send(target, { text: statusPing(request, change) });
    outcome = 'requester:updated';
  } else {
    sent = await deps.sender.send(target, { card: change.to === 'needsInformation' ? questionCardOf(request, names, change) : statusCardOf(deps, request) });
    if (sent.delivered && change.to !== 'needsInformation') {
      await deps.postedCards.record(requestId, 'status', { conversationId: sent.conversationId, activityId: sent.activityId, at: deps.now().toISOString(), version: request.version });
    }
    outcome = 'requester:sent';
  }
  const ids = { at: deps.now(), actor: SYSTEM, requestId, ...(request.callRef ? { callRef: request.callRef } : {}) };
  if (!sent.delivered) {
    await audit(deps, auditEvent('notification.failed', ids, { audience: 'requester', reason: sent.reason }));
    await addNotifyJob(deps.queue, { type: 'requesterUnreachable', requestId, reason: sent.reason, at: change.at });
    return `requester:${sent.reason}`;
  }
  await audit(deps, auditEvent('notification.sent', ids, { audience: 'requester', topic: `status:${change.to}` }));
  // Everyone's cards about this request now show the change (the channel's approval card above all).
  await addNotifyJob(deps.queue, { type: 'refreshCards', requestId, version: request.version });
  return outcome;
}

/** The question card for "needs information" (guideline 2.4a), with the 2-week deadline (2.4d). */
function questionCardOf(request: StoredRequest, names: NameBook, change: StatusChangeNotice): AdaptiveCard {
  const asked = [...request.history].reverse().find((t) => t.to === 'needsInformation' && t.why === DECISION_REASONS.informationRequested);
  return renderInformationRequestCard({
    requestId: request.id,
    callRef: request.callRef ?? '',
    kind: request.kind,
    question: asked?.note ?? 'Please contact the service desk.',
    askedBy: asked ? nameOf(asked.by, names) : 'the service desk',
    askedAt: asked?.at ?? change.at,
    // guideline 2.4d: no details within 2 weeks, the request is cancelled.
    deadline: informationDeadline(londonLocalDate(new Date(change.at))),
  });
}

/** The short line that makes the phone buzz when the status card changes: call reference and status, nothing else. */
export function statusPing(request: Pick<StoredRequest, 'callRef'>, change: Pick<StatusChangeNotice, 'to'>): string {
  return `${request.callRef ?? 'Your request'}: ${STATUS_LABELS[change.to]}. Your status card for it is updated.`;
}

/**
 * Updates a posted card in place to `version`, once however many notify jobs race for it: 'current' when the card
 * already shows this version or another job has claimed the update. A failed send gives the claim back for the retry.
 */
async function updatePostedCard(
  deps: NotifyProcessorDeps,
  requestId: string,
  role: PostedCardRole,
  posted: PostedCard,
  target: ProactiveTarget,
  card: AdaptiveCard,
  version: number,
): Promise<ProactiveResult | 'current'> {
  if ((posted.version ?? 0) >= version) return 'current';
  if (!(await deps.postedCards.claimUpdate(requestId, role, version))) return 'current';
  let result: ProactiveResult;
  try {
    result = await deps.sender.send(target, { card, updateActivityId: posted.activityId });
  } catch (err) {
    await deps.postedCards.releaseUpdate(requestId, role, version).catch(() => undefined);
    throw err;
  }
  if (result.delivered) await deps.postedCards.record(requestId, role, { ...posted, activityId: result.activityId, version });
  return result;
}

/** The channel card for a notice: approval, trauma FYI, failure, action required; or a line of text. */
function channelMessage(notice: ChannelNotice, request: StoredRequest | undefined, names: NameBook, held?: HeldImport): { card?: AdaptiveCard; text?: string } {
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
          // The sending trust's or IEP's own words when there are some (2.5a), else our summary.
          reason: failure?.note ?? failure?.why ?? (notice.topic === 'stepFailed' ? 'A processing step failed; see the request history.' : STATUS_LABELS[request.status]),
          at: failure?.at ?? request.statusSince,
          ...(request.organisation ? { organisation: request.organisation } : {}),
        }),
      };
    }
    case 'quarantined':
    case 'unsolicitedImages':
      // A held request's card: the findings in plain words and, when a check can settle them, Release to PACS.
      if (notice.topic === 'quarantined' && request) return { card: renderActionRequiredCard(quarantineCardData(request, held, names)) };
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

/** The confirm-studies card for an export whose candidates wait for the analyst, or undefined. */
async function exportStudiesMessage(deps: NotifyProcessorDeps, request: StoredRequest): Promise<{ card: AdaptiveCard } | undefined> {
  const body = request.request;
  if (request.kind !== 'export' || body?.kind !== 'export' || !deps.work) return undefined;
  const candidates = await deps.work.exportCandidates(request.id);
  if (!candidates) return undefined;
  return {
    card: renderExportStudiesCard({
      requestId: request.id,
      callRef: request.callRef ?? '',
      destination: body.destination.organisation,
      exams: body.exams.map((e) => ({ date: e.date, description: e.description })),
      candidates,
    }),
  };
}

async function notifyChannel(deps: NotifyProcessorDeps, notice: ChannelNotice): Promise<string> {
  // An unsolicited-images notice names the item, not a request (workers/unsolicited.ts).
  const item = notice.topic === 'unsolicitedImages' && notice.requestId && deps.work ? await deps.work.readUnsolicited(notice.requestId) : undefined;
  const found = notice.requestId && !item && notice.topic !== 'unsolicitedImages' ? await load(deps, notice.requestId) : undefined;
  // Export step 2 (issue #7): the workers found no single study per exam and wait for the analyst's choice.
  const exportChoice = !item && found && notice.topic === 'stepFailed' && notice.status === 'approved' ? await exportStudiesMessage(deps, found.request) : undefined;
  const message = exportChoice
    ? exportChoice
    : item
    ? { card: renderActionRequiredCard(unsolicitedCardData(item, item.decision ? await deps.staffNames.lookup([item.decision.by]).catch(() => new Map<string, string>()) : new Map())) }
    : channelMessage(notice, found?.request, found?.names ?? new Map(), notice.topic === 'quarantined' && found && deps.work ? await deps.work.readQuarantine(found.request.id) : undefined);
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
  const version = found.request.version;
  const done: string[] = [];
  const word = (r: ProactiveResult | 'current') => (r === 'current' ? 'current' : r.delivered ? 'updated' : r.reason);
  if (all.approval && (all.approval.version ?? 0) < version) {
    const r = await updatePostedCard(deps, requestId, 'approval', all.approval, { audience: 'channel' }, renderApprovalCard(approvalData(found.request, found.names)), version);
    done.push(`approval:${word(r)}`);
  }
  if (all.status && (all.status.version ?? 0) < version) {
    const r = await updatePostedCard(deps, requestId, 'status', all.status, { audience: 'user', aadObjectId: found.request.requester }, statusCardOf(deps, found.request), version);
    done.push(`status:${word(r)}`);
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
