import { auditEvent, canRequesterCancel, isTerminal, parseCallRef, REQUEST_STATUSES, type TransferRequest, type Transition } from '../domain';
import type { RequestSummary } from '../store';
import { auditActor, hasRole, isRequesterOf, type AppActor } from './appActor';
import { DECISION_REASONS } from './analystDecisions';
import type { AppDeps } from './deps';
import { auditDenial } from './denials';
import { appMessages } from './messages';
import type { Refusal } from './outcomes';
import { storeRefusal } from './submitRequest';

/** A request's status for its requester or an analyst: clear facts and the timeline (no typed notes, no patient). */
export interface RequestStatusView {
  outcome: 'found';
  request: RequestSummary;
  /** Every status change, oldest first, without what people typed. */
  timeline: Array<Omit<Transition, 'note'>>;
  /** The requester may still cancel (domain canRequesterCancel), so the card may offer Cancel. */
  canCancel: boolean;
  /** The service desk's open question, shown to the requester while the request needs information. */
  openQuestion?: string;
}

/**
 * "status <call ref>": the requester sees their own requests, analysts see all. A reference that does not exist and
 * one the actor may not see get the same answer, so references cannot be probed.
 */
export async function statusOf(deps: AppDeps, actor: AppActor, callRefText: string): Promise<RequestStatusView | Refusal> {
  const parsed = parseCallRef(callRefText);
  if (!parsed) return { outcome: 'notFound', message: appMessages.notACallRef };
  try {
    const id = await deps.store.requests.findByCallRef(parsed.callRef);
    const stored = id ? await deps.store.requests.get(id) : undefined;
    if (!stored) return { outcome: 'notFound', message: appMessages.notFound(parsed.callRef) };
    const owner = isRequesterOf(actor, stored);
    if (!owner && !hasRole(actor, 'analyst')) {
      await auditDenial(deps, actor, 'viewStatus', { requestId: stored.id, callRef: parsed.callRef });
      return { outcome: 'notFound', message: appMessages.notFound(parsed.callRef) };
    }
    const { request: _body, history, ...summary } = stored;
    const view: RequestStatusView = {
      outcome: 'found',
      request: summary,
      timeline: history.map(({ note: _note, ...t }) => t),
      canCancel: owner && canRequesterCancel(summary.status),
    };
    if (summary.status === 'needsInformation') {
      const asked = [...history].reverse().find((t) => t.to === 'needsInformation' && t.why === DECISION_REASONS.informationRequested);
      if (asked?.note !== undefined) view.openQuestion = asked.note;
    }
    return view;
  } catch (err) {
    return storeRefusal(deps, err, appMessages.actionNotSaved);
  }
}

/** "my requests": whose, and the requests, newest first. */
export interface MyRequestsView {
  outcome: 'list';
  /** own: the actor's requests; open: an analyst's view of every request not yet closed. */
  scope: 'own' | 'open';
  requests: RequestSummary[];
}

const OPEN_STATUSES = REQUEST_STATUSES.filter((s) => !isTerminal(s));

/** The requester sees their own (newest first); analysts see every open request (longest waiting in a status last). */
export async function myRequests(deps: AppDeps, actor: AppActor, opts: { limit?: number } = {}): Promise<MyRequestsView | Refusal> {
  const limit = opts.limit ?? 20;
  try {
    if (!hasRole(actor, 'analyst')) {
      return { outcome: 'list', scope: 'own', requests: await deps.store.requests.listByRequester(actor.aadObjectId, { limit }) };
    }
    const perStatus = await Promise.all(OPEN_STATUSES.map((s) => deps.store.requests.listByStatus(s, { limit })));
    const newest = perStatus
      .flat()
      .sort((a, b) => b.since.getTime() - a.since.getTime())
      .slice(0, limit);
    const summaries = await Promise.all(newest.map((r) => deps.store.requests.getSummary(r.id)));
    return { outcome: 'list', scope: 'open', requests: summaries.filter((s): s is RequestSummary => s !== undefined) };
  } catch (err) {
    return storeRefusal(deps, err, appMessages.actionNotSaved);
  }
}

/** The full form, for an approver's 1:1 "Show patient details". */
export interface PatientDetailsView {
  outcome: 'details';
  summary: RequestSummary;
  request: TransferRequest;
}

/**
 * The request with its patient, for approvers only (the channel card shows no patient data). Every read is audited
 * ("request.viewed"), as reads of patient data are.
 */
export async function patientDetails(deps: AppDeps, actor: AppActor, requestId: string): Promise<PatientDetailsView | Refusal> {
  try {
    const stored = await deps.store.requests.get(requestId);
    if (!stored) return { outcome: 'notFound', message: appMessages.notFound() };
    const ids = { requestId: stored.id, ...(stored.callRef ? { callRef: stored.callRef } : {}) };
    if (!hasRole(actor, 'analyst')) {
      await auditDenial(deps, actor, 'viewPatientDetails', ids);
      return { outcome: 'denied', message: appMessages.deniedPatientDetails };
    }
    if (!stored.request) return { outcome: 'notNow', message: appMessages.detailsPurged(stored.callRef ?? 'This request'), status: stored.status };
    await deps.store.audit.append(auditEvent('request.viewed', { at: deps.now(), actor: auditActor(actor, 'analyst'), ...ids }, { view: 'details' }));
    const { request, history: _h, ...summary } = stored;
    return { outcome: 'details', summary, request };
  } catch (err) {
    return storeRefusal(deps, err, appMessages.actionNotSaved);
  }
}
