/** The roles the bot grants (from Teams identity, never from card data). */
export const ACTOR_ROLES = ['requester', 'analyst', 'radiologist', 'admin'] as const;

/** One of ACTOR_ROLES. */
export type ActorRole = (typeof ACTOR_ROLES)[number];

/**
 * Who did something: a person, by their Entra object id (not patient data, fine in audit and logs), or a part of the
 * system (a worker or a scheduled check) by name.
 */
export type Actor =
  | { type: 'user'; aadObjectId: string; role: ActorRole }
  | { type: 'system'; component: string };
