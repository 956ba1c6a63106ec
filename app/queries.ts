import { auditEvent, canRequesterCancel, isTerminal, parseCallRef, REQUEST_STATUSES, type TransferRequest, type Transition } from '../domain';
import type { RequestSummary, StoredRequest } from '../store';
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
  /**
   * Why the transfer ended unsuccessfully, in the sending trust's or IEP's words (guideline 2.5a: the requester is told
   * the reason), while the request is declined, failed or purged. Or the analyst's reason for a rejection.
   */
  outcomeReason?: string;
  /** Trauma: what went with the transfer beyond the images (e.g. how many reports were attached, Appendix 4 step 13). */
  transferNote?: string;
}

const ENDED_BADLY = ['iepDeclined', 'iepFailed', 'iepPurged', 'rejected'];
/** The prefix outbound.send puts before what went with a transfer (workers/steps/outboundSend.ts). */
const TRANSFER_CREATED = 'IEP transfer created; ';

/**
 * The status view of a stored request: the timeline without typed notes, plus the few notes the requester is meant to
 * read (the open question, the reason a transfer ended). `owner`: the viewer is the requester (may cancel).
 */
export function statusViewOf(stored: StoredRequest, owner: boolean): RequestStatusView {
  const { request: _body, history, ...summary } = stored;
  const view: RequestStatusView = {
    outcome: 'found',
    request: summary,
    timeline: history.map(({ note: _note, ...t }) => t),
    canCancel: owner && canRequesterCancel(summary.status),
  };
  const latest = [...history].reverse();
  if (summary.status === 'needsInformation') {
    const asked = latest.find((t) => t.to === 'needsInformation' && t.why === DECISION_REASONS.informationRequested);
    if (asked?.note !== undefined) view.openQuestion = asked.note;
  }
  if (ENDED_BADLY.includes(summary.status)) {
    const ended = latest.find((t) => t.to === summary.status);
    // IEP's own words (kept sealed in the note) rather than our code-bearing summary of them.
    const reason = ended?.note ?? (summary.status === 'rejected' ? undefined : ended?.why);
    if (reason) view.outcomeReason = reason;
  }
  const created = latest.find((t) => t.to === 'iepNew' && t.why.startsWith(TRANSFER_CREATED));
  if (created) view.transferNote = created.why.slice(TRANSFER_CREATED.length);
  return view;
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
    return statusViewOf(stored, owner);
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
  /** A quarantined import: what the DICOM checks found, values included, for the approver to check (issue 5). */
  heldFindings?: string[];
}

/**
 * What the engine found for a quarantined request: the workers' record (the latest findings, also after a release that
 * was held again), else the quarantine's sealed note in the history.
 */
async function heldFindingsOf(deps: AppDeps, requestId: string, history: StoredRequest['history']): Promise<string[] | undefined> {
  const texts = deps.work ? await deps.work.quarantineFindingTexts(requestId).catch(() => undefined) : undefined;
  if (texts?.length) return texts;
  return [...history].reverse().find((t) => t.to === 'quarantined')?.note?.split('\n').filter((l) => l.trim() !== '');
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
    const { request, history, ...summary } = stored;
    const heldFindings = stored.status === 'quarantined' ? await heldFindingsOf(deps, stored.id, history) : undefined;
    return { outcome: 'details', summary, request, ...(heldFindings?.length ? { heldFindings } : {}) };
  } catch (err) {
    return storeRefusal(deps, err, appMessages.actionNotSaved);
  }
}
