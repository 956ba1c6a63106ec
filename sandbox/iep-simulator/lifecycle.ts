import { declineText, type DeclineCode } from './declineReasons';
import type { PortalState, SimEvent } from './portalState';
import { acknowledgeAt, stepMs } from './schedule';
import type { SimStatus, SimTransaction } from './simTransaction';
import { findRequestedStudies } from './studyMatch';

/**
 * Moves transactions through the guideline's statuses on the simulated clock (Appendix 1 "Statuses"):
 *   request (import):      New -> Started -> On IEP -> [our download] Download Request -> Downloading -> Delivered
 *   transfer out (export): New -> Started (uploading, outbound thread) -> On IEP -> Delivered (receiver downloaded)
 *   transfer in (2.4):     New -> Started -> On IEP -> [our download] Download Request -> Downloading -> Delivered
 * with Decline (request leaving New), Failed (any step, by fault or a DICOM error) and Purged (On IEP for 15 days).
 * Each transaction has at most one due step (`nextAt`); steps run one at a time, earliest first, so a test that moves
 * the clock sees the same history every run.
 */
export class Lifecycle {
  private running: Promise<unknown> = Promise.resolve();
  private sink: SimEvent[] = [];

  constructor(
    private readonly state: PortalState,
    private readonly onEvent: (e: SimEvent) => void = () => {},
  ) {}

  /** Runs every step due at or before `t`, in time order. Serialised: a second call waits for the first. */
  runUntil(t: number): Promise<SimEvent[]> {
    return this.exclusive(async () => {
      for (let guard = 0; guard < 1_000_000; guard++) {
        const tx = this.nextDue(t);
        if (!tx || tx.nextAt === undefined) break;
        await this.progress(tx, tx.nextAt);
      }
    });
  }

  /** Runs the single earliest due step, whenever it is; resolves with its time (undefined when nothing is scheduled). */
  step(): Promise<{ at?: number; events: SimEvent[] }> {
    let at: number | undefined;
    return this.exclusive(async () => {
      const tx = this.nextDue(Number.POSITIVE_INFINITY);
      if (!tx || tx.nextAt === undefined) return;
      at = tx.nextAt;
      await this.progress(tx, at);
    }).then((events) => ({ at, events }));
  }

  /** The time of the earliest scheduled step, if any. */
  nextAt(): number | undefined {
    return this.nextDue(Number.POSITIVE_INFINITY)?.nextAt;
  }

  /** Records a status change made here or by a contract operation (e.g. Download Request). */
  setStatus(tx: SimTransaction, status: SimStatus, at: number): void {
    const event: SimEvent = { transactionId: tx.id, from: tx.status, to: status, at: new Date(at).toISOString() };
    tx.status = status;
    tx.statusChangedAt = at;
    tx.updatedAt = at;
    tx.history.push({ status, at });
    this.sink.push(event);
    this.onEvent(event);
  }

  private async exclusive(fn: () => Promise<void>): Promise<SimEvent[]> {
    const run = this.running.then(async () => {
      this.sink = [];
      await fn();
      return this.sink;
    });
    this.running = run.catch(() => undefined);
    return run;
  }

  /** Earliest due first; at the same instant clinical emergencies first (their own thread, 2.3d), then creation order. */
  private nextDue(t: number): SimTransaction | undefined {
    let best: SimTransaction | undefined;
    for (const tx of this.state.transactions.values()) {
      if (tx.nextAt === undefined || tx.nextAt > t) continue;
      if (!best || compareDue(tx, best) < 0) best = tx;
    }
    return best;
  }

  private async progress(tx: SimTransaction, at: number): Promise<void> {
    tx.nextAt = undefined;
    switch (tx.status) {
      case 'New':
        await this.leaveNew(tx, at);
        break;
      case 'Started':
        this.finishUpload(tx, at);
        break;
      case 'On IEP':
        await this.onIepDue(tx, at);
        break;
      case 'Download Request':
        this.startDownload(tx, at);
        break;
      case 'Downloading':
        await this.finishDownload(tx, at);
        break;
      default:
        break;
    }
    this.wakeWaiters(at);
  }

  private async leaveNew(tx: SimTransaction, at: number): Promise<void> {
    // Stalled: the other institution never looks at it (Appendix 1: New = "Not looked at yet").
    if (tx.stalled || this.playFault(tx, 'Started', at)) return;
    const { archive, schedule } = this.state;
    const uploadDone = () => at + stepMs(schedule.uploadMs, tx.priority, schedule, tx.slowFactor);

    if (tx.type === 'request') {
      // Appendix 1 step 3: without the requesting clinician, consultant and department the request may be declined.
      if (!tx.requestedBy) return this.decline(tx, 'requesterDetailsMissing', at);
      let candidates;
      try {
        candidates = await archive.studiesOfPatient({ birthDate: tx.patient.birthDate, patientId: tx.patient.patientId });
      } catch {
        return this.fail(tx, "The sending institution's archive could not be searched.", at);
      }
      const found = findRequestedStudies(tx.patient, tx.exams, candidates);
      // Guideline 2.5a: "The requested study does not exist at that organisation."
      if (found.length === 0) return this.decline(tx, 'studyNotHeld', at);
      tx.studies = found;
      this.setStatus(tx, 'Started', at);
      tx.nextAt = uploadDone();
      return;
    }
    if (tx.direction === 'in') {
      this.setStatus(tx, 'Started', at);
      tx.nextAt = uploadDone();
      return;
    }
    // Our transfer: it uploads from the IEP node on an outbound thread (2.3d), or waits for one.
    if (!this.state.lanes.tryTake('outbound', tx.priority)) {
      tx.waitingFor = 'outbound';
      return;
    }
    tx.holds = 'outbound';
    const uids = tx.wantedStudies.map((s) => s.studyInstanceUid);
    try {
      let present = await archive.studiesByUid(uids);
      const missing = uids.filter((u) => !present.some((p) => p.studyInstanceUid === u));
      if (missing.length && this.state.exportSource) {
        // A study UHL PACS cannot move (unknown UID, PACS down) simply does not arrive: judged by the re-read below.
        await archive.pull(missing, this.state.exportSource).catch(() => undefined);
        present = await archive.studiesByUid(uids);
      }
      if (present.length < uids.length) return this.fail(tx, 'Not every study was received on the IEP node.', at);
      tx.studies = uids.map((u) => present.find((p) => p.studyInstanceUid === u)!);
    } catch {
      return this.fail(tx, 'The studies could not be read from the IEP node.', at);
    }
    this.setStatus(tx, 'Started', at);
    tx.nextAt = uploadDone();
  }

  private finishUpload(tx: SimTransaction, at: number): void {
    if (tx.stalled || this.playFault(tx, 'On IEP', at)) return;
    this.release(tx);
    const { schedule } = this.state;
    this.setStatus(tx, 'On IEP', at);
    // Appendix 1 "Purged": not available on IEP after 15 days.
    tx.purgeAt = at + schedule.purgeAfterMs;
    if (tx.type === 'transfer' && tx.direction === 'out') {
      // Appendix 4 step 17: once On IEP, the receiving trust downloads.
      const receiverAt = at + stepMs(schedule.receiverDownloadMs, tx.priority, schedule, tx.slowFactor);
      tx.nextAt = tx.stalled ? tx.purgeAt : Math.min(receiverAt, tx.purgeAt);
    } else {
      // Waits for us to select download, or for the purge.
      tx.nextAt = tx.purgeAt;
    }
  }

  private async onIepDue(tx: SimTransaction, at: number): Promise<void> {
    if (tx.purgeAt !== undefined && at >= tx.purgeAt) {
      if (this.playFault(tx, 'Purged', at)) return;
      this.setStatus(tx, 'Purged', at);
      return;
    }
    if (tx.stalled) {
      tx.nextAt = tx.purgeAt;
      return;
    }
    // The receiving trust downloads our transfer.
    if (this.playFault(tx, 'Delivered', at)) return;
    await this.deliver(tx, at);
  }

  private startDownload(tx: SimTransaction, at: number): void {
    if (this.playFault(tx, 'Downloading', at)) return;
    // Guideline 2.3d: four inbound threads; Download Request = "in a queue and will start once the other
    // transactions finish".
    if (!this.state.lanes.tryTake('inbound', tx.priority)) {
      tx.waitingFor = 'inbound';
      return;
    }
    tx.holds = 'inbound';
    const { schedule } = this.state;
    this.setStatus(tx, 'Downloading', at);
    tx.nextAt = at + stepMs(schedule.downloadMs, tx.priority, schedule, tx.slowFactor);
  }

  private async finishDownload(tx: SimTransaction, at: number): Promise<void> {
    if (this.playFault(tx, 'Delivered', at)) return;
    await this.deliver(tx, at);
  }

  /** C-STOREs the studies to the delivery node when it is set up here, records the delivery, marks Delivered. */
  private async deliver(tx: SimTransaction, at: number): Promise<void> {
    const node = this.state.deliveryTargets[tx.deliveryNode];
    const inbound = this.state.own.deliveryNodes.includes(tx.deliveryNode);
    if (!node && inbound) return this.fail(tx, 'The delivery node is not set up on the IEP gateway.', at);
    if (node) {
      try {
        await this.state.archive.send(tx.studies, node);
      } catch {
        return this.fail(tx, 'The images could not be delivered to the delivery node.', at);
      }
    }
    this.release(tx);
    tx.deliveredAt = at;
    this.state.deliveries.push({
      transactionId: tx.id,
      type: tx.type,
      direction: tx.direction,
      institutionId: tx.institution.id,
      deliveryNode: tx.deliveryNode,
      priority: tx.priority,
      studyInstanceUids: tx.studies.map((s) => s.studyInstanceUid),
      at: new Date(at).toISOString(),
      ...(node ? { dicomNode: node } : {}),
    });
    this.setStatus(tx, 'Delivered', at);
  }

  /** Plays an armed fail/decline fault as `tx` is about to enter `target`; true when it did. */
  private playFault(tx: SimTransaction, target: SimStatus, at: number): boolean {
    const fault = this.state.faults.take(tx, target);
    if (!fault) return false;
    if (fault.kind === 'fail') this.fail(tx, fault.reason ?? 'Transaction has failed (fault injected by the simulator).', at);
    else this.decline(tx, fault.code ?? 'other', at, fault.reason);
    return true;
  }

  private fail(tx: SimTransaction, reason: string, at: number): void {
    this.release(tx);
    tx.waitingFor = undefined;
    tx.nextAt = undefined;
    tx.failure = { reason };
    this.setStatus(tx, 'Failed', at);
  }

  private decline(tx: SimTransaction, code: DeclineCode, at: number, reason?: string): void {
    tx.decline = { code, reason: reason ?? declineText(code) };
    this.setStatus(tx, 'Decline', at);
  }

  private release(tx: SimTransaction): void {
    if (tx.holds) this.state.lanes.release(tx.holds);
    tx.holds = undefined;
  }

  /** A thread came free: waiters that could take it are due now (they compete in nextDue's order). */
  private wakeWaiters(at: number): void {
    for (const tx of this.state.transactions.values()) {
      if (tx.waitingFor && this.state.lanes.canTake(tx.waitingFor, tx.priority)) {
        tx.waitingFor = undefined;
        tx.nextAt = at;
      }
    }
  }
}

const RANK = { 'Clinical emergency': 0, Normal: 1, Batch: 2 } as const;

function compareDue(a: SimTransaction, b: SimTransaction): number {
  return (a.nextAt ?? 0) - (b.nextAt ?? 0) || RANK[a.priority] - RANK[b.priority] || a.seq - b.seq;
}

/** When a new transaction's first step is due. */
export function firstStepAt(tx: SimTransaction, state: PortalState): number {
  return acknowledgeAt(tx.createdAt, tx.priority, state.schedule, tx.slowFactor);
}
