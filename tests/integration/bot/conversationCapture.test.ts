import { TestAdapter, TurnContext, type Activity } from 'botbuilder';
import type { Redis } from 'ioredis';
import { captureConversation } from '../../../bot/conversationCapture';
import type { Store } from '../../../store';
import { capturingLogger } from '../../support/logCapture';
import { connect, dropPrefix, freshKey, storeFor } from '../store/storeHarness';
import { uniquePrefix } from '../../support/services';

const DESK_CHANNEL = '19:desk-channel@thread.tacv2';
const roles = { serviceDeskTeamId: '19:desk-team@thread.tacv2', serviceDeskChannelId: DESK_CHANNEL };
const aad = 'aaaaaaaa-1111-4000-8000-000000000001';

function personal(over: Partial<Activity> = {}): Activity {
  return {
    type: 'message',
    id: 'act-1',
    channelId: 'msteams',
    serviceUrl: 'https://smba.example/uk/',
    from: { id: '29:user', name: 'Dr Capture', aadObjectId: aad.toUpperCase() },
    recipient: { id: '28:bot', name: 'Imaging Transfer Bot' },
    conversation: { id: 'a:personal-1', conversationType: 'personal', tenantId: 't1' } as Activity['conversation'],
    ...over,
  } as Activity;
}

describe('captureConversation on real Redis', () => {
  let redis: Redis;
  let prefix: string;
  let store: Store;
  beforeAll(() => {
    redis = connect();
  });
  beforeEach(() => {
    prefix = uniquePrefix('capture');
    store = storeFor(redis, prefix, [freshKey('keyA')]);
  });
  afterEach(async () => {
    await dropPrefix(redis, prefix);
  });
  afterAll(async () => {
    await redis.quit();
  });

  const capture = async (activity: Activity) => {
    const log = capturingLogger('debug');
    await captureConversation(new TurnContext(new TestAdapter(), activity), store.conversations, roles, log.logger);
    return log.output();
  };

  it('keeps a user\'s personal-chat reference (by lower-case Entra id), without the activity id', async () => {
    expect(await capture(personal())).toBe('');
    const saved = await store.conversations.getForUser(aad);
    expect(saved).toMatchObject({ channelId: 'msteams', serviceUrl: 'https://smba.example/uk/', conversation: { id: 'a:personal-1' }, user: { aadObjectId: aad.toUpperCase() } });
    expect(saved).not.toHaveProperty('activityId');
    // The user's next activity from a new service URL replaces it.
    await capture(personal({ id: 'act-2', serviceUrl: 'https://smba.example/emea/' }));
    expect(await store.conversations.getForUser(aad)).toMatchObject({ serviceUrl: 'https://smba.example/emea/' });
  });

  it('keeps nothing, and logs nothing, for an activity a proactive message could not use', async () => {
    const out = await capture(personal({ serviceUrl: '' }));
    expect(out).toBe('');
    expect(await store.conversations.getForUser(aad)).toBeUndefined();
  });

  it('keeps the service-desk channel\'s reference from a message in that channel, pointing at the channel itself', async () => {
    await capture(
      personal({
        from: { id: '29:analyst', name: 'Analyst', aadObjectId: 'bbbbbbbb-1111-4000-8000-000000000002' },
        conversation: { id: `${DESK_CHANNEL};messageid=123`, conversationType: 'channel', isGroup: true } as Activity['conversation'],
        channelData: { channel: { id: DESK_CHANNEL }, team: { id: roles.serviceDeskTeamId } },
      }),
    );
    expect(await store.conversations.getForChannel()).toMatchObject({ conversation: { id: DESK_CHANNEL, conversationType: 'channel', isGroup: true } });
    expect(await store.conversations.getForUser('bbbbbbbb-1111-4000-8000-000000000002')).toBeUndefined();
  });
});
