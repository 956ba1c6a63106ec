import type { DeclineCode } from './declineReasons';
import type { SimStatus, SimTransaction } from './simTransaction';

/**
 * Faults a test arms against a transaction (or the next one created), played by the lifecycle at its next step:
 *  - fail: the transaction goes to Failed with `reason` (Appendix 1: "Transaction has failed, check details");
 *  - decline: the sending institution declines a request with a reason (guideline 2.5a);
 *  - slow: every later step takes `factor` times as long;
 *  - stall: the other side never acts; the transaction stays where it is (On IEP is still purged after 15 days).
 * `when` (fail only) names the status the transaction was about to enter, e.g. "Downloading" fails the download.
 */
export type TransactionFault =
  | { kind: 'fail'; reason?: string; when?: SimStatus }
  | { kind: 'decline'; code?: DeclineCode; reason?: string }
  | { kind: 'slow'; factor: number }
  | { kind: 'stall' };

/** Which transaction a fault is for. */
export interface FaultMatch {
  transactionId?: string;
  externalReference?: string;
  /** The next transaction created (of any kind). */
  next?: boolean;
}

interface Armed {
  fault: TransactionFault;
  match: FaultMatch;
  boundTo?: string;
}

/** Armed faults, bound to a transaction when it is known, consumed when played. */
export class TransactionFaults {
  private armed: Armed[] = [];

  /** Arms a fault; binds it at once when the match names an existing transaction. */
  arm(fault: TransactionFault, match: FaultMatch, existing: SimTransaction | undefined): void {
    const a: Armed = { fault, match };
    if (existing) this.bind(a, existing);
    else this.armed.push(a);
  }

  /** Called when a transaction is created: binds faults waiting for it. */
  onCreated(tx: SimTransaction): void {
    for (const a of this.armed.filter((x) => x.boundTo === undefined)) {
      const hits = a.match.next === true || (a.match.externalReference !== undefined && a.match.externalReference === tx.externalReference);
      if (hits) {
        this.armed = this.armed.filter((x) => x !== a);
        this.bind(a, tx);
      }
    }
  }

  /**
   * The fail or decline fault to play as `tx` is about to enter `target`, removed once taken. Declines only play as a
   * request leaves New: it is the sending institution's answer to being asked.
   */
  take(tx: SimTransaction, target: SimStatus): Extract<TransactionFault, { kind: 'fail' | 'decline' }> | undefined {
    const i = this.armed.findIndex((a) => {
      if (a.boundTo !== tx.id) return false;
      if (a.fault.kind === 'fail') return a.fault.when === undefined || a.fault.when === target;
      if (a.fault.kind === 'decline') return tx.status === 'New' && tx.type === 'request';
      return false;
    });
    if (i < 0) return undefined;
    const [a] = this.armed.splice(i, 1);
    return a?.fault as Extract<TransactionFault, { kind: 'fail' | 'decline' }>;
  }

  private bind(a: Armed, tx: SimTransaction): void {
    // slow and stall change the transaction itself; fail and decline wait for its next step.
    if (a.fault.kind === 'slow') tx.slowFactor *= a.fault.factor;
    else if (a.fault.kind === 'stall') tx.stalled = true;
    else this.armed.push({ ...a, boundTo: tx.id });
  }
}
