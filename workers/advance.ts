import {
  auditEvent,
  IllegalTransitionError,
  statusChangeNoticeOf,
  type Actor,
  type AuditEventType,
  type AuditFactsByType,
  type ChannelTopic,
  type RequestStatus,
  type Transition,
} from '../domain';
import type { RequestSummary } from '../store';
import type { FlowDeps } from './flowDeps';
import { flowIdOf, type FlowRef } from './flowRef';

/** Who the workflows are in the history and the audit trail. */
export const WORKFLOW_ACTOR: Actor = { type: 'system', component: 'workflows' };

/** An audit event to append in the same atomic step as the transition (facts only, never patient data). */
export type AuditSpec = { [K in AuditEventType]: { type: K; facts: AuditFactsByType[K] } }[AuditEventType];

export interface AdvanceOptions {
  /** Short, non-identifying reason: it goes into the history, the audit and the requester's notice. */
  why: string;
  /** Text that may mention the patient (e.g. IEP's failure reason, the DICOM engine's findings): stored sealed. */
  note?: string;
  audit?: readonly AuditSpec[];
  /** Tell the requester about this change. */
  tellRequester?: boolean;
  /** Tell the analysts' channel under this topic. */
  channel?: ChannelTopic;
  /** Overrides the run's idempotency key (timers, which act outside a run). */
  idempotencyKey?: string;
}

export type AdvanceResult =
  | { outcome: 'moved'; transition: Transition; version: number; summary: RequestSummary }
  /** The lifecycle refused: the request is elsewhere now (cancelled by an analyst, moved on by an earlier delivery). */
  | { outcome: 'refused'; status: RequestStatus }
  | { outcome: 'gone' };

/**
 * Moves a request one step along its lifecycle on behalf of a flow run, then tells whoever must hear. Idempotent per
 * (run, target status): the store records the idempotency key `flow:<flowId>:<status>` with the change, so a repeat
 * delivery (a retry, the next worker after a crash) gets the first transition back and re-sends the same notices,
 * which dedupe on their keys (notificationKey: request, status and the transition's time) and on the card version.
 */
export async function advance(deps: FlowDeps, ref: FlowRef, to: RequestStatus, opts: AdvanceOptions): Promise<AdvanceResult> {
  const summary = await deps.store.requests.getSummary(ref.requestId);
  if (!summary) return { outcome: 'gone' };
  const at = deps.clock.now();
  let done;
  try {
    done = await deps.store.requests.transition(ref.requestId, to, {
      actor: WORKFLOW_ACTOR,
      at,
      reason: opts.why,
      ...(opts.note !== undefined ? { note: opts.note } : {}),
      idempotencyKey: opts.idempotencyKey ?? `flow:${flowIdOf(ref)}:${to}`,
      audit: (opts.audit ?? []).map((a) =>
        auditEvent(a.type, { at, actor: WORKFLOW_ACTOR, requestId: ref.requestId, ...(summary.callRef ? { callRef: summary.callRef } : {}) }, a.facts as never),
      ),
    });
  } catch (err) {
    if (err instanceof IllegalTransitionError) {
      const now = await deps.store.requests.getSummary(ref.requestId);
      return now ? { outcome: 'refused', status: now.status } : { outcome: 'gone' };
    }
    throw err;
  }
  const callRef = summary.callRef;
  if (opts.tellRequester) await deps.notifier.notifyRequester(ref.requestId, statusChangeNoticeOf(done.transition, callRef));
  if (opts.channel) {
    await deps.notifier.notifyChannel({ topic: opts.channel, requestId: ref.requestId, ...(callRef ? { callRef } : {}), kind: summary.kind, status: to });
  }
  await deps.notifier.refreshRequestCards(ref.requestId, done.version);
  return { outcome: 'moved', transition: done.transition, version: done.version, summary: { ...summary, status: to, version: done.version } };
}
