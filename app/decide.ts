import {
  canTransition,
  cleanFreeText,
  IllegalTransitionError,
  textLength,
  type ActorRole,
  type CallRef,
  type FieldError,
  type RequestKind,
  type RequestStatus,
  type Transition,
} from '../domain';
import type { RequestSummary } from '../store';
import { auditActor, type AppActor } from './appActor';
import type { AppDeps } from './deps';
import { auditDenial, type GuardedAction } from './denials';
import { appMessages } from './messages';
import type { Refusal } from './outcomes';
import { storeRefusal } from './submitRequest';

/** A decision that is in effect: made now, or found already made (re-delivery, double click, or a colleague first). */
export interface DecisionDone {
  outcome: 'done';
  requestId: string;
  callRef?: CallRef;
  kind: RequestKind;
  /** The decision's transition (who, when, why): the earlier one when it had already been made. */
  transition: Transition;
  /** The record's version after this decision (for refreshing cards in place). */
  version: number;
  /** True when nothing changed now because this decision was already in effect. */
  alreadyDone: boolean;
}

/** What a decision use-case returns. */
export type DecisionOutcome = DecisionDone | Refusal;

/** Who may do it, decided from the stored request (never from card data): the role it was allowed under, or a refusal. */
export type Authorisation = { role: ActorRole } | { refusal: Refusal };

/** One decision on a request. */
export interface DecisionSpec {
  action: GuardedAction;
  /** The status it moves to; a function when it depends on the request (re-process: approved, or logged for trauma). */
  to: RequestStatus | ((summary: RequestSummary) => RequestStatus);
  /** The statuses this decision is taken from (the lifecycle may allow more: e.g. approved is also where a re-process goes). */
  from: readonly RequestStatus[];
  /** The history's non-identifying reason, also how an earlier identical decision is recognised. */
  reason: string;
  /** What a person typed (reason, question, answer): stored encrypted with the transition. */
  note?: string;
  /** Stable per delivery of this action (e.g. `approve:<request>:<clicked card activity id>`). */
  idempotencyKey: string;
  /** "approved", "rejected"... for "cannot be ... now". */
  pastTense: string;
  authorise(actor: AppActor, summary: RequestSummary): Authorisation;
}

/**
 * Applies a decision once. The request id is only a hint from card data: the request is re-read from the store and the
 * actor checked against it. A repeat with the same idempotency key returns the first outcome; a decision that was
 * already made (by anyone) returns it with `alreadyDone`; anything the lifecycle refuses is explained.
 */
export async function decide(deps: AppDeps, actor: AppActor, requestIdHint: string, spec: DecisionSpec): Promise<DecisionOutcome> {
  let summary: RequestSummary | undefined;
  try {
    summary = await deps.store.requests.getSummary(requestIdHint);
  } catch (err) {
    return storeRefusal(deps, err, appMessages.actionNotSaved);
  }
  if (!summary) return { outcome: 'notFound', message: appMessages.notFound() };
  const auth = spec.authorise(actor, summary);
  if ('refusal' in auth) {
    if (auth.refusal.outcome === 'denied') await auditDenial(deps, actor, spec.action, { requestId: summary.id, ...(summary.callRef ? { callRef: summary.callRef } : {}) });
    return auth.refusal;
  }
  const to = typeof spec.to === 'function' ? spec.to(summary) : spec.to;
  try {
    if (!spec.from.includes(summary.status) || !canTransition(summary.kind, summary.status, to)) return await alreadyOrNotNow(deps, summary, spec, to);
    const done = await deps.store.requests.transition(summary.id, to, {
      actor: auditActor(actor, auth.role),
      at: deps.now(),
      reason: spec.reason,
      ...(spec.note !== undefined ? { note: spec.note } : {}),
      idempotencyKey: spec.idempotencyKey,
    });
    return {
      outcome: 'done',
      requestId: summary.id,
      ...(summary.callRef ? { callRef: summary.callRef } : {}),
      kind: summary.kind,
      transition: done.transition,
      version: done.version,
      alreadyDone: done.replayed,
    };
  } catch (err) {
    // Someone moved the request between our read and our write: explain from the state it is in now.
    if (err instanceof IllegalTransitionError) {
      const now = await deps.store.requests.getSummary(summary.id).catch(() => undefined);
      return alreadyOrNotNow(deps, now ?? summary, spec, to);
    }
    return storeRefusal(deps, err, appMessages.actionNotSaved, summary.id);
  }
}

/** The decision already in the history (latest transition to the same status for the same reason), or a "not now". */
async function alreadyOrNotNow(deps: AppDeps, summary: RequestSummary, spec: DecisionSpec, to: RequestStatus): Promise<DecisionOutcome> {
  const stored = await deps.store.requests.get(summary.id);
  const earlier = [...(stored?.history ?? [])].reverse().find((t) => t.to === to && t.why === spec.reason);
  const ref = summary.callRef ?? 'This request';
  if (earlier && stored) {
    const { note: _note, ...withoutNote } = earlier;
    return {
      outcome: 'done',
      requestId: summary.id,
      ...(summary.callRef ? { callRef: summary.callRef } : {}),
      kind: summary.kind,
      transition: withoutNote,
      version: stored.version,
      alreadyDone: true,
    };
  }
  const status = stored?.status ?? summary.status;
  if (status === 'rejected' || status === 'completed' || status === 'cancelled') {
    return { outcome: 'notNow', message: appMessages.noLongerOpen(ref, status), status };
  }
  return { outcome: 'notNow', message: appMessages.notInStatusFor(spec.pastTense, ref, status), status };
}

/** Reads a required free-text field of a decision (reason, question, answer): cleaned, 1..max characters. */
export function readDecisionText(field: string, raw: unknown, missing: string, max: number): { text: string } | { refusal: Refusal } {
  const text = typeof raw === 'string' ? cleanFreeText(raw, { multiline: true }) : '';
  const errors: FieldError[] = [];
  if (text === '') errors.push({ field, message: missing });
  else if (textLength(text) > max) errors.push({ field, message: appMessages.textTooLong(max) });
  return errors.length ? { refusal: { outcome: 'invalid', errors } } : { text };
}

/** Runs a side effect that must not undo a decision already made (desk notes, notices): failures are logged only. */
export async function bestEffort(deps: AppDeps, what: string, ids: { requestId: string; callRef?: string }, work: () => Promise<unknown>): Promise<void> {
  try {
    await work();
  } catch (err) {
    deps.logger.warn({ ...ids, what, errType: (err as Error).name, code: (err as { code?: string }).code }, 'follow-up step failed');
  }
}
