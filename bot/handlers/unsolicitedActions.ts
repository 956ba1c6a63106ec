import { askSenderAboutImages, cancelImages, matchImagesToRequest, type ImagesOutcome } from '../../app';
import { renderActionRequiredCard } from '../../cards';
import { unsolicitedCardData } from '../cardViews';
import { actionKey, hint, invalidResult, refusalResult, type CardActionHandler, type CardActionResult, type CardData, type Turn } from './turn';

/** The action-required card as the item now stands (who did what and when), or with the problem under its input. */
async function afterImagesAction(turn: Turn, out: ImagesOutcome, attempted: string): Promise<CardActionResult> {
  if (out.outcome === 'invalid') return invalidResult(out);
  // No worker operations wired into this bot (a deployment without them): say so as "not implemented", not "try again".
  if (out.outcome === 'unavailable' && !turn.services.app.work) return { error: { status: 501, code: 'notAvailable', message: out.message } };
  if (out.outcome !== 'done' && out.outcome !== 'problem') return refusalResult(out, attempted, 'notAnalyst');
  const by = out.item.decision?.by;
  const names = by ? await turn.services.staffNames.lookup([by]).catch(() => new Map<string, string>()) : new Map<string, string>();
  const data = unsolicitedCardData(out.item, names, out.outcome === 'problem' ? { errors: out.errors } : out.reason ? { reason: out.reason } : {});
  return { replace: renderActionRequiredCard(data) };
}

/** The item id on the card (a hint: the item is re-read), or a typed 400. */
function itemOf(data: CardData): string | CardActionResult {
  return hint(data, 'itemId') ?? { error: { status: 400, code: 'badRequest', message: 'This card has no images on it.' } };
}

/**
 * A quarantine card (the same action-required card, for a request's held study): its id is the request's. Its own
 * actions are wired with the quarantine release; until then these verbs answer "not available" for it.
 */
function isQuarantineCard(data: CardData): boolean {
  const requestId = hint(data, 'requestId');
  return requestId !== undefined && hint(data, 'itemId') === requestId;
}

const QUARANTINE_NOT_YET: CardActionResult = {
  error: { status: 501, code: 'notAvailable', message: 'Held studies are released or cancelled from their own buttons. Please use those, or the request\'s failure card.' },
};

/** "Match" (2.4a): input matchCallRef; the download then runs as that request's. */
const onMatchToRequest: CardActionHandler = async (turn, data) => {
  if (isQuarantineCard(data)) return QUARANTINE_NOT_YET;
  const itemId = itemOf(data);
  if (typeof itemId !== 'string') return itemId;
  const out = await matchImagesToRequest(turn.services.app, turn.actor, itemId, data.matchCallRef, actionKey(turn, 'matchToRequest', itemId, data));
  return afterImagesAction(turn, out, 'match these images');
};

/** "Ask the sender" (2.4b): a message on the IEP transaction; the card stays open with who asked when. */
const onAskSender: CardActionHandler = async (turn, data) => {
  if (isQuarantineCard(data)) return QUARANTINE_NOT_YET;
  const itemId = itemOf(data);
  if (typeof itemId !== 'string') return itemId;
  const out = await askSenderAboutImages(turn.services.app, turn.actor, itemId, actionKey(turn, 'askSender', itemId, data));
  return afterImagesAction(turn, out, 'ask the sender about these images');
};

/** "Cancel these images" with a reason (2.4d); the sender is told on IEP. */
const onCancelUnmatched: CardActionHandler = async (turn, data) => {
  if (isQuarantineCard(data)) return QUARANTINE_NOT_YET;
  const itemId = itemOf(data);
  if (typeof itemId !== 'string') return itemId;
  const out = await cancelImages(turn.services.app, turn.actor, itemId, data.reason, actionKey(turn, 'cancelUnmatched', itemId, data));
  return afterImagesAction(turn, out, 'cancel these images');
};

/** Handlers for the action-required card's verbs (images on IEP with no request). */
export const unsolicitedActions = {
  matchToRequest: onMatchToRequest,
  askSender: onAskSender,
  cancelUnmatched: onCancelUnmatched,
};
