import type { Redis } from 'ioredis';

/**
 * A Lua script as a command of this connection (ioredis defineCommand: EVALSHA, EVAL only when Redis lost its script
 * cache), defined once per connection: EVAL sent the whole script text on every call.
 */
export function scriptOf(redis: Redis, name: string, lua: string, numberOfKeys: number): (...args: string[]) => Promise<unknown> {
  const commands = redis as unknown as Record<string, ((...args: string[]) => Promise<unknown>) | undefined>;
  if (typeof commands[name] !== 'function') redis.defineCommand(name, { numberOfKeys, lua });
  return (...args) => commands[name]!.call(redis, ...args);
}
