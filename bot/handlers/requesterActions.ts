import { answerInformation, cancel, DECISION_REASONS, statusOf } from '../../app';
import { renderCancelConfirmCard, renderInformationRequestCard } from '../../cards';
import { currentStatusCard } from './requestCards';
import { actionKey, hint, invalidResult, refusalResult, type CardActionHandler } from './turn';

/** The requester answers the analyst's question; the question card is updated in place to show the answer. */
const onAnswerInformation: CardActionHandler = async (turn, data) => {
  const requestId = hint(data, 'requestId');
  if (!requestId) return { error: { status: 400, code: 'badRequest', message: 'This card has no request on it.' } };
  const out = await answerInformation(turn.services.app, turn.actor, requestId, data.answer, actionKey(turn, 'answer', requestId, data));
  if (out.outcome === 'invalid') {
    // The question card again with the error under the answer box.
    const stored = await turn.services.app.store.requests.get(requestId);
    const asked = [...(stored?.history ?? [])].reverse().find((t) => t.why === DECISION_REASONS.informationRequested);
    if (stored && asked?.note !== undefined && stored.requester === turn.actor.aadObjectId) {
      return {
        replace: renderInformationRequestCard({
          requestId,
          callRef: stored.callRef ?? '',
          kind: stored.kind,
          question: asked.note,
          askedBy: 'the service desk',
          askedAt: asked.at,
          values: data,
          errors: out.errors,
        }),
      };
    }
    return invalidResult(out);
  }
  if (out.outcome !== 'done') return refusalResult(out, 'answer for this request', 'notRequester', hint(data, 'callRef'));
  const stored = await turn.services.app.store.requests.get(requestId);
  const t = out.transition;
  const asked = [...(stored?.history ?? [])].reverse().find((h) => h.why === DECISION_REASONS.informationRequested && h.at <= t.at);
  return {
    replace: renderInformationRequestCard({
      requestId,
      callRef: out.callRef ?? '',
      kind: out.kind,
      question: asked?.note ?? '',
      askedBy: 'the service desk',
      askedAt: asked?.at ?? t.at,
      answered: { answer: t.note ?? String(data.answer ?? ''), at: t.at },
    }),
  };
};

/** "Cancel" on the status card: the confirm-cancel card (the status is re-read; the card explains when it is too late). */
const onRequestCancel: CardActionHandler = async (turn, data) => {
  const callRef = hint(data, 'callRef');
  const view = callRef ? await statusOf(turn.services.app, turn.actor, callRef) : undefined;
  if (!view || view.outcome !== 'found') return refusalResult(view && view.outcome !== 'invalid' ? view : { outcome: 'notFound', message: 'I cannot find that request.' }, 'cancel this request');
  const r = view.request;
  return { reply: [renderCancelConfirmCard({ requestId: r.id, callRef: r.callRef ?? '', kind: r.kind, status: r.status })] };
};

/** "Yes, cancel it": the requester before processing starts, once however often it arrives. */
const onConfirmCancel: CardActionHandler = async (turn, data) => {
  const requestId = hint(data, 'requestId');
  if (!requestId) return { error: { status: 400, code: 'badRequest', message: 'This card has no request on it.' } };
  const out = await cancel(turn.services.app, turn.actor, requestId, actionKey(turn, 'cancel', requestId, data));
  if (out.outcome === 'invalid') return invalidResult(out);
  if (out.outcome !== 'done') {
    const reason = out.outcome === 'notNow' ? 'tooLateToCancel' : 'notRequester';
    return refusalResult(out, 'cancel this request', reason, hint(data, 'callRef'));
  }
  const t = out.transition;
  return {
    replace: renderCancelConfirmCard({
      requestId,
      callRef: out.callRef ?? '',
      kind: out.kind,
      status: 'cancelled',
      decision: { what: 'Cancelled', by: turn.actor.displayName ?? 'you', at: t.at, tone: 'neutral' },
    }),
  };
};

/** "No, keep it": nothing changes; the card says so. */
const onKeepRequest: CardActionHandler = async (turn, data) => {
  const callRef = hint(data, 'callRef');
  const card = callRef ? await currentStatusCard(turn, callRef) : undefined;
  return card ? { replace: card } : { reply: ['Your request is unchanged.'] };
};

/** Handlers for the requester's verbs. */
export const requesterActions = {
  answerInformation: onAnswerInformation,
  requestCancel: onRequestCancel,
  confirmCancel: onConfirmCancel,
  keepRequest: onKeepRequest,
};
