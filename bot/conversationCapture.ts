import { TurnContext, type Activity } from 'botbuilder';
import type { AppConfig } from '../config';
import type { Logger } from '../config/logger';
import { InvalidStoreInputError, type ConversationReferences, type StoredConversationReference } from '../store';

/** What Teams puts in channelData for team and channel conversations. */
interface TeamsChannelData {
  team?: { id?: string };
  channel?: { id?: string };
  tenant?: { id?: string };
}

/** The channel id a team activity came from: channelData.channel.id, else the conversation id without ";messageid=". */
export function channelIdOf(activity: Partial<Activity>): string | undefined {
  const cd = activity.channelData as TeamsChannelData | undefined;
  return cd?.channel?.id ?? activity.conversation?.id?.split(';')[0];
}

/**
 * Keeps the conversation references proactive messages need, on every incoming activity (so they stay current:
 * Teams may move a tenant to another serviceUrl):
 *  - a user's personal chat with the bot, by their Entra object id (requesters hear about their requests there);
 *  - the service-desk channel, from any activity in the service-desk team or that channel: the reference points at
 *    the configured channel id, so a post starts a new thread there.
 * A fresh save also clears an "undeliverable" mark a 403 left on the reference: the user is talking to the bot again.
 * Staff identities only; failures are logged and never spoil the turn.
 */
export async function captureConversation(
  context: TurnContext,
  conversations: ConversationReferences,
  roles: Pick<AppConfig['roles'], 'serviceDeskTeamId' | 'serviceDeskChannelId'>,
  logger: Logger,
): Promise<void> {
  const activity = context.activity;
  const { activityId: _activityId, ...reference } = TurnContext.getConversationReference(activity);
  try {
    const type = activity.conversation?.conversationType;
    const aadObjectId = activity.from?.aadObjectId?.toLowerCase();
    if (type === 'personal' && aadObjectId) {
      // The store checks the reference (and skips one it saved unchanged moments ago, before any check).
      await conversations.saveForUser(aadObjectId, reference as StoredConversationReference);
      return;
    }
    const channelId = roles.serviceDeskChannelId;
    if (type !== 'channel' || !channelId) return;
    const cd = activity.channelData as TeamsChannelData | undefined;
    const fromDeskTeam = roles.serviceDeskTeamId !== undefined && cd?.team?.id === roles.serviceDeskTeamId;
    if (!fromDeskTeam && channelIdOf(activity) !== channelId) return;
    const conversation = { ...activity.conversation, id: channelId, conversationType: 'channel', isGroup: true };
    await conversations.saveForChannel({ ...reference, conversation } as StoredConversationReference);
  } catch (err) {
    // An activity without what a proactive send needs (service URL, conversation id) has nothing to keep.
    if (err instanceof InvalidStoreInputError) return;
    logger.warn({ activityId: activity.id, errType: (err as Error).name }, 'conversation reference not saved');
  }
}
