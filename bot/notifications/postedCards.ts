import type { Redis } from 'ioredis';
import { scriptOf } from './redisScript';

/** Which card about a request: the channel's approval card, or the requester's latest status card. */
export type PostedCardRole = 'approval' | 'status';

/** Where a posted card is, so it can be updated in place (context.updateActivity). Ids only. */
export interface PostedCard {
  conversationId: string;
  activityId: string;
  /** ISO 8601 instant it was posted. */
  at: string;
  /** The request's version the card shows; a refresh updates it only when the request has moved on. Absent: unknown. */
  version?: number;
}

// Long enough for any request's life (2.4d cancels after two weeks; IEP purges after 15 days), then forgotten.
const KEEP_SECONDS = 90 * 24 * 3600;

// Atomic "the highest version claimed so far": a lower or equal version loses.
const CLAIM =
  "local c = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '-1') if c >= tonumber(ARGV[2]) then return 0 end " +
  "redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) redis.call('EXPIRE', KEYS[1], ARGV[3]) return 1";
const RELEASE = "if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then redis.call('HDEL', KEYS[1], ARGV[1]) return 1 end return 0";

/**
 * The Teams activity ids of cards posted about each request, in one Redis hash per request. Teams ids, not patient
 * data. (Kept in bot/ because it is about Teams activities; it could move into store/ beside the conversation
 * references.)
 */
export class PostedCards {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(requestId: string): string {
    return `${this.prefix}:teams:postedCards:${requestId}`;
  }

  async record(requestId: string, role: PostedCardRole, card: PostedCard): Promise<void> {
    await this.redis.multi().hset(this.key(requestId), role, JSON.stringify(card)).expire(this.key(requestId), KEEP_SECONDS).exec();
  }

  async get(requestId: string, role: PostedCardRole): Promise<PostedCard | undefined> {
    const raw = await this.redis.hget(this.key(requestId), role);
    return raw ? (JSON.parse(raw) as PostedCard) : undefined;
  }

  /**
   * Claims the right to update the card to `version`: true for exactly one caller per version, however many notify
   * jobs race (the requester's notice and the card refresh both run after a decision, with worker concurrency above
   * one). A claim is kept beside the card in the same hash (`<role>.claimed`); `releaseUpdate` gives it back when the
   * send failed and will be retried.
   */
  async claimUpdate(requestId: string, role: PostedCardRole, version: number): Promise<boolean> {
    const won = await scriptOf(this.redis, 'itbPostedCardClaim', CLAIM, 1)(this.key(requestId), `${role}.claimed`, String(version), String(KEEP_SECONDS));
    return Number(won) === 1;
  }

  /** Gives a claim back (only if it is still ours), so a retried job can update the card. */
  async releaseUpdate(requestId: string, role: PostedCardRole, version: number): Promise<void> {
    await scriptOf(this.redis, 'itbPostedCardRelease', RELEASE, 1)(this.key(requestId), `${role}.claimed`, String(version));
  }

  async all(requestId: string): Promise<Partial<Record<PostedCardRole, PostedCard>>> {
    const raw = await this.redis.hgetall(this.key(requestId));
    const out: Partial<Record<PostedCardRole, PostedCard>> = {};
    for (const role of ['approval', 'status'] as const) if (raw[role]) out[role] = JSON.parse(raw[role]) as PostedCard;
    return out;
  }
}
