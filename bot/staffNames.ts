import type { Redis } from 'ioredis';
import { RecentWrites } from '../store';

/** What the channel cards call the bot and the workers when they act. */
export const BOT_DISPLAY_NAME = 'Imaging Transfer Bot';

/**
 * Teams display names of staff by Entra object id, so cards can say "Approved by Bronwen Achterberg" for a decision
 * made by anyone, including from a worker's notice long after. Saved from every incoming activity (from.name); staff
 * identity, not patient data. One Redis hash; names are short and the staff list is small.
 */
export class StaffNames {
  // A name saved by this process in the last 5 minutes is not written again on every activity (store/recentWrites.ts).
  private readonly recent = new RecentWrites(5 * 60_000);

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private get key(): string {
    return `${this.prefix}:teams:staffNames`;
  }

  async remember(aadObjectId: string, displayName: string | undefined): Promise<void> {
    const name = displayName?.trim().slice(0, 100);
    if (!name) return;
    const id = aadObjectId.toLowerCase();
    if (this.recent.isFresh(id, name)) return;
    this.recent.forget(id);
    await this.redis.hset(this.key, id, name);
    this.recent.remember(id, name);
  }

  /** Names for these ids; an unknown id is absent from the map. */
  async lookup(aadObjectIds: readonly string[]): Promise<Map<string, string>> {
    const ids = [...new Set(aadObjectIds.map((i) => i.toLowerCase()))];
    if (ids.length === 0) return new Map();
    const names = await this.redis.hmget(this.key, ...ids);
    return new Map(ids.flatMap((id, i) => (names[i] ? [[id, names[i]!] as [string, string]] : [])));
  }
}
