import {
  isCallRef,
  isRequestKind,
  isRequestStatus,
  priorityLaneOf,
  PRIORITY_LANES,
  type CallRef,
  type LocalDate,
  type Priority,
  type PriorityLane,
  type RequestKind,
  type RequestStatus,
  type TransferRequest,
  type Transition,
} from '../domain';
import { CorruptRecordError } from './errors';

/**
 * What the store keeps in clear about a request: queryable, non-identifying facts (kind, priority, status, required-by
 * date, trust name, call reference, the requester's Entra id). Everything else of the request, the patient above all,
 * is in the sealed body. This is also what survives the retention purge.
 */
export interface RequestSummary {
  id: string;
  kind: RequestKind;
  status: RequestStatus;
  /** Bumped by every write; pass it back to update() for optimistic concurrency. */
  version: number;
  lane: PriorityLane;
  /** Import and export only (trauma and CDs have a lane but no chosen priority). */
  priority?: Priority;
  requiredBy?: LocalDate;
  /** The other organisation: where images come from (import) or go to (export, trauma). */
  organisation?: string;
  /** Exams asked for, or studies picked (trauma). */
  examCount: number;
  callRef?: CallRef;
  /** Entra object id of the person who submitted it (for "my requests" and notifications). */
  requester: string;
  /** ISO 8601 UTC instants. */
  createdAt: string;
  updatedAt: string;
  /** When it entered its current status. */
  statusSince: string;
  /** When it reached a terminal status. */
  endedAt?: string;
  /** When the retention job removed its patient identifiers. */
  purgedAt?: string;
}

/** A request as read back: clear facts, the decrypted body and the decrypted history. */
export interface StoredRequest extends RequestSummary {
  /** The validated request as submitted or last updated; undefined once the retention job has purged it. */
  request?: TransferRequest;
  /** Every status change, oldest first. `note` is absent after the purge. */
  history: Transition[];
}

/** The clear facts derived from a request body. */
export type RequestFacts = Pick<RequestSummary, 'kind' | 'lane' | 'priority' | 'requiredBy' | 'organisation' | 'examCount'>;

/** Derives the clear facts from a validated request. */
export function factsOf(request: TransferRequest): RequestFacts {
  const lane = priorityLaneOf(request);
  switch (request.kind) {
    case 'import':
      return {
        kind: 'import',
        lane,
        priority: request.priority,
        requiredBy: request.requiredBy,
        organisation: request.sourceOrganisation,
        examCount: request.exams.length,
      };
    case 'export':
      return {
        kind: 'export',
        lane,
        priority: request.priority,
        requiredBy: request.requiredBy,
        organisation: request.destination.organisation,
        examCount: request.exams.length,
      };
    case 'trauma':
      return { kind: 'trauma', lane, organisation: request.destination.organisation, examCount: request.studyInstanceUids.length };
    case 'cdImport':
      return { kind: 'cdImport', lane, examCount: request.exams.length };
  }
}

/** The record-hash fields holding clear facts (undefined ones are removed, so a changed body leaves no stale fact). */
export function factFields(facts: RequestFacts): { set: string[]; remove: string[] } {
  const entries: Array<[string, string | number | undefined]> = [
    ['kind', facts.kind],
    ['lane', facts.lane],
    ['priority', facts.priority],
    ['requiredBy', facts.requiredBy],
    ['organisation', facts.organisation],
    ['examCount', facts.examCount],
  ];
  return {
    set: entries.filter(([, v]) => v !== undefined).flatMap(([k, v]) => [k, String(v)]),
    remove: entries.filter(([, v]) => v === undefined).map(([k]) => k),
  };
}

/** Field of the record hash holding the sealed request body. */
export const BODY_FIELD = 'body';
/** Field holding the space-separated patient lookup tokens (HMACs), so a purge or rotation can unindex them. */
export const PATIENT_TOKENS_FIELD = 'patientTokens';
/** Field holding the sealed note of the transition at history index `n`. */
export function noteField(n: number): string {
  return `note:${n}`;
}
/** True for a sealed-note field name. */
export function isNoteField(field: string): boolean {
  return /^note:\d+$/.test(field);
}

/** Associated data for the sealed body: binds it to this request. */
export function bodyAad(requestId: string): string {
  return `${requestId}|body`;
}
/** Associated data for a transition note: binds it to this request and this history entry. */
export function noteAad(requestId: string, n: number): string {
  return `${requestId}|note:${n}`;
}

/** Reads the clear facts from a record hash (HGETALL); throws CorruptRecordError when required ones are missing. */
export function summaryFromHash(key: string, h: Record<string, string>): RequestSummary {
  const { id, kind, status, lane, requester, createdAt, updatedAt, statusSince } = h;
  const version = Number(h.version);
  const examCount = Number(h.examCount);
  if (!id || !requester || !createdAt || !updatedAt || !statusSince) throw new CorruptRecordError(key, 'missing required fields');
  if (!isRequestKind(kind)) throw new CorruptRecordError(key, 'unknown kind');
  if (!isRequestStatus(status)) throw new CorruptRecordError(key, 'unknown status');
  if (!(PRIORITY_LANES as readonly string[]).includes(lane ?? '')) throw new CorruptRecordError(key, 'unknown lane');
  if (!Number.isInteger(version) || version < 1 || !Number.isInteger(examCount)) throw new CorruptRecordError(key, 'bad counters');
  if (h.callRef !== undefined && !isCallRef(h.callRef)) throw new CorruptRecordError(key, 'bad call reference');
  return {
    id,
    kind,
    status,
    version,
    lane: lane as PriorityLane,
    ...(h.priority !== undefined ? { priority: h.priority as Priority } : {}),
    ...(h.requiredBy !== undefined ? { requiredBy: h.requiredBy as LocalDate } : {}),
    ...(h.organisation !== undefined ? { organisation: h.organisation } : {}),
    examCount,
    ...(h.callRef !== undefined ? { callRef: h.callRef as CallRef } : {}),
    requester,
    createdAt,
    updatedAt,
    statusSince,
    ...(h.endedAt !== undefined ? { endedAt: h.endedAt } : {}),
    ...(h.purgedAt !== undefined ? { purgedAt: h.purgedAt } : {}),
  };
}

/** A history entry as stored: the Transition without requestId and kind (the record has them) and without the note. */
export type StoredTransitionEntry = Omit<Transition, 'requestId' | 'kind' | 'note'> & { hasNote?: true };

/** Parses one stored history entry back into a Transition (the note is added by the caller after decrypting). */
export function transitionFromEntry(key: string, requestId: string, kind: RequestKind, json: string): Transition & { hasNote: boolean } {
  let entry: StoredTransitionEntry;
  try {
    entry = JSON.parse(json) as StoredTransitionEntry;
  } catch {
    throw new CorruptRecordError(key, 'history entry is not JSON');
  }
  if (!isRequestStatus(entry.from) || !isRequestStatus(entry.to) || typeof entry.at !== 'string') {
    throw new CorruptRecordError(key, 'history entry without from/to/at');
  }
  return { requestId, kind, from: entry.from, to: entry.to, at: entry.at, by: entry.by, why: entry.why, hasNote: entry.hasNote === true };
}

/** The stored form of a transition. */
export function entryOf(t: Transition): StoredTransitionEntry {
  return { from: t.from, to: t.to, at: t.at, by: t.by, why: t.why, ...(t.note !== undefined ? { hasNote: true as const } : {}) };
}
