/**
 * The simulator's clock. `manual`: time stands still until a test moves it (POST /control/clock, /control/step), so
 * every transition happens at a known simulated instant. `realtime`: time runs with the wall clock, `speed` times as
 * fast, for script/server demos (speed 60: an hour of IEP in a minute).
 */
export type ClockMode = 'manual' | 'realtime';

export class SimClock {
  private simBase: number;
  private wallBase: number;

  constructor(
    start: Date,
    readonly mode: ClockMode = 'manual',
    readonly speed = 1,
    private readonly wallNow: () => number = Date.now,
  ) {
    if (!(speed > 0)) throw new Error('clock speed must be positive');
    this.simBase = start.getTime();
    this.wallBase = wallNow();
  }

  /** Simulated epoch milliseconds. */
  now(): number {
    return this.mode === 'manual' ? this.simBase : this.simBase + (this.wallNow() - this.wallBase) * this.speed;
  }

  /**
   * Moves the clock to `t`. Never backwards: transitions already happened at their times, and going back would let
   * a transaction be purged before it was created.
   */
  set(t: number): void {
    if (!Number.isFinite(t)) throw new RangeError('the time must be a finite number');
    if (t < this.now()) throw new RangeError('the simulated clock cannot go backwards');
    this.simBase = t;
    this.wallBase = this.wallNow();
  }
}
