import type { Redis } from 'ioredis';
import { scriptOf } from './redisScript';

/** Teams' documented limits for a bot posting into one conversation: 7 messages a second and 1,800 an hour. */
export const TEAMS_CONVERSATION_LIMITS = { perSecond: 7, perHour: 1800 } as const;

/**
 * A sliding-window log per conversation in one sorted set (one Lua script, so concurrent bot instances count
 * together): drop entries older than an hour, refuse when the hour or the last second is full (answering how long
 * until a slot frees), otherwise record this send. Redis' own clock (TIME) is used so instances with skewed clocks
 * agree. Written here because no rate-limiting library is among our dependencies and BullMQ's limiter is per queue,
 * not per conversation.
 */
const TAKE_SLOT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local perSecond = tonumber(ARGV[1])
local perHour = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - 3600000)
if redis.call('ZCARD', KEYS[1]) >= perHour then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return math.max(1, tonumber(oldest[2]) + 3600000 - now)
end
local recent = redis.call('ZRANGEBYSCORE', KEYS[1], now - 999, '+inf', 'WITHSCORES', 'LIMIT', 0, perSecond)
if #recent >= perSecond * 2 then
  return math.max(1, tonumber(recent[2]) + 1000 - now)
end
redis.call('ZADD', KEYS[1], now, now .. '-' .. ARGV[3])
redis.call('PEXPIRE', KEYS[1], 3600000)
return 0
`;

/** The per-conversation limiter of proactive sends. */
export class ConversationRateLimiter {
  private seq = 0;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly limits: { perSecond: number; perHour: number } = TEAMS_CONVERSATION_LIMITS,
  ) {}

  /**
   * Takes a slot for one send into `conversationId` (a channel thread counts against its channel): 0 when the send
   * may go now (and it is counted), otherwise the milliseconds until a slot frees (nothing is counted).
   */
  async take(conversationId: string): Promise<number> {
    const key = `${this.prefix}:teams:rate:${conversationId.split(';')[0]}`;
    const member = `${process.pid}.${++this.seq}.${Math.random().toString(36).slice(2, 8)}`;
    const wait = await scriptOf(this.redis, 'itbTeamsTakeSlot', TAKE_SLOT, 1)(key, String(this.limits.perSecond), String(this.limits.perHour), member);
    return Number(wait);
  }
}
