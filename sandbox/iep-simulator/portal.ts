import { searchDirectory, type SimInstitution } from './directory';
import { firstStepAt, Lifecycle } from './lifecycle';
import type { PortalState, SimDelivery, SimEvent } from './portalState';
import type { NewRequestBody, NewTransferBody, WirePatient } from './requestBodies';
import type { SimClock } from './simClock';
import type { SimMessage, SimPriority, SimStatus, SimTransaction } from './simTransaction';
import type { FaultMatch, TransactionFault } from './transactionFaults';

/** A refusal the contract defines: HTTP status and error code (docs/iep-contract.md "Errors"). */
export class PortalError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: string[],
  ) {
    super(message);
    this.name = 'PortalError';
  }
}

/** Filters of GET /transactions. */
export interface ListQuery {
  direction?: 'in' | 'out';
  status?: SimStatus;
  updatedSince?: number;
  externalReference?: string;
  limit: number;
  /** Return transactions after this sequence number. */
  afterSeq?: number;
}

/** The contract's operations over the simulator's state, and the clock controls. */
export class Portal {
  readonly lifecycle: Lifecycle;

  constructor(
    private readonly state: PortalState,
    readonly clock: SimClock,
    onEvent?: (e: SimEvent) => void,
  ) {
    this.lifecycle = new Lifecycle(state, onEvent);
  }

  institutions(name: string): SimInstitution[] {
    return searchDirectory(this.state.directory, name);
  }

  institution(id: string): SimInstitution {
    const found = this.state.directory.find((i) => i.id === id);
    if (!found) throw new PortalError(404, 'INSTITUTION_NOT_FOUND', 'no institution with that id');
    return found;
  }

  /** Create request (import). Idempotent on the external reference. */
  createRequest(body: NewRequestBody): { tx: SimTransaction; created: boolean } {
    const source = this.otherInstitution(body.institutionId);
    // Appendix 1 step 5: "Leave the delivery node as UHLPACSWFM01".
    if (!this.state.own.deliveryNodes.includes(body.deliveryNode)) throw new PortalError(400, 'UNKNOWN_DELIVERY_NODE', 'the delivery node is not one of ours');
    // Appendix 1 step 2: the address is needed only when the NHS number is not available.
    if (!body.patient.nhsNumber && !body.patient.address) throw new PortalError(400, 'VALIDATION_FAILED', 'without an NHS number the address is required', ['patient.address: required without nhsNumber']);
    const replay = this.replay(body.externalReference, 'request', body);
    if (replay) return { tx: replay, created: false };
    const tx = this.add({
      type: 'request',
      direction: 'out',
      externalReference: body.externalReference,
      institution: { id: source.id, name: source.name },
      priority: body.priority,
      deliveryNode: body.deliveryNode,
      patient: body.patient,
      dicomHeaderPatientId: body.dicomHeaderPatientId,
      exams: body.exams,
      requestedBy: body.requestedBy,
      requiredBy: body.requiredBy,
      wantedStudies: [],
      studies: [],
    });
    return { tx, created: true };
  }

  /** Create transfer (export). Idempotent on the external reference. */
  createTransfer(body: NewTransferBody): { tx: SimTransaction; created: boolean } {
    const destination = this.otherInstitution(body.institutionId);
    // Appendix 4 step 14: the destination node must be one of the destination's ("NUH Radiology PACS").
    if (!destination.deliveryNodes.includes(body.deliveryNode)) throw new PortalError(400, 'UNKNOWN_DELIVERY_NODE', "the delivery node is not one of the destination's");
    // Appendix 4 step 9: "If there is no NHS number enter a reason".
    if (!body.patient.nhsNumber && !body.patient.noNhsNumberReason) throw new PortalError(400, 'VALIDATION_FAILED', 'without an NHS number a reason is required', ['patient.noNhsNumberReason: required without nhsNumber']);
    if (new Set(body.studies.map((s) => s.studyInstanceUid)).size !== body.studies.length) throw new PortalError(400, 'VALIDATION_FAILED', 'a study is listed twice', ['studies: duplicate studyInstanceUid']);
    const replay = this.replay(body.externalReference, 'transfer', body);
    if (replay) return { tx: replay, created: false };
    const tx = this.add({
      type: 'transfer',
      direction: 'out',
      externalReference: body.externalReference,
      institution: { id: destination.id, name: destination.name },
      priority: body.priority,
      deliveryNode: body.deliveryNode,
      patient: body.patient,
      exams: [],
      requiredBy: body.requiredBy,
      wantedStudies: body.studies,
      studies: [],
    });
    return { tx, created: true };
  }

  get(id: string): SimTransaction {
    const tx = this.state.transactions.get(id);
    if (!tx) throw new PortalError(404, 'TRANSACTION_NOT_FOUND', 'no transaction with that id');
    return tx;
  }

  /** Oldest first, one page. */
  list(q: ListQuery): { transactions: SimTransaction[]; lastSeq?: number; more: boolean } {
    const matches = [...this.state.transactions.values()]
      .filter(
        (tx) =>
          (q.direction === undefined || tx.direction === q.direction) &&
          (q.status === undefined || tx.status === q.status) &&
          (q.updatedSince === undefined || tx.updatedAt >= q.updatedSince) &&
          (q.externalReference === undefined || tx.externalReference === q.externalReference) &&
          (q.afterSeq === undefined || tx.seq > q.afterSeq),
      )
      .sort((a, b) => a.seq - b.seq);
    const page = matches.slice(0, q.limit);
    return { transactions: page, lastSeq: page.at(-1)?.seq, more: matches.length > page.length };
  }

  /**
   * "Select download" (Appendix 1 "On IEP: ... available to download from IEP after selecting download"). Asking
   * again once asked changes nothing.
   */
  requestDownload(id: string): { tx: SimTransaction; accepted: boolean } {
    const tx = this.get(id);
    const bringsImagesToUs = (tx.type === 'request' && tx.direction === 'out') || (tx.type === 'transfer' && tx.direction === 'in');
    if (!bringsImagesToUs) throw new PortalError(409, 'NOT_DOWNLOADABLE', 'only requests and incoming transfers are downloaded');
    if (tx.status === 'Download Request' || tx.status === 'Downloading' || tx.status === 'Delivered') return { tx, accepted: false };
    if (tx.status === 'Purged') throw new PortalError(410, 'PURGED', 'the images are no longer on IEP');
    if (tx.status !== 'On IEP') throw new PortalError(409, 'NOT_ON_IEP', 'the images are not on IEP yet');
    const now = this.clock.now();
    this.lifecycle.setStatus(tx, 'Download Request', now);
    tx.nextAt = now + this.state.schedule.downloadQueueMs;
    return { tx, accepted: true };
  }

  /** Posts our message; idempotent on clientMessageId. */
  postMessage(id: string, text: string, clientMessageId: string): { message: SimMessage; created: boolean } {
    const tx = this.get(id);
    const existing = tx.messages.find((m) => m.clientMessageId === clientMessageId);
    if (existing) return { message: existing, created: false };
    return { message: this.addMessage(tx, this.state.own, text, clientMessageId), created: true };
  }

  /** A message from the other institution (sandbox control: e.g. the sender answering guideline 2.4b). */
  addRemoteMessage(id: string, text: string): SimMessage {
    const tx = this.get(id);
    return this.addMessage(tx, tx.institution, text);
  }

  /** Images with no request from us (guideline 2.4): a transfer in from `institutionId` carrying archive studies. */
  async addIncoming(opts: { institutionId: string; studyInstanceUids: string[]; priority: SimPriority; message?: string }): Promise<SimTransaction> {
    const sender = this.otherInstitution(opts.institutionId);
    const studies = await this.state.archive.studiesByUid(opts.studyInstanceUids);
    if (studies.length !== new Set(opts.studyInstanceUids).size) throw new PortalError(400, 'STUDY_NOT_IN_ARCHIVE', 'not every study is in the remote archive');
    const p = studies[0]?.patient;
    if (!p?.birthDate) throw new PortalError(400, 'STUDY_NOT_IN_ARCHIVE', 'the studies carry no patient birth date');
    const patient: WirePatient = { patientId: p.patientId, familyName: p.familyName, givenNames: p.givenNames, birthDate: p.birthDate };
    if (p.nhsNumber) patient.nhsNumber = p.nhsNumber;
    if (p.sex === 'M' || p.sex === 'F' || p.sex === 'O') patient.sex = p.sex;
    const tx = this.add({
      type: 'transfer',
      direction: 'in',
      institution: { id: sender.id, name: sender.name },
      priority: opts.priority,
      deliveryNode: this.state.own.deliveryNodes[0] ?? '',
      patient,
      exams: [],
      wantedStudies: studies.map((s) => ({ studyInstanceUid: s.studyInstanceUid })),
      studies,
    });
    // Guideline 2.4a: the details may be "available within the IEP request message".
    if (opts.message) this.addMessage(tx, tx.institution, opts.message);
    return tx;
  }

  /** Arms a transaction fault; a transactionId or externalReference must name a transaction that exists or will. */
  armFault(fault: TransactionFault, match: FaultMatch): void {
    let existing: SimTransaction | undefined;
    if (match.transactionId !== undefined) existing = this.get(match.transactionId);
    else if (match.externalReference !== undefined) existing = [...this.state.transactions.values()].find((t) => t.externalReference === match.externalReference);
    else if (match.next !== true) throw new PortalError(400, 'VALIDATION_FAILED', 'say which transaction: transactionId, externalReference or next');
    if (fault.kind === 'decline' && existing && (existing.type !== 'request' || existing.status !== 'New')) {
      throw new PortalError(409, 'NOT_DECLINABLE', 'only a request still New can be declined');
    }
    this.state.faults.arm(fault, match, existing);
  }

  deliveries(): readonly SimDelivery[] {
    return this.state.deliveries;
  }

  /** Moves the clock to `t`, running every step due on the way at its own time. */
  async advanceTo(t: number): Promise<SimEvent[]> {
    if (t < this.clock.now()) throw new PortalError(409, 'CLOCK_BACKWARDS', 'the simulated clock cannot go backwards');
    const events = await this.lifecycle.runUntil(t);
    if (this.clock.mode === 'manual' && t > this.clock.now()) this.clock.set(t);
    return events;
  }

  /** Runs the next scheduled step, moving a manual clock to its time. */
  async step(): Promise<SimEvent[]> {
    const { at, events } = await this.lifecycle.step();
    if (at !== undefined && this.clock.mode === 'manual' && at > this.clock.now()) this.clock.set(at);
    return events;
  }

  private otherInstitution(id: string): SimInstitution {
    const found = this.state.directory.find((i) => i.id === id);
    if (!found) throw new PortalError(400, 'UNKNOWN_INSTITUTION', 'no institution with that id');
    if (found.id === this.state.own.id) throw new PortalError(400, 'UNKNOWN_INSTITUTION', 'the institution is our own');
    return found;
  }

  /**
   * The transaction already made with this external reference, if any. The same reference for a different
   * transaction (type, institution, node or priority) is a caller bug: 409, never a silent merge.
   */
  private replay(ref: string, type: 'request' | 'transfer', body: NewRequestBody | NewTransferBody): SimTransaction | undefined {
    const tx = [...this.state.transactions.values()].find((t) => t.direction === 'out' && t.externalReference === ref);
    if (!tx) return undefined;
    const same = tx.type === type && tx.institution.id === body.institutionId && tx.deliveryNode === body.deliveryNode && tx.priority === body.priority;
    if (!same) throw new PortalError(409, 'EXTERNAL_REFERENCE_CONFLICT', 'the external reference was used for a different transaction');
    return tx;
  }

  private add(
    fields: Omit<SimTransaction, 'id' | 'seq' | 'status' | 'statusChangedAt' | 'createdAt' | 'updatedAt' | 'slowFactor' | 'stalled' | 'history' | 'messages'>,
  ): SimTransaction {
    const now = this.clock.now();
    const seq = ++this.state.counters.transaction;
    const tx: SimTransaction = {
      ...fields,
      id: `TX${String(seq).padStart(8, '0')}`,
      seq,
      status: 'New',
      statusChangedAt: now,
      createdAt: now,
      updatedAt: now,
      slowFactor: 1,
      stalled: false,
      history: [{ status: 'New', at: now }],
      messages: [],
    };
    this.state.transactions.set(tx.id, tx);
    this.state.faults.onCreated(tx);
    tx.nextAt = firstStepAt(tx, this.state);
    return tx;
  }

  private addMessage(tx: SimTransaction, author: { id: string; name: string }, text: string, clientMessageId?: string): SimMessage {
    const now = this.clock.now();
    const message: SimMessage = {
      id: `MSG${String(++this.state.counters.message).padStart(8, '0')}`,
      at: now,
      author: { institutionId: author.id, name: author.name },
      text,
      ...(clientMessageId ? { clientMessageId } : {}),
    };
    tx.messages.push(message);
    tx.updatedAt = Math.max(tx.updatedAt, now);
    return message;
  }
}
