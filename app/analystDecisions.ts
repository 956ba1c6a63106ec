import { reprocessStatus, TEXT_LIMITS } from '../domain';
import type { RequestSummary } from '../store';
import { hasRole, type AppActor } from './appActor';
import { decide, readDecisionText, type Authorisation, type DecisionOutcome } from './decide';
import type { AppDeps } from './deps';
import { auditDenial } from './denials';
import { followUp } from './followUps';
import { startFlowRun } from './flowRuns';
import { appMessages } from './messages';

/** Approvers: configured Entra ids or members of the service-desk team (bot/roles.ts grants them "analyst"). */
function approverOnly(actor: AppActor): Authorisation {
  return hasRole(actor, 'analyst') ? { role: 'analyst' } : { refusal: { outcome: 'denied', message: appMessages.deniedApprover } };
}

/** Stable reasons: the history's `why`, and how a repeated decision is recognised. */
export const DECISION_REASONS = {
  approved: 'approved by the service desk',
  rejected: 'rejected by the service desk',
  informationRequested: 'more information requested',
  informationSupplied: 'information supplied by the requester',
  cancelledByRequester: 'cancelled by the requester',
  cancelledByAnalyst: 'cancelled by the service desk',
  reprocess: 're-processed by the service desk',
  /** guideline 2.5b: the MBP reworked the declined request (exams, trust, clinician) and sent it again. */
  editedAndReprocessed: 'edited and re-processed by the service desk',
} as const;

/**
 * An approver approves (guideline 2.7a-c: the formal request authorises the transfer); the flow starts in its lane.
 * `idempotencyKey` names this delivery, e.g. `approve:<requestId>:<card activity id>`.
 */
export async function approve(deps: AppDeps, actor: AppActor, requestId: string, idempotencyKey: string): Promise<DecisionOutcome> {
  const done = await decide(deps, actor, requestId, {
    action: 'approve',
    to: 'approved',
    from: ['awaitingApproval'],
    reason: DECISION_REASONS.approved,
    idempotencyKey,
    pastTense: 'approved',
    authorise: approverOnly,
  });
  if (done.outcome !== 'done') return done;
  // Started again on a repeat: FlowStarter.start is idempotent, and a first attempt may have stopped before it.
  await startFlowRun(deps, done.requestId, done.kind, done.transition);
  await followUp(deps, done, { tellRequester: true, desk: { note: 'Approved in Teams by a service-desk analyst.' } });
  return done;
}

/** An approver rejects, with a reason the requester sees (stored encrypted: it may mention the patient). */
export async function reject(deps: AppDeps, actor: AppActor, requestId: string, reason: unknown, idempotencyKey: string): Promise<DecisionOutcome> {
  const text = readDecisionText('reason', reason, appMessages.rejectReasonMissing, TEXT_LIMITS.reason);
  if ('refusal' in text) return authoriseFirst(deps, actor, requestId, 'reject', text.refusal);
  const done = await decide(deps, actor, requestId, {
    action: 'reject',
    to: 'rejected',
    from: ['awaitingApproval', 'needsInformation'],
    reason: DECISION_REASONS.rejected,
    note: text.text,
    idempotencyKey,
    pastTense: 'rejected',
    authorise: approverOnly,
  });
  if (done.outcome === 'done') {
    await followUp(deps, done, { tellRequester: true, desk: { resolution: 'Rejected in Teams by a service-desk analyst; the reason was given to the requester.' } });
  }
  return done;
}

/** An approver asks the requester for more information (guideline 2.4a, 2.5b); the question goes to the requester. */
export async function askForInformation(deps: AppDeps, actor: AppActor, requestId: string, question: unknown, idempotencyKey: string): Promise<DecisionOutcome> {
  const text = readDecisionText('question', question, appMessages.questionMissing, TEXT_LIMITS.reason);
  if ('refusal' in text) return authoriseFirst(deps, actor, requestId, 'askForInformation', text.refusal);
  const done = await decide(deps, actor, requestId, {
    action: 'askForInformation',
    to: 'needsInformation',
    // Also after a failure or decline: the MBP reworks the request with the requester (2.5b); and a CD found unreadable
    // after approval (Appendix 6). The lifecycle decides per kind.
    from: ['logged', 'awaitingApproval', 'approved', 'iepFailed', 'iepDeclined', 'iepPurged'],
    reason: DECISION_REASONS.informationRequested,
    note: text.text,
    idempotencyKey,
    pastTense: 'queried',
    authorise: approverOnly,
  });
  if (done.outcome === 'done') await followUp(deps, done, { tellRequester: true, desk: { note: 'More information requested from the requester in Teams.' } });
  return done;
}

/**
 * Re-processes a failed, declined or purged transfer (guideline 2.5b: the MBP reworks it): back to approved (trauma:
 * logged) and the flow starts again with the next re-process number. Analysts; for trauma also the on-call radiologist.
 */
export async function reprocess(deps: AppDeps, actor: AppActor, requestId: string, idempotencyKey: string): Promise<DecisionOutcome> {
  return reprocessAs(deps, actor, requestId, idempotencyKey, { action: 'reprocess', reason: DECISION_REASONS.reprocess, deskNote: 'Re-processed in Teams by a service-desk analyst.' });
}

/** The statuses a re-process (and an edit and re-send) is taken from. */
export const REPROCESS_FROM = ['iepFailed', 'iepDeclined', 'iepPurged'] as const;

/**
 * The re-process decision with its reason and note: plain (reprocess), or after an edit (app/editRequest.ts), whose
 * note says which fields changed. One transition, flow start with the next run number, requester and cards told.
 */
export async function reprocessAs(
  deps: AppDeps,
  actor: AppActor,
  requestId: string,
  idempotencyKey: string,
  how: { action: 'reprocess' | 'editAndResend'; reason: string; note?: string; deskNote: string },
): Promise<DecisionOutcome> {
  const done = await decide(deps, actor, requestId, {
    action: how.action,
    to: (summary) => reprocessStatus(summary.kind),
    from: REPROCESS_FROM,
    reason: how.reason,
    ...(how.note !== undefined ? { note: how.note } : {}),
    idempotencyKey,
    pastTense: 're-processed',
    authorise(who: AppActor, summary: RequestSummary) {
      if (hasRole(who, 'analyst')) return { role: 'analyst' };
      if (how.action === 'reprocess' && summary.kind === 'trauma' && hasRole(who, 'radiologist')) return { role: 'radiologist' };
      return { refusal: { outcome: 'denied', message: appMessages.deniedApprover } };
    },
  });
  if (done.outcome !== 'done') return done;
  await startFlowRun(deps, done.requestId, done.kind, done.transition);
  await followUp(deps, done, { tellRequester: true, desk: { note: how.deskNote } });
  return done;
}

/**
 * Field errors are only shown to someone allowed to act: a stranger gets the denial (audited), not a form.
 */
async function authoriseFirst(deps: AppDeps, actor: AppActor, requestId: string, action: 'reject' | 'askForInformation', invalid: DecisionOutcome): Promise<DecisionOutcome> {
  if (hasRole(actor, 'analyst')) return invalid;
  const summary = await deps.store.requests.getSummary(requestId).catch(() => undefined);
  await auditDenial(deps, actor, action, summary ? { requestId: summary.id, ...(summary.callRef ? { callRef: summary.callRef } : {}) } : {});
  return { outcome: 'denied', message: appMessages.deniedApprover };
}
