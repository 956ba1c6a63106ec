import { heldImport, releaseQuarantine } from '../../app';
import { renderActionRequiredCard } from '../../cards';
import { quarantineCardData } from '../quarantineCardView';
import { actionKey, hint, invalidResult, refusalResult, type CardActionHandler, type CardActionResult } from './turn';

/**
 * "Release to PACS" on a quarantine card (issue 5): the approver's confirmation and the card's findings version go to
 * app/releaseQuarantine.ts, which checks everything again on the server. The card is redrawn from the stored request
 * and the workers' record (never from card data): with the problem under the input, or with who ordered the release.
 */
const onReleaseQuarantine: CardActionHandler = async (turn, data): Promise<CardActionResult> => {
  const requestId = hint(data, 'requestId');
  if (!requestId) return { error: { status: 400, code: 'badRequest', message: 'This card has no request on it.' } };
  const app = turn.services.app;
  const out = await releaseQuarantine(app, turn.actor, requestId, { version: data.findingsVersion, confirmation: data.releaseConfirmation }, actionKey(turn, 'releaseQuarantine', requestId, data));
  if (out.outcome === 'invalid') return invalidResult(out);
  if (out.outcome !== 'done' && out.outcome !== 'problem') return refusalResult(out, 'release these images to PACS', 'notAnalyst');
  const stored = await app.store.requests.getSummary(out.requestId);
  if (!stored) return { error: { status: 404, code: 'notFound', message: 'The request is gone.' } };
  const base = { id: stored.id, status: stored.status, statusSince: stored.statusSince, ...(stored.callRef ? { callRef: stored.callRef } : {}), ...(stored.organisation ? { organisation: stored.organisation } : {}) };
  if (out.outcome === 'problem') {
    // The card as it now stands (held again meanwhile: the newest findings), with the problem under the input.
    const now = await heldImport(app, turn.actor, out.requestId);
    const held = 'held' in now ? now.held : out.held;
    return { replace: renderActionRequiredCard(quarantineCardData(base, held, new Map(), { errors: out.errors })) };
  }
  // Ordered (now, or by an earlier press: then who pressed first and when).
  const by = out.held.release?.by ?? turn.actor.aadObjectId;
  const names = await turn.services.staffNames.lookup([by]).catch(() => new Map<string, string>());
  const name = names.get(by.toLowerCase()) ?? (by === turn.actor.aadObjectId ? turn.actor.displayName : undefined) ?? 'A service-desk analyst';
  const decision = {
    what: 'Release to PACS ordered',
    by: name,
    at: out.held.release?.at ?? app.now(),
    tone: 'good' as const,
    detail: 'The images are checked again against exactly these findings and sent to PACS; anything new holds them again with a new card.',
    detailLabel: 'Next',
  };
  return { replace: renderActionRequiredCard(quarantineCardData(base, out.held, names, { decision })) };
};

/** Handlers for the quarantine card's release. */
export const releaseQuarantineActions = {
  releaseQuarantine: onReleaseQuarantine,
};
