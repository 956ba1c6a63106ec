import type { FieldError, RequestStatus } from '../domain';

/**
 * Why a use-case did not do what was asked, with a message written for the person who asked (never quoting patient
 * data). Handlers render these; invokes turn them into typed error responses.
 */
export type Refusal =
  /** The actor's role (or ownership) does not allow it. Audited. */
  | { outcome: 'denied'; message: string }
  /** No such request, or none the actor may see (the two read the same, so references cannot be probed). */
  | { outcome: 'notFound'; message: string }
  /** Allowed in principle, but not in the request's current status. */
  | { outcome: 'notNow'; message: string; status: RequestStatus }
  /** The card's values have problems, one per field; the card is re-rendered with them. */
  | { outcome: 'invalid'; errors: FieldError[] }
  /** A dependency (Redis, PAS, service desk) failed: nothing misleading was done; try again. */
  | { outcome: 'unavailable'; message: string; requestId?: string };

/** The refusal kinds, for switch statements and typed invoke errors. */
export type RefusalKind = Refusal['outcome'];

/** True for a Refusal (every use-case outcome has an `outcome` tag). */
export function isRefusal(o: { outcome: string }): o is Refusal {
  return ['denied', 'notFound', 'notNow', 'invalid', 'unavailable'].includes(o.outcome);
}
