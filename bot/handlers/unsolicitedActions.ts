import { askSenderAboutImages, cancel, cancelImages, matchImagesToRequest, type ImagesOutcome } from '../../app';
import { renderActionRequiredCard } from '../../cards';
import { nameOf, unsolicitedCardData } from '../cardViews';
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
 * A quarantine card (the same action-required card, for a request's held study): its id is the request's. It offers
 * only Cancel (the request, with a reason: quarantined -> cancelled) and the patient details; matching and asking the
 * sender are for images with no request, so a forged press of those is refused.
 */
function isQuarantineCard(data: CardData): boolean {
  const requestId = hint(data, 'requestId');
  return requestId !== undefined && hint(data, 'itemId') === requestId;
}

const QUARANTINE_NOT_YET: CardActionResult = {
  error: { status: 409, code: 'notNow', message: 'These images belong to a request already: cancel the request from this card or, after a check, release them to PACS.' },
};

/** Cancel on a quarantine card: the request is cancelled with the analyst's reason (the requester is told). */
async function onCancelHeldStudy(turn: Turn, data: CardData): Promise<CardActionResult> {
  const requestId = hint(data, 'requestId')!;
  const out = await cancel(turn.services.app, turn.actor, requestId, actionKey(turn, 'cancel-held', requestId, data), { reason: data.reason, reasonRequired: true });
  if (out.outcome === 'invalid') return invalidResult(out);
  if (out.outcome !== 'done') return refusalResult(out, 'cancel this request', 'notAnalyst');
  const stored = await turn.services.app.store.requests.get(requestId);
  const names = await turn.services.staffNames.lookup([turn.actor.aadObjectId]).catch(() => new Map<string, string>());
  return {
    replace: renderActionRequiredCard({
      itemId: requestId,
      topic: 'quarantined',
      requestId,
      ...(out.callRef ? { callRef: out.callRef } : {}),
      status: out.transition.to,
      receivedAt: stored?.statusSince ?? out.transition.at,
      ...(stored?.organisation ? { sendingOrganisation: stored.organisation } : {}),
      reasons: ['A check on the images failed, so they were held before PACS.'],
      decision: { what: 'Request cancelled', tone: 'neutral', by: nameOf(out.transition.by, names), at: out.transition.at, ...(out.transition.note ? { detail: out.transition.note } : {}) },
    }),
  };
}

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
  if (isQuarantineCard(data)) return onCancelHeldStudy(turn, data);
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
