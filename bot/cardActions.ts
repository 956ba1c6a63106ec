import { ActivityTypes, CardFactory, type AdaptiveCardInvokeResponse, type TurnContext } from 'botbuilder';
import { isCardVerb, type AdaptiveCard, type CardVerb } from '../cards';
import { analystFlowActions } from './handlers/analystFlowActions';
import { approvalActions } from './handlers/approvals';
import { failureActions } from './handlers/failureActions';
import { formActions } from './handlers/forms';
import { releaseQuarantineActions } from './handlers/releaseQuarantine';
import { requesterActions } from './handlers/requesterActions';
import { statusActions } from './handlers/statusActions';
import { unsolicitedActions } from './handlers/unsolicitedActions';
import type { CardActionHandler, CardActionResult, CardData, Turn } from './handlers/turn';

/**
 * One handler per card verb, registered here and nowhere else. A Record over CardVerb, so a verb added to
 * cards/verbs.ts without a handler is a type error.
 */
export const CARD_ACTIONS: Record<CardVerb, CardActionHandler> = {
  ...formActions,
  ...approvalActions,
  ...requesterActions,
  ...statusActions,
  ...failureActions,
  ...unsolicitedActions,
  ...analystFlowActions,
  ...releaseQuarantineActions,
};

/** The verb and data of a card action: Action.Submit's value, or Action.Execute's { action: { verb, data } }. */
export function cardActionOf(value: unknown): { verb: CardVerb; data: CardData } | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const v = value as { verb?: unknown; action?: { verb?: unknown; data?: unknown } };
  if (v.action && typeof v.action === 'object') {
    const data = (v.action.data && typeof v.action.data === 'object' ? v.action.data : {}) as CardData;
    const verb = v.action.verb ?? data.verb;
    return isCardVerb(verb) ? { verb, data } : undefined;
  }
  return isCardVerb(v.verb) ? { verb: v.verb, data: value as CardData } : undefined;
}

/**
 * Runs the verb's handler. Anything it throws becomes a typed answer here (503 when the failure says it is worth
 * retrying, else 500), logged by type only, rather than an unhandled turn error: an invoke must always get an answer.
 */
export async function runCardAction(turn: Turn, verb: CardVerb, data: CardData): Promise<CardActionResult> {
  try {
    return await CARD_ACTIONS[verb](turn, data);
  } catch (err) {
    const retryable = (err as { retryable?: unknown }).retryable === true;
    turn.services.logger.error({ verb, activityId: turn.context.activity.id, errType: (err as Error).name, code: (err as { code?: string }).code }, 'card action failed');
    return {
      error: retryable
        ? { status: 503, code: 'unavailable', message: 'That could not be done just now. Please try again in a minute; nothing was changed twice.' }
        : { status: 500, code: 'failed', message: 'Sorry, something went wrong on our side. Please try again; if it keeps happening, call the service desk on x18000.' },
    };
  }
}

async function sendReplies(context: TurnContext, replies: ReadonlyArray<AdaptiveCard | string> = []): Promise<void> {
  for (const r of replies) {
    await context.sendActivity(typeof r === 'string' ? { type: ActivityTypes.Message, text: r } : { type: ActivityTypes.Message, attachments: [CardFactory.adaptiveCard(r)] });
  }
}

/**
 * Updates the other cards a handler named (best effort: the state change is made and shown on the clicked card; a
 * card that cannot be updated, e.g. deleted, is left as it was).
 */
async function updateOthers(context: TurnContext, result: CardActionResult): Promise<void> {
  for (const other of result.alsoUpdate ?? []) {
    try {
      await context.updateActivity({ id: other.activityId, type: ActivityTypes.Message, attachments: [CardFactory.adaptiveCard(other.card)] });
    } catch {
      // Nothing to undo: the decision stands and the clicked card shows it.
    }
  }
}

/**
 * Action.Submit arrives as a message carrying `value`: the clicked card is updated in place (updateActivity on
 * replyToId) when the handler replaced it, new messages are posted, and a failure is shown (its card, or its words).
 */
export async function answerSubmit(context: TurnContext, result: CardActionResult): Promise<void> {
  await updateOthers(context, result);
  const cardId = context.activity.replyToId;
  if (result.replace) {
    if (cardId) await context.updateActivity({ id: cardId, type: ActivityTypes.Message, attachments: [CardFactory.adaptiveCard(result.replace)] });
    else await sendReplies(context, [result.replace]);
  }
  await sendReplies(context, result.reply);
  if (result.error && !result.replace) await sendReplies(context, [result.error.card ?? result.error.message]);
}

/**
 * Action.Execute arrives as an `adaptiveCard/action` invoke, which must be answered within 5 s (Teams retries twice):
 * the replacement card, a message, or a typed error (application/vnd.microsoft.error) — never a thrown exception.
 */
export async function answerInvoke(context: TurnContext, result: CardActionResult): Promise<AdaptiveCardInvokeResponse> {
  await updateOthers(context, result);
  await sendReplies(context, result.reply);
  if (result.replace) return { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: result.replace as never };
  if (result.error) {
    if (result.error.card) await sendReplies(context, [result.error.card]);
    return { statusCode: result.error.status, type: 'application/vnd.microsoft.error', value: { code: result.error.code, message: result.error.message } as never };
  }
  return { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: 'Done.' as never };
}
