import type { EncryptionKey } from '../config';
import type { Actor, CallRef, RequestStatus, TransferRequest, Transition } from '../domain';
import type { AuditRecord } from './auditTrail';
import type { RequestSummary } from './requestRecord';

/*
 * The shapes RequestStore takes and returns (re-exported by requestStore.ts and store/index.ts).
 */

/** How the store is built. */
export interface RequestStoreOptions {
  /** Key prefix (config.redis.prefix); keep its hash tag. */
  prefix: string;
  /** config.encryptionKeys: the first seals new values, all of them open old ones. */
  encryptionKeys: readonly EncryptionKey[];
  /** How long a create or transition remembers its idempotency key (default 24 h). */
  idempotencyTtlSeconds?: number;
  /** Refuse audit events whose facts look like patient data (default true; see checkAuditFacts). */
  refuseSuspiciousAuditFacts?: boolean;
  /** transition() without expectedVersion re-reads and retries this many times after a conflict (default 5). */
  conflictRetries?: number;
}

/** A request to store: the validated body and who submitted it. */
export interface NewRequest {
  /** Our request id; a random UUID when absent. Not patient data: it goes in job payloads and logs. */
  id?: string;
  request: TransferRequest;
  /** Entra object id of the submitter (from the Teams activity, never from card data). */
  requester: string;
  actor: Actor;
  at: Date;
  callRef?: CallRef;
  /** e.g. the card submission's activity id: a repeated submission returns the first request instead of a second. */
  idempotencyKey?: string;
}

/** What create() did. */
export interface CreateOutcome {
  id: string;
  version: number;
  /** False when the idempotency key had already created this request. */
  created: boolean;
  /** The record as this create wrote it (absent when the key had already created it: read it). */
  written?: WrittenRecord;
}

/**
 * A record as the caller's own write left it: its clear facts and its history length. Hand it to the next
 * transition as `basis` to skip that transition's read; the guarded write still checks version and status, so a
 * record someone else changed in between is re-read, never overwritten.
 */
export interface WrittenRecord {
  summary: RequestSummary;
  historyLength: number;
}

/** A change to a request other than its status. */
export interface RequestChange {
  at: Date;
  /** Replaces the body (e.g. the requester supplied missing details); the kind must stay the same. */
  request?: TransferRequest;
  /** Sets the call reference the service desk gave (the store does not allocate them). */
  callRef?: CallRef;
  /** Audit events to append in the same atomic step. */
  audit?: readonly AuditRecord[];
}

/** How to apply a transition. */
export interface TransitionOptions {
  actor: Actor;
  at: Date;
  /** Short, non-identifying reason ("approved", "IEP status On IEP"); goes into the history and the audit. */
  reason: string;
  /** What a person typed (e.g. a rejection reason): stored encrypted, never audited or logged. */
  note?: string;
  /** A repeated delivery with the same key returns the first outcome and changes nothing. */
  idempotencyKey?: string;
  /** Fail with ConflictError unless the record is still at this version (otherwise: re-read and retry on conflict). */
  expectedVersion?: number;
  /** Sets the call reference in the same step (e.g. submitted -> logged). */
  callRef?: CallRef;
  /** Further audit events for the same atomic step (e.g. iep.statusSeen). */
  audit?: readonly AuditRecord[];
  /**
   * The record as this caller's previous write left it (an outcome's `written`): the transition is decided from it
   * without reading the record. Stale or wrong, it costs a re-read (the guarded write answers "conflict"), nothing else.
   */
  basis?: WrittenRecord;
  /**
   * A second transition from `to`, in the same atomic write (same actor and time; e.g. logged -> awaitingApproval at
   * intake): its own history entry, version, "request.statusChanged" audit and idempotency key, one round trip for
   * both. A chain the lifecycle does not allow is refused (InvalidChangeError) and nothing is written.
   */
  then?: { to: RequestStatus; reason: string; idempotencyKey?: string };
}

/** What transition() did. */
export interface TransitionOutcome {
  transition: Transition;
  /** The record's version right after this transition. */
  version: number;
  /** True when this was a repeat delivery: the stored first outcome is returned and nothing changed. */
  replayed: boolean;
  /** The record right after this transition (absent on a replay: read it); after `then`'s, when one was asked for. */
  written?: WrittenRecord;
  /** `then`, when it was applied with this transition. */
  then?: { transition: Transition; version: number };
}

/** What a purge did. */
export type PurgeOutcome = 'purged' | 'alreadyPurged' | 'missing';

/** What re-encrypting one record did, and the key ids its values named before. */
export interface ReencryptOutcome {
  outcome: 'reencrypted' | 'current' | 'purged' | 'missing';
  keyIdsBefore: string[];
}
