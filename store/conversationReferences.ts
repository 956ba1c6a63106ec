import type { Redis } from 'ioredis';
import { z } from 'zod';
import { CorruptRecordError, InvalidStoreInputError } from './errors';
import type { StoreKeys } from './keys';
import { RecentWrites } from './recentWrites';
import { execReplies, redisCall } from './redisCall';

/**
 * The parts of a Bot Framework ConversationReference the store checks; every other property the bot hands in (bot,
 * user, locale, activityId...) is kept as it came. Plain JSON, so the store does not import botbuilder (DESIGN: only
 * bot/ does) and a port to the Agents SDK reads the same records.
 */
export const conversationReferenceSchema = z.looseObject({
  channelId: z.string().min(1),
  serviceUrl: z.string().min(1),
  conversation: z.looseObject({ id: z.string().min(1) }),
});

/**
 * A conversation reference as stored: enough to send a proactive message into that conversation. The shape of Bot
 * Framework's ConversationReference (so one is assignable as it is), without index signatures so that botbuilder's
 * interfaces fit; any further properties are kept at run time all the same.
 */
export interface StoredConversationReference {
  channelId: string;
  serviceUrl: string;
  conversation: { id: string; conversationType?: string; tenantId?: string; isGroup?: boolean; name?: string };
  bot?: { id: string; name?: string };
  user?: { id: string; name?: string; aadObjectId?: string };
  activityId?: string;
  locale?: string;
}

/** Our name for the analysts' channel (DESIGN: the MBP service desk works in one Teams channel). */
export const SERVICE_DESK_CHANNEL = 'serviceDesk';

/**
 * Conversation references for proactive messages: a user's personal chat with the bot (keyed by Entra object id, to
 * tell a requester about their request), a channel (keyed by our name for it), and both again by conversation id.
 * Staff identities only, never patient data, so they are stored in clear.
 */
export class ConversationReferences {
  /**
   * References this process saved in the last 30 s: the same reference from the same user's next activity is not
   * written again (store/recentWrites.ts). Any other value, e.g. the "undeliverable" mark of a 403 or a fresh
   * reference clearing it, is written at once; a mark made by another bot instance is cleared within 30 s.
   */
  private readonly recent: RecentWrites;

  constructor(
    private readonly redis: Redis,
    private readonly keys: StoreKeys,
    opts: { unchangedRewriteMs?: number } = {},
  ) {
    this.recent = new RecentWrites(opts.unchangedRewriteMs ?? 30_000);
  }

  /** Saves the personal-chat reference of a user (called on every message from them, so it stays current). */
  async saveForUser(aadObjectId: string, reference: StoredConversationReference): Promise<void> {
    await this.save(this.keys.conversationOfUser(aadObjectId), reference);
  }

  /** The user's personal-chat reference, or undefined when they never talked to the bot (or removed it). */
  async getForUser(aadObjectId: string): Promise<StoredConversationReference | undefined> {
    return this.load(this.keys.conversationOfUser(aadObjectId));
  }

  /** Forgets a user's reference: Teams answered 403 because they removed the app. */
  async forgetUser(aadObjectId: string): Promise<void> {
    const key = this.keys.conversationOfUser(aadObjectId);
    this.recent.forget(key);
    await redisCall('forget a conversation reference', () => this.redis.del(key));
  }

  /** Saves a channel's reference under our name for it (default: the service-desk channel). */
  async saveForChannel(reference: StoredConversationReference, name: string = SERVICE_DESK_CHANNEL): Promise<void> {
    await this.save(this.keys.conversationOfChannel(name), reference);
  }

  /** The channel's reference, or undefined when the bot has not been added to it yet. */
  async getForChannel(name: string = SERVICE_DESK_CHANNEL): Promise<StoredConversationReference | undefined> {
    return this.load(this.keys.conversationOfChannel(name));
  }

  /** Any saved reference by its Teams conversation id. */
  async getByConversationId(conversationId: string): Promise<StoredConversationReference | undefined> {
    return this.load(this.keys.conversationById(conversationId));
  }

  private async save(key: string, reference: StoredConversationReference): Promise<void> {
    const given = JSON.stringify(reference);
    if (this.recent.isFresh(key, given)) return;
    const parsed = conversationReferenceSchema.safeParse(reference);
    // Paths only: the values are staff identities, but nothing from the input needs quoting to fix the caller.
    if (!parsed.success) throw new InvalidStoreInputError('conversation reference', parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`));
    const checked = parsed.data;
    const json = JSON.stringify(checked);
    // Forgotten first: if this write fails, the next save must not be skipped.
    this.recent.forget(key);
    await execReplies('save a conversation reference', this.redis.multi().set(key, json).set(this.keys.conversationById(checked.conversation.id), json));
    this.recent.remember(key, given);
  }

  private async load(key: string): Promise<StoredConversationReference | undefined> {
    const raw = await redisCall('read a conversation reference', () => this.redis.get(key));
    if (raw === null) return undefined;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      throw new CorruptRecordError(key, 'not JSON');
    }
    const parsed = conversationReferenceSchema.safeParse(json);
    if (!parsed.success) throw new CorruptRecordError(key, 'not a conversation reference');
    return parsed.data as unknown as StoredConversationReference;
  }
}
