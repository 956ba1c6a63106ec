import { CloudAdapter, ConfigurationBotFrameworkAuthentication, ConfigurationServiceClientCredentialFactory } from 'botbuilder';
import { Redis } from 'ioredis';
import { ConversationRateLimiter } from '../../../bot/notifications/conversationRateLimiter';
import { ProactiveSender } from '../../../bot/notifications/proactiveSender';
import { SANDBOX_ENCRYPTION_KEY } from '../../../config/encryptionKeys';
import { createLogger } from '../../../config/logger';
import { createStore } from '../../../store';
import { ConnectorStub } from '../../support/connectorStub';
import { testRedisUrl, uniquePrefix } from '../../support/services';

const CHANNEL_ID = '19:itb-iep-requests@thread.tacv2';
const ANALYST = 'c9024da4-7ef1-42a5-b4d4-a703d7be7128';
const BOT = { id: '28:00000000-0000-0000-0000-0000000b0701', name: 'Imaging Transfer Bot' };

/**
 * Before anyone has spoken in the service-desk channel there is no stored channel reference. The first approval card
 * must still reach the channel: it is addressed by the configured channel id on the serviceUrl an approver's personal
 * reference carries.
 */
describe('service-desk channel without a stored reference', () => {
  let redis: Redis;
  let connector: ConnectorStub;
  let serviceUrl: string;
  const prefix = uniquePrefix('channel-fallback');

  beforeAll(async () => {
    redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: 1 });
    connector = new ConnectorStub();
    serviceUrl = await connector.start();
  });
  afterAll(async () => {
    await connector.stop();
    redis.disconnect();
  });

  function sender(fallback?: { channelId: string; approverAadObjectIds: string[] }) {
    const store = createStore(redis, { redis: { url: testRedisUrl(), prefix }, encryptionKeys: [SANDBOX_ENCRYPTION_KEY] });
    const creds = new ConfigurationServiceClientCredentialFactory({ MicrosoftAppId: '', MicrosoftAppPassword: '', MicrosoftAppType: 'MultiTenant' });
    const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}, creds));
    const s = new ProactiveSender({
      adapter, appId: '', conversations: store.conversations, limiter: new ConversationRateLimiter(redis, prefix),
      logger: createLogger({ level: 'silent' }), ...(fallback ? { channelFallback: fallback } : {}),
    });
    return { s, store };
  }

  it('has nowhere to send without a fallback or an approver\'s reference', async () => {
    expect(await sender().s.send({ audience: 'channel' }, { text: 'x' })).toEqual({ delivered: false, reason: 'noConversation' });
    expect(await sender({ channelId: CHANNEL_ID, approverAadObjectIds: [ANALYST] }).s.send({ audience: 'channel' }, { text: 'x' })).toEqual({
      delivered: false,
      reason: 'noConversation',
    });
    expect(connector.received).toHaveLength(0);
  });

  it('posts to the configured channel id on the approver\'s serviceUrl', async () => {
    const { s, store } = sender({ channelId: CHANNEL_ID, approverAadObjectIds: [ANALYST] });
    await store.conversations.saveForUser(ANALYST, { channelId: 'msteams', serviceUrl, bot: BOT, user: { id: '29:analyst', name: 'Analyst' }, conversation: { id: 'a:analyst-chat', conversationType: 'personal' } });
    const sent = await s.send({ audience: 'channel' }, { text: 'Approval needed' });
    expect(sent).toMatchObject({ delivered: true, conversationId: CHANNEL_ID });
    const [post] = await connector.waitFor(1);
    // botbuilder posts a proactive message as a reply to the synthetic continuation activity: /activities/<id>.
    expect(post!.path.startsWith(`/v3/conversations/${encodeURIComponent(CHANNEL_ID)}/activities`)).toBe(true);
    expect(post!.body.text).toBe('Approval needed');
  });
});
