import type { Actor } from '../actor';
import type { RequestKind } from '../requestKind';
import { assertTransition } from './transitions';
import type { RequestStatus } from './requestStatus';

/**
 * One status change as it is stored and audited: who, when and why. `why` is a short non-identifying explanation
 * ("approved", "IEP status On IEP", "no details after 14 days (2.4d)"); `note` is what a person typed (e.g. a rejection
 * reason) and may mention the patient, so it is stored encrypted and never logged.
 */
export interface Transition {
  requestId: string;
  kind: RequestKind;
  from: RequestStatus;
  to: RequestStatus;
  /** ISO 8601 instant in UTC, e.g. "2026-03-29T00:30:00.000Z". */
  at: string;
  by: Actor;
  why: string;
  note?: string;
}

/** What the caller supplies for a transition; `at` comes from the caller's clock. */
export interface TransitionInput {
  requestId: string;
  kind: RequestKind;
  from: RequestStatus;
  to: RequestStatus;
  at: Date;
  by: Actor;
  why: string;
  note?: string;
}

/** Checks the change against the lifecycle and returns its record; throws IllegalTransitionError when not allowed. */
export function makeTransition(input: TransitionInput): Transition {
  assertTransition(input.kind, input.from, input.to);
  return {
    requestId: input.requestId,
    kind: input.kind,
    from: input.from,
    to: input.to,
    at: input.at.toISOString(),
    by: input.by,
    why: input.why,
    ...(input.note !== undefined ? { note: input.note } : {}),
  };
}
