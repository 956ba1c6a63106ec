import type { TurnContext } from 'botbuilder';
import type { AppActor, AppDeps, Refusal } from '../../app';
import type { AdaptiveCard, LocalIdFormat, RefusalReason } from '../../cards';
import { renderRefusedCard } from '../../cards';
import type { Logger } from '../../config/logger';
import type { PostedCards } from '../notifications/postedCards';
import type { ProactiveSender } from '../notifications/proactiveSender';
import type { StaffNames } from '../staffNames';

/** What handlers need: the use-cases' dependencies and the bot's own parts. */
export interface BotServices {
  app: AppDeps;
  postedCards: PostedCards;
  /** The one proactive path (patient details 1:1 to an approver). */
  sender: ProactiveSender;
  staffNames: StaffNames;
  /** The local id's format for form rules and labels (config.localIdPattern). */
  localId?: LocalIdFormat;
  logger: Logger;
}

/** One turn as a handler sees it: the Teams context, who is acting (from Teams identity), and the services. */
export interface Turn {
  context: TurnContext;
  actor: AppActor;
  services: BotServices;
}

/** A card action's data: `{ verb, ...inputs }` as Teams sent it. Ids in it are hints, never trusted. */
export type CardData = Readonly<Record<string, unknown>>;

/** A typed failure of a card action: an invoke answers with it (application/vnd.microsoft.error), a submit shows it. */
export interface CardActionError {
  status: 400 | 403 | 404 | 409 | 422 | 500 | 501 | 503;
  code: Refusal['outcome'] | 'badRequest' | 'notAvailable' | 'failed';
  message: string;
  /** A card to show the person instead of the bare message (the kind "refused" card for role denials). */
  card?: AdaptiveCard;
}

/**
 * What a card action produced. `replace` swaps the card that was clicked (Action.Submit: updateActivity on replyToId;
 * Action.Execute: the invoke response), so a form re-rendered with errors keeps its place and its values; `reply`
 * posts new messages; `error` is the typed failure.
 */
export interface CardActionResult {
  replace?: AdaptiveCard;
  /**
   * Other cards of this conversation to update in place as well (e.g. the failure card an edit card came from). Ids
   * come from card data, so they are hints: Teams lets a bot update only its own messages in this conversation.
   */
  alsoUpdate?: Array<{ activityId: string; card: AdaptiveCard }>;
  reply?: Array<AdaptiveCard | string>;
  error?: CardActionError;
}

/** One handler per card verb. */
export type CardActionHandler = (turn: Turn, data: CardData) => Promise<CardActionResult>;

const STATUS: Record<Refusal['outcome'], CardActionError['status']> = { denied: 403, notFound: 404, notNow: 409, invalid: 422, unavailable: 503 };

/**
 * A refusal from a use-case as a card-action failure; denials come with the kind "refused" card. `attempted` is what the
 * person tried, as a verb phrase ("approve this request").
 */
export function refusalResult(refusal: Exclude<Refusal, { outcome: 'invalid' }>, attempted: string, reason?: RefusalReason, callRef?: string): CardActionResult {
  // Role denials, and "too late to cancel", come with the kind card that says why and what to do instead.
  const withCard = reason !== undefined && (refusal.outcome === 'denied' || (refusal.outcome === 'notNow' && reason === 'tooLateToCancel'));
  const card = withCard ? renderRefusedCard({ attempted, reason, ...(callRef ? { callRef } : {}) }) : undefined;
  return { error: { status: STATUS[refusal.outcome], code: refusal.outcome, message: refusal.message, ...(card ? { card } : {}) } };
}

/** Field errors (e.g. a reject without a reason) when there is no form to re-render: one message. */
export function invalidResult(refusal: Extract<Refusal, { outcome: 'invalid' }>): CardActionResult {
  return { error: { status: 422, code: 'invalid', message: refusal.errors.map((e) => e.message).join(' ') } };
}

/** A string hint from card data (requestId, callRef, formId), or undefined. */
export function hint(data: CardData, key: string): string | undefined {
  const v = data[key];
  return typeof v === 'string' && v.trim() !== '' && v.length <= 200 ? v.trim() : undefined;
}

/**
 * The key that makes a card action idempotent: the verb, the request, and the card that was clicked (Teams re-delivers
 * the same activity; a double click on one card gives the same replyToId; a form carries a per-render formId).
 */
export function actionKey(turn: Turn, verb: string, requestId: string | undefined, data: CardData): string {
  const a = turn.context.activity;
  const card = hint(data, 'formId') ?? a.replyToId ?? a.id ?? 'no-id';
  return `${verb}:${requestId ?? '-'}:${turn.actor.aadObjectId}:${card}`;
}
