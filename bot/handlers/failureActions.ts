import { askForInformation, cancel, DECISION_REASONS, reprocess, type DecisionOutcome } from '../../app';
import { renderFailureCard } from '../../cards';
import { nameOf, peopleOf } from '../cardViews';
import { currentApprovalCard } from './requestCards';
import { actionKey, hint, invalidResult, refusalResult, type CardActionHandler, type CardActionResult, type Turn } from './turn';

/** The failure card re-rendered with the decision on it (who, what, when), or the refusal. */
async function afterFailureDecision(turn: Turn, out: DecisionOutcome, data: Readonly<Record<string, unknown>>, attempted: string): Promise<CardActionResult> {
  if (out.outcome === 'invalid') return invalidResult(out);
  if (out.outcome !== 'done') return refusalResult(out, attempted, 'notAnalyst');
  const stored = await turn.services.app.store.requests.get(out.requestId);
  if (!stored) return {};
  const names = await turn.services.staffNames.lookup(peopleOf(stored)).catch(() => new Map<string, string>());
  // The status the failure was reported at: the last IEP failure, decline or purge before this decision.
  const failure = [...stored.history].reverse().find((t) => ['iepFailed', 'iepDeclined', 'iepPurged'].includes(t.to) && t.at <= out.transition.at);
  const what = out.transition.why === DECISION_REASONS.reprocess ? 'Re-processed' : out.transition.to === 'cancelled' ? 'Cancelled' : 'Sent back to the requester';
  return {
    replace: renderFailureCard({
      requestId: out.requestId,
      callRef: out.callRef ?? '',
      kind: out.kind,
      status: failure?.to ?? stored.status,
      reason: failure?.why ?? hint(data, 'reason') ?? '',
      at: failure?.at ?? out.transition.at,
      ...(stored.organisation ? { organisation: stored.organisation } : {}),
      decision: { what, by: nameOf(out.transition.by, names), at: out.transition.at, tone: what === 'Re-processed' ? 'good' : 'neutral', ...(out.transition.note ? { detail: out.transition.note } : {}) },
    }),
  };
}

/** Re-process a failed, declined or purged transfer (2.5b). */
const onReprocess: CardActionHandler = async (turn, data) => {
  const requestId = hint(data, 'requestId');
  if (!requestId) return { error: { status: 400, code: 'badRequest', message: 'This card has no request on it.' } };
  return afterFailureDecision(turn, await reprocess(turn.services.app, turn.actor, requestId, actionKey(turn, 'reprocess', requestId, data)), data, 're-process this request');
};

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

/**
 * Images with no request and quarantined studies (2.4): the workflows colleague's records behind these verbs are not
 * in the store yet, so the bot answers with a typed "not available" instead of pretending.
 */
const notYet: CardActionHandler = async () => ({
  error: { status: 501, code: 'notAvailable', message: 'This action is not available in the bot yet. Please handle these images in IEP and tell the service desk lead.' },
});

/** Handlers for the failure and action-required verbs. */
export const failureActions = {
  reprocess: onReprocess,
  returnToRequester: onReturnToRequester,
  cancelRequest: onCancelRequest,
  matchToRequest: notYet,
  askSender: notYet,
  cancelUnmatched: notYet,
};
