import { canRequesterCancel, isTerminal, TEXT_LIMITS, type RequestStatus } from '../domain';
import type { RequestSummary } from '../store';
import { hasRole, isRequesterOf, type AppActor } from './appActor';
import { DECISION_REASONS } from './analystDecisions';
import { decide, readDecisionText, type DecisionOutcome } from './decide';
import type { AppDeps } from './deps';
import { auditDenial } from './denials';
import { followUp } from './followUps';
import { appMessages } from './messages';

/** The requester answers the service desk's question (guideline 2.4a); the request goes back for approval. */
export async function answerInformation(deps: AppDeps, actor: AppActor, requestId: string, answer: unknown, idempotencyKey: string): Promise<DecisionOutcome> {
  const ownerOnly = (who: AppActor, summary: RequestSummary) =>
    isRequesterOf(who, summary) ? ({ role: 'requester' } as const) : ({ refusal: { outcome: 'denied', message: appMessages.deniedNotYours } } as const);
  const text = readDecisionText('answer', answer, appMessages.answerMissing, TEXT_LIMITS.comments);
  if ('refusal' in text) {
    const summary = await deps.store.requests.getSummary(requestId).catch(() => undefined);
    if (summary && !isRequesterOf(actor, summary)) {
      await auditDenial(deps, actor, 'answerInformation', { requestId: summary.id, ...(summary.callRef ? { callRef: summary.callRef } : {}) });
      return { outcome: 'denied', message: appMessages.deniedNotYours };
    }
    return text.refusal;
  }
  const done = await decide(deps, actor, requestId, {
    action: 'answerInformation',
    to: 'awaitingApproval',
    from: ['needsInformation'],
    reason: DECISION_REASONS.informationSupplied,
    note: text.text,
    idempotencyKey,
    pastTense: 'answered',
    authorise: ownerOnly,
  });
  // The channel's approval card shows the answer once refreshed; the requester made the change, so is not told.
  if (done.outcome === 'done') await followUp(deps, done, { tellRequester: false, desk: { note: 'The requester supplied the information asked for.' } });
  return done;
}

/**
 * Cancels a request, with an optional reason (stored encrypted with the transition; an analyst's failure card requires
 * one, `reasonRequired`). The requester may cancel their own only before processing starts (domain canRequesterCancel:
 * nothing has been asked of another organisation or of PACS yet); an analyst may cancel wherever the lifecycle allows
 * (e.g. 2.4d, or a failed transfer that will not be re-processed). Anyone else is refused.
 */
export async function cancel(
  deps: AppDeps,
  actor: AppActor,
  requestId: string,
  idempotencyKey: string,
  opts: { reason?: unknown; reasonRequired?: boolean } = {},
): Promise<DecisionOutcome> {
  let note: string | undefined;
  if (opts.reasonRequired || (typeof opts.reason === 'string' && opts.reason.trim() !== '')) {
    const text = readDecisionText('reason', opts.reason, appMessages.cancelReasonMissing, TEXT_LIMITS.reason);
    if ('refusal' in text) {
      if (hasRole(actor, 'analyst')) return text.refusal;
      const summary = await deps.store.requests.getSummary(requestId).catch(() => undefined);
      if (!summary || !isRequesterOf(actor, summary)) {
        await auditDenial(deps, actor, 'cancel', summary ? { requestId: summary.id, ...(summary.callRef ? { callRef: summary.callRef } : {}) } : {});
        return { outcome: 'denied', message: appMessages.deniedNotYours };
      }
      return text.refusal;
    }
    note = text.text;
  }
  let byRequester = false;
  const analyst = hasRole(actor, 'analyst');
  const done = await decide(deps, actor, requestId, {
    action: 'cancel',
    to: 'cancelled',
    from: CANCELLABLE_BY_SOMEONE,
    get reason() {
      return byRequester ? DECISION_REASONS.cancelledByRequester : DECISION_REASONS.cancelledByAnalyst;
    },
    ...(note !== undefined ? { note } : {}),
    idempotencyKey,
    pastTense: 'cancelled',
    authorise(who, summary) {
      const owner = isRequesterOf(who, summary);
      // A closed request goes through too, so the answer is "already cancelled" or "already closed", not "too late".
      if (owner && (canRequesterCancel(summary.status) || isTerminal(summary.status))) {
        byRequester = true;
        return { role: 'requester' };
      }
      if (analyst) return { role: 'analyst' };
      if (owner) {
        const ref = summary.callRef ?? 'This request';
        return { refusal: { outcome: 'notNow', message: appMessages.cannotCancelNow(ref, summary.status), status: summary.status } };
      }
      return { refusal: { outcome: 'denied', message: appMessages.deniedNotYours } };
    },
  });
  if (done.outcome === 'done') {
    await followUp(deps, done, { tellRequester: !byRequester, desk: { resolution: byRequester ? 'Cancelled in Teams by the requester.' : 'Cancelled in Teams by a service-desk analyst.' } });
  }
  return done;
}

// Every status with an edge to "cancelled" in some kind's lifecycle; the lifecycle check then decides per kind.
const CANCELLABLE_BY_SOMEONE: readonly RequestStatus[] = [
  'submitted',
  'logged',
  'awaitingApproval',
  'needsInformation',
  'approved',
  'iepNew',
  'iepStarted',
  'onIep',
  'iepDownloadRequest',
  'iepDownloading',
  'iepFailed',
  'iepDeclined',
  'iepPurged',
  'quarantined',
];
