import { ActivityTypes, CardFactory, type Activity, type CloudAdapter, type ConversationReference } from 'botbuilder';
import type { AdaptiveCard } from '../../cards/render';
import type { Logger } from '../../config/logger';
import type { ConversationReferences, StoredConversationReference } from '../../store';
import type { ConversationRateLimiter } from './conversationRateLimiter';
import { ConversationRateLimitedError, statusOf, teamsSendErrorOf } from './teamsErrors';

/** Who a proactive message is for: a person's personal chat with the bot (a requester, or an approver 1:1), or the service-desk channel. */
export type ProactiveTarget = { audience: 'user'; aadObjectId: string } | { audience: 'channel' };

/** A card and/or a line of text; posted new, updated in place, or posted as a reply in a channel thread. */
export interface ProactiveMessage {
  card?: AdaptiveCard;
  text?: string;
  /** Update this earlier activity in place (approval and status cards), instead of posting. */
  updateActivityId?: string;
  /** Post as a reply in the thread that starts with this activity (channel only). */
  replyToActivityId?: string;
}

/** What a send did. `appRemoved`: Teams answered 403 (app removed or bot blocked); `noConversation`: no reference. */
export type ProactiveResult =
  | { delivered: true; conversationId: string; activityId: string }
  | { delivered: false; reason: 'appRemoved' | 'noConversation' };

/** The mark a 403 leaves on a stored reference (plain JSON beside the reference; cleared by the next capture). */
export interface UndeliverableMark {
  status: number;
  at: string;
}

export interface ProactiveSenderOptions {
  adapter: CloudAdapter;
  /** config.bot.appId; empty in the sandbox (no authentication). */
  appId: string;
  conversations: ConversationReferences;
  limiter: ConversationRateLimiter;
  logger: Logger;
  now?: () => Date;
  /**
   * When no activity from the service-desk channel has been seen yet, the channel can still be reached: Teams
   * addresses a channel by its id (config SERVICE_DESK_CHANNEL_ID) on the tenant's serviceUrl, which any approver's
   * personal-chat reference carries. (In the sandbox this also routes channel posts to the analyst's Playground.)
   */
  channelFallback?: { channelId: string; approverAadObjectIds: readonly string[] };
}

/**
 * THE function through which every proactive message goes (DESIGN: one place, so a port to the Agents SDK touches
 * this file): finds the stored conversation reference, takes a slot from the per-conversation limiter (Teams: 7/s,
 * 1,800/h; over it, ConversationRateLimitedError so the job waits in "delayed" instead of blocking a worker), sends
 * through CloudAdapter.continueConversationAsync, and types failures: 429/412/5xx/network are retryable
 * (TeamsSendError), a 403 is recorded on the stored reference and answered as `appRemoved`, not retried.
 */
export class ProactiveSender {
  private readonly now: () => Date;

  constructor(private readonly opts: ProactiveSenderOptions) {
    this.now = opts.now ?? (() => new Date());
  }

  async send(target: ProactiveTarget, message: ProactiveMessage): Promise<ProactiveResult> {
    const reference = await this.referenceOf(target);
    if (!reference) return { delivered: false, reason: 'noConversation' };
    if ((reference as { undeliverable?: UndeliverableMark }).undeliverable) return { delivered: false, reason: 'appRemoved' };

    const conversationId = message.replyToActivityId ? `${reference.conversation.id};messageid=${message.replyToActivityId}` : reference.conversation.id;
    const wait = await this.opts.limiter.take(reference.conversation.id);
    if (wait > 0) throw new ConversationRateLimitedError(wait);

    const ref = { ...reference, conversation: { ...reference.conversation, id: conversationId } } as unknown as Partial<ConversationReference>;
    const activity: Partial<Activity> = {
      type: ActivityTypes.Message,
      ...(message.text !== undefined ? { text: message.text } : {}),
      ...(message.card ? { attachments: [CardFactory.adaptiveCard(message.card)] } : {}),
    };
    let activityId = message.updateActivityId ?? '';
    try {
      await this.opts.adapter.continueConversationAsync(this.opts.appId, ref, async (context) => {
        if (message.updateActivityId) {
          await context.updateActivity({ ...activity, id: message.updateActivityId });
        } else {
          activityId = (await context.sendActivity(activity))?.id ?? '';
        }
      });
    } catch (err) {
      const status = statusOf(err);
      if (status === 403) {
        await this.markUndeliverable(target, reference, status);
        this.opts.logger.warn({ audience: target.audience, conversationId: reference.conversation.id }, 'Teams refused a proactive message (403): app removed or bot blocked');
        return { delivered: false, reason: 'appRemoved' };
      }
      // The card to update was deleted: post it afresh rather than lose the update.
      if (status === 404 && message.updateActivityId) {
        const { updateActivityId: _gone, ...asNew } = message;
        return this.send(target, asNew);
      }
      throw teamsSendErrorOf(err);
    }
    return { delivered: true, conversationId, activityId };
  }

  private async referenceOf(target: ProactiveTarget): Promise<StoredConversationReference | undefined> {
    if (target.audience === 'user') return this.opts.conversations.getForUser(target.aadObjectId);
    const stored = await this.opts.conversations.getForChannel();
    if (stored || !this.opts.channelFallback) return stored;
    const { channelId, approverAadObjectIds } = this.opts.channelFallback;
    for (const aadObjectId of approverAadObjectIds) {
      const personal = await this.opts.conversations.getForUser(aadObjectId);
      if (!personal || (personal as { undeliverable?: unknown }).undeliverable) continue;
      const { user: _user, ...rest } = personal as StoredConversationReference & { user?: unknown };
      return { ...rest, conversation: { ...personal.conversation, id: channelId, conversationType: 'channel', isGroup: true } } as StoredConversationReference;
    }
    return undefined;
  }

  private async markUndeliverable(target: ProactiveTarget, reference: StoredConversationReference, status: number): Promise<void> {
    const marked = { ...reference, undeliverable: { status, at: this.now().toISOString() } satisfies UndeliverableMark };
    try {
      if (target.audience === 'user') await this.opts.conversations.saveForUser(target.aadObjectId, marked);
      else await this.opts.conversations.saveForChannel(marked);
    } catch (err) {
      this.opts.logger.warn({ errType: (err as Error).name }, 'could not record the 403 on the conversation reference');
    }
  }
}
