import type { Actor, ActorRole } from '../domain';

/**
 * The person acting, as bot/roles.ts resolved them from the Teams activity (from.aadObjectId, checked against the
 * configured role lists and the service-desk team) — never from card data. Every Teams user of our tenant may request.
 */
export interface AppActor {
  /** Entra object id, lower-case (GUIDs compare case-insensitively). */
  aadObjectId: string;
  roles: readonly ActorRole[];
  /** Teams display name, for "Approved by ... at 14:05". Staff identity, not patient data. */
  displayName?: string;
}

/** True when the actor holds `role`. */
export function hasRole(actor: AppActor, role: ActorRole): boolean {
  return actor.roles.includes(role);
}

/** The domain Actor recorded in history and audit, naming the role under which the action was allowed. */
export function auditActor(actor: AppActor, role: ActorRole): Actor {
  return { type: 'user', aadObjectId: actor.aadObjectId, role };
}

/** True when the actor submitted the request (the store keeps the requester's Entra object id). */
export function isRequesterOf(actor: AppActor, request: { requester: string }): boolean {
  return request.requester.toLowerCase() === actor.aadObjectId.toLowerCase();
}
