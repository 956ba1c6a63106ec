import type { SimPriority } from './simTransaction';

/**
 * UHL's IEP threads (guideline 2.3d): "five outbound threads, one is assigned to blue light clinical emergency only and
 * four inbound threads". A transfer holds an outbound thread while it uploads; a download holds an inbound one.
 */
export class ThreadLanes {
  private outboundInUse = 0;
  private inboundInUse = 0;

  constructor(
    private readonly outbound: number,
    private readonly reservedForClinicalEmergency: number,
    private readonly inbound: number,
  ) {}

  /** True when a thread is free for this priority: only clinical emergencies may use the reserved ones. */
  canTake(lane: 'outbound' | 'inbound', priority: SimPriority): boolean {
    if (lane === 'inbound') return this.inboundInUse < this.inbound;
    const limit = priority === 'Clinical emergency' ? this.outbound : this.outbound - this.reservedForClinicalEmergency;
    return this.outboundInUse < limit;
  }

  /** Takes a thread if one is free for this priority. */
  tryTake(lane: 'outbound' | 'inbound', priority: SimPriority): boolean {
    if (!this.canTake(lane, priority)) return false;
    if (lane === 'inbound') this.inboundInUse += 1;
    else this.outboundInUse += 1;
    return true;
  }

  release(lane: 'outbound' | 'inbound'): void {
    if (lane === 'inbound') this.inboundInUse = Math.max(0, this.inboundInUse - 1);
    else this.outboundInUse = Math.max(0, this.outboundInUse - 1);
  }

  inUse(): { outbound: number; inbound: number } {
    return { outbound: this.outboundInUse, inbound: this.inboundInUse };
  }
}
