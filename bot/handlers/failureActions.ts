import { askForInformation, cancel, DECISION_REASONS, editAndResend, openRequestForEdit, reprocess, type DecisionDone, type DecisionOutcome } from '../../app';
import { REPROCESS_FROM } from '../../app/analystDecisions';
import { retryFailedStep } from '../../app/retryStep';
import { renderEditRequestCard, renderFailureCard, type AdaptiveCard, type CardDecision } from '../../cards';
import { isTerminal, londonLocalDate } from '../../domain';
import { nameOf, peopleOf } from '../cardViews';
import { currentApprovalCard } from './requestCards';
import { actionKey, hint, invalidResult, refusalResult, type CardActionHandler, type CardActionResult, type CardData, type Turn } from './turn';

const FAILED = ['iepFailed', 'iepDeclined', 'iepPurged'];

/** How a decision on a failure card reads on it. */
function decisionWords(done: DecisionDone): Pick<CardDecision, 'what' | 'tone' | 'detail' | 'detailLabel'> {
  const note = done.transition.note;
  if (done.transition.why === DECISION_REASONS.editedAndReprocessed) {
    const changed = note?.startsWith('Changed: ') ? note.slice('Changed: '.length) : note;
    return { what: 'Edited and re-sent', tone: 'good', ...(changed ? { detail: changed, detailLabel: note?.startsWith('Changed: ') ? 'Changed' : 'Note' } : {}) };
  }
  const what = done.transition.why === DECISION_REASONS.reprocess ? 'Re-processed' : done.transition.to === 'cancelled' ? 'Cancelled' : 'Sent back to the requester';
  return { what, tone: what === 'Re-processed' ? 'good' : 'neutral', ...(note ? { detail: note } : {}) };
}

/** The failure card as it stands after a decision (who, what, when), or undefined when the request is gone. */
async function decidedFailureCard(turn: Turn, out: DecisionDone, data: CardData): Promise<AdaptiveCard | undefined> {
  const stored = await turn.services.app.store.requests.get(out.requestId);
  if (!stored) return undefined;
  const names = await turn.services.staffNames.lookup(peopleOf(stored)).catch(() => new Map<string, string>());
  // The status the failure was reported at: the last IEP failure, decline or purge before this decision.
  const failure = [...stored.history].reverse().find((t) => FAILED.includes(t.to) && t.at <= out.transition.at);
  return renderFailureCard({
    requestId: out.requestId,
    callRef: out.callRef ?? '',
    kind: out.kind,
    status: failure?.to ?? stored.status,
    reason: failure?.note ?? failure?.why ?? hint(data, 'reason') ?? '',
    at: failure?.at ?? out.transition.at,
    ...(stored.organisation ? { organisation: stored.organisation } : {}),
    decision: { ...decisionWords(out), by: nameOf(out.transition.by, names), at: out.transition.at },
  });
}

/** The failure card re-rendered with the decision on it (who, what, when), or the refusal. */
async function afterFailureDecision(turn: Turn, out: DecisionOutcome, data: CardData, attempted: string): Promise<CardActionResult> {
  if (out.outcome === 'invalid') return invalidResult(out);
  if (out.outcome !== 'done') return refusalResult(out, attempted, 'notAnalyst');
  const card = await decidedFailureCard(turn, out, data);
  return card ? { replace: card } : {};
}

/** The edit card for a request: its stored values, or what was typed with the errors (values kept). */
async function editCard(turn: Turn, view: { requestId: string; callRef?: string; kind: 'import' | 'export'; status: string; failureReason: string }, state: { values: CardData; errors?: Parameters<typeof renderEditRequestCard>[0]['errors']; formId?: string; failureCardId?: string }): Promise<AdaptiveCard> {
  const institutions = (await turn.services.app.directory.search('')).map((i) => ({ name: i.name }));
  return renderEditRequestCard({
    requestId: view.requestId,
    callRef: view.callRef ?? '',
    kind: view.kind,
    status: view.status as Parameters<typeof renderEditRequestCard>[0]['status'],
    failureReason: view.failureReason,
    today: londonLocalDate(turn.services.app.now()),
    institutions,
    values: state.values,
    ...(state.errors ? { errors: state.errors } : {}),
    ...(state.formId ? { formId: state.formId } : {}),
    ...(state.failureCardId ? { failureCardId: state.failureCardId } : {}),
  });
}

/**
 * "Edit and re-send" on a failure or decline card (guideline 2.5b): approvers only (denials audited). The edit card is
 * posted under it, prefilled from the stored request; the failure card's id rides along so it can be updated once
 * re-sent.
 */
const onOpenEditRequest: CardActionHandler = async (turn, data) => {
  const requestId = hint(data, 'requestId');
  if (!requestId) return { error: { status: 400, code: 'badRequest', message: 'This card has no request on it.' } };
  const out = await openRequestForEdit(turn.services.app, turn.actor, requestId);
  if (out.outcome !== 'editable') return out.outcome === 'invalid' ? invalidResult(out) : refusalResult(out, 'edit this request', 'notAnalyst');
  const failureCardId = turn.context.activity.replyToId;
  return { reply: [await editCard(turn, out, { values: out.values, ...(failureCardId ? { failureCardId } : {}) })] };
};

/**
 * "Save and re-send": validated again on the server (app.editAndResend); errors come back on the same card with the
 * values kept; on success the edit card and the failure card it came from both show "Edited and re-sent by ... at ...".
 */
const onSaveAndResend: CardActionHandler = async (turn, data) => {
  const requestId = hint(data, 'requestId');
  if (!requestId) return { error: { status: 400, code: 'badRequest', message: 'This card has no request on it.' } };
  const out = await editAndResend(turn.services.app, turn.actor, requestId, data, actionKey(turn, 'editAndResend', requestId, data));
  const formId = hint(data, 'formId');
  const failureCardId = hint(data, 'failureCardId');
  if (out.outcome === 'invalid') {
    const stored = await turn.services.app.store.requests.get(requestId);
    if (!stored || (stored.kind !== 'import' && stored.kind !== 'export')) return invalidResult(out);
    const failure = [...stored.history].reverse().find((t) => FAILED.includes(t.to));
    const view = { requestId, ...(stored.callRef ? { callRef: stored.callRef } : {}), kind: stored.kind, status: stored.status, failureReason: failure?.note ?? failure?.why ?? '' };
    return { replace: await editCard(turn, view, { values: data, errors: out.errors, ...(formId ? { formId } : {}), ...(failureCardId ? { failureCardId } : {}) }) };
  }
  if (out.outcome !== 'done') return refusalResult(out, 'edit and re-send this request', 'notAnalyst');
  const card = await decidedFailureCard(turn, out, data);
  if (!card) return {};
  return { replace: card, ...(failureCardId && failureCardId !== turn.context.activity.replyToId ? { alsoUpdate: [{ activityId: failureCardId, card }] } : {}) };
};

/** Re-process a failed, declined or purged transfer (2.5b). */
const onReprocess: CardActionHandler = async (turn, data) => {
  const requestId = hint(data, 'requestId');
  if (!requestId) return { error: { status: 400, code: 'badRequest', message: 'This card has no request on it.' } };
  const summary = await turn.services.app.store.requests.getSummary(requestId).catch(() => undefined);
  if (summary && !isTerminal(summary.status) && !(REPROCESS_FROM as readonly string[]).includes(summary.status)) return onRetryStep(turn, data, requestId);
  return afterFailureDecision(turn, await reprocess(turn.services.app, turn.actor, requestId, actionKey(turn, 'reprocess', requestId, data)), data, 're-process this request');
};

/**
 * Re-process on a "step failed" card while the request is still mid-flow (a peer stayed down past the step's
 * attempts): the failed step runs again in the same run (app retryFailedStep), and the card says who did it and when.
 */
async function onRetryStep(turn: Turn, data: CardData, requestId: string): Promise<CardActionResult> {
  const out = await retryFailedStep(turn.services.app, turn.actor, requestId);
  if (out.outcome === 'invalid') return invalidResult(out);
  if (out.outcome !== 'retried') return refusalResult(out, 're-process this request', 'notAnalyst');
  const stored = await turn.services.app.store.requests.get(requestId);
  if (!stored) return {};
  const names = await turn.services.staffNames.lookup([turn.actor.aadObjectId]).catch(() => new Map<string, string>());
  const at = turn.services.app.now();
  return {
    replace: renderFailureCard({
      requestId,
      callRef: stored.callRef ?? '',
      kind: stored.kind,
      status: stored.status,
      reason: hint(data, 'reason') ?? 'A processing step failed; see the request history.',
      at,
      ...(stored.organisation ? { organisation: stored.organisation } : {}),
      decision: { what: 'Failed step retried', tone: 'good', by: nameOf({ type: 'user', aadObjectId: turn.actor.aadObjectId, role: 'analyst' }, names), at, detail: out.steps.join(', '), detailLabel: 'Step' },
    }),
  };
}

/** Back to the requester with the sender's reason (2.5b): an information request. */
const onReturnToRequester: CardActionHandler = async (turn, data) => {
  const requestId = hint(data, 'requestId');
  if (!requestId) return { error: { status: 400, code: 'badRequest', message: 'This card has no request on it.' } };
  const out = await askForInformation(turn.services.app, turn.actor, requestId, data.question, actionKey(turn, 'return', requestId, data));
  return afterFailureDecision(turn, out, data, 'send this back to the requester');
};

/** Cancel with a reason, by an analyst (a failure that will not be re-processed). */
const onCancelRequest: CardActionHandler = async (turn, data) => {
  const requestId = hint(data, 'requestId');
  if (!requestId) return { error: { status: 400, code: 'badRequest', message: 'This card has no request on it.' } };
  const out = await cancel(turn.services.app, turn.actor, requestId, actionKey(turn, 'cancel-request', requestId, data), { reason: data.reason, reasonRequired: true });
  if (out.outcome === 'done' && out.transition.by.type === 'user' && out.transition.by.role === 'requester') {
    // The requester cancelled their own from a channel card: the approval card is the one to show.
    const card = await currentApprovalCard(turn, requestId);
    return card ? { replace: card } : {};
  }
  return afterFailureDecision(turn, out, data, 'cancel this request');
};

/** Handlers for the failure card's verbs. */
export const failureActions = {
  reprocess: onReprocess,
  returnToRequester: onReturnToRequester,
  cancelRequest: onCancelRequest,
  openEditRequest: onOpenEditRequest,
  saveAndResend: onSaveAndResend,
};
