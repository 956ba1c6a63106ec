import { TeamsInfo, type TurnContext } from 'botbuilder';
import type { AppActor } from '../app/appActor';
import type { AppConfig } from '../config';
import type { Logger } from '../config/logger';
import type { ActorRole } from '../domain';

/** Asks Teams whether a user is a member of a team: true, false (404), or throws when Teams cannot say. */
export type TeamMembershipCheck = (context: TurnContext, teamId: string, userId: string) => Promise<boolean>;

/**
 * Team membership through TeamsInfo.getTeamMember (GET /v3/conversations/{teamId}/members/{userId}); the deprecated
 * getMembers/getTeamMembers are not used (DESIGN). A 404 means "not a member"; anything else is thrown.
 */
export const teamsMembershipCheck: TeamMembershipCheck = async (context, teamId, userId) => {
  try {
    await TeamsInfo.getTeamMember(context, teamId, userId);
    return true;
  } catch (err) {
    const status = (err as { statusCode?: number }).statusCode;
    if (status === 404) return false;
    throw err;
  }
};

interface CachedAnswer {
  member: boolean;
  until: number;
}

// A bound on the cache, so a flood of distinct ids cannot grow it without limit.
const MAX_CACHED = 5000;

/**
 * Who the sender of an activity is, and what they may do, from Teams identity only (from.aadObjectId; ids inside card
 * data are never trusted). Every member of our tenant is a requester; approvers ("analyst") are the configured Entra
 * ids or members of the service-desk team; on-call radiologists are configured ids (guideline 2.8, Appendix 4).
 * Team membership is asked of Teams and trusted for config.roles.cacheSeconds, in memory: each bot instance asks at
 * most once per user per period, and a removal takes effect within it. When Teams cannot answer, the user is not an
 * approver this time (fail closed) and nothing is cached.
 */
export class RoleResolver {
  private readonly cache = new Map<string, CachedAnswer>();

  constructor(
    private readonly roles: AppConfig['roles'],
    private readonly logger: Logger,
    private readonly membership: TeamMembershipCheck = teamsMembershipCheck,
    private readonly now: () => number = Date.now,
  ) {}

  /** The actor for this activity, or undefined when it carries no Entra identity (then nothing may be done). */
  async actorOf(context: TurnContext): Promise<AppActor | undefined> {
    const from = context.activity.from;
    const aadObjectId = from?.aadObjectId?.trim().toLowerCase();
    if (!aadObjectId) return undefined;
    const roles: ActorRole[] = ['requester'];
    if (await this.isApprover(context, aadObjectId, from.id)) roles.push('analyst');
    if (this.roles.oncallRadiologistAadObjectIds.includes(aadObjectId)) roles.push('radiologist');
    return { aadObjectId, roles, ...(from.name ? { displayName: from.name } : {}) };
  }

  private async isApprover(context: TurnContext, aadObjectId: string, userId: string): Promise<boolean> {
    if (this.roles.approverAadObjectIds.includes(aadObjectId)) return true;
    const teamId = this.roles.serviceDeskTeamId;
    if (!teamId) return false;
    const key = `${teamId}|${aadObjectId}`;
    const cached = this.cache.get(key);
    if (cached && cached.until > this.now()) return cached.member;
    try {
      const member = await this.membership(context, teamId, userId);
      if (this.cache.size >= MAX_CACHED) this.cache.delete(this.cache.keys().next().value as string);
      this.cache.set(key, { member, until: this.now() + this.roles.cacheSeconds * 1000 });
      return member;
    } catch (err) {
      this.logger.warn({ aadObjectId, errType: (err as Error).name, status: (err as { statusCode?: number }).statusCode }, 'team membership check failed; not treated as an approver');
      return false;
    }
  }
}
