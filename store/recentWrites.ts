/**
 * What this process last wrote under a key, and when: lets a write that would store the same value again within
 * `freshMs` be skipped. For data refreshed on every incoming activity (a user's conversation reference, their display
 * name) that rarely changes: a clinician's open-form, submit and status clicks each re-saved the same reference (one
 * MULTI and two schema checks per activity). A value that differs is always written, and after `freshMs` the same
 * value is written again, so a copy lost by Redis (a restart inside the AOF's one-second window) or changed by another
 * bot instance is put right by the next activity after that. Bounded: past `max` keys the oldest is forgotten.
 */
export class RecentWrites {
  private readonly written = new Map<string, { value: string; at: number }>();

  constructor(
    private readonly freshMs: number,
    private readonly max = 10_000,
    private readonly clock: () => number = Date.now,
  ) {}

  /** True when this process wrote exactly `value` under `key` less than `freshMs` ago. */
  isFresh(key: string, value: string): boolean {
    const last = this.written.get(key);
    return last !== undefined && last.value === value && this.clock() - last.at < this.freshMs;
  }

  /** Records a write that succeeded. */
  remember(key: string, value: string): void {
    this.written.delete(key);
    this.written.set(key, { value, at: this.clock() });
    if (this.written.size > this.max) this.written.delete(this.written.keys().next().value as string);
  }

  /** Forgets a key (its value was removed or may have been changed by this process another way). */
  forget(key: string): void {
    this.written.delete(key);
  }
}
