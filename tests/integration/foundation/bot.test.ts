import { startBot, type RunningBot } from '../../../bot/app';
import { ConnectorStub } from '../../support/connectorStub';
import { teamsActivity, postActivity } from '../../support/activities';
import { testConfig } from '../../support/config';
import { capturingLogger } from '../../support/logCapture';
import { uniquePrefix } from '../../support/services';

describe('bot edge over real HTTP', () => {
  let bot: RunningBot;
  let connector: ConnectorStub;
  let serviceUrl: string;
  const log = capturingLogger();

  beforeAll(async () => {
    connector = new ConnectorStub();
    serviceUrl = await connector.start();
    bot = await startBot(testConfig({ REDIS_PREFIX: uniquePrefix('bot') }), log.logger, { port: 0 });
  });
  afterAll(async () => {
    await bot.close();
    await connector.stop();
  });

  it('answers a Teams "help" message with the help card, sent to the activity serviceUrl', async () => {
    const before = connector.received.length;
    const res = await postActivity(bot.url, teamsActivity('personal-message-help', { serviceUrl }));
    expect(res.status).toBe(200);
    const [reply] = (await connector.waitFor(before + 1)).slice(before);
    expect(reply!.path).toBe('/v3/conversations/a%3A1zQ8Wm0example-personal-conversation-id_XyZ/activities/1763892902531');
    const card = reply!.body.attachments?.[0];
    expect(card?.contentType).toBe('application/vnd.microsoft.card.adaptive');
    const text = JSON.stringify(card?.content);
    expect(text).toContain('Imaging Transfer Bot');
    for (const command of ['import', 'export', 'trauma', 'status ‹call ref›', 'cancel ‹call ref›']) expect(text).toContain(command);
  });

  it('strips a channel @mention before matching the command', async () => {
    const before = connector.received.length;
    await postActivity(bot.url, teamsActivity('personal-message-help', { serviceUrl, id: 'mention-1', text: '<at>Imaging Transfer Bot</at> help' }));
    const [reply] = (await connector.waitFor(before + 1)).slice(before);
    expect(reply!.body.attachments?.[0]?.contentType).toBe('application/vnd.microsoft.card.adaptive');
  });

  it('tells the user when a message is not a command', async () => {
    const before = connector.received.length;
    await postActivity(bot.url, teamsActivity('personal-message-help', { serviceUrl, id: 'unknown-1', text: 'what is the weather' }));
    const [reply] = (await connector.waitFor(before + 1)).slice(before);
    expect(reply!.body.text).toMatch(/didn't recognise.*help/i);
  });

  it('serves /healthz and /readyz, and 404s unknown routes', async () => {
    expect((await fetch(`${bot.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${bot.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ready: true, checks: { redis: 'ok', queues: 'ok' } });
    expect((await fetch(`${bot.url}/api/nothing-here`)).status).toBe(404);
    expect((await fetch(`${bot.url}/admin`, { method: 'POST' })).status).toBe(404);
  });

  it('refuses a body over the size limit with 413, before any turn runs', async () => {
    const before = connector.received.length;
    const huge = teamsActivity('personal-message-help', { serviceUrl, text: 'x'.repeat(400 * 1024) });
    const res = await postActivity(bot.url, huge);
    expect(res.status).toBe(413);
    await new Promise((r) => setTimeout(r, 200));
    expect(connector.received.length).toBe(before);
  });
});

describe('tenant filter', () => {
  it('serves only the configured tenant: another tenant gets no reply', async () => {
    const connector = new ConnectorStub();
    const serviceUrl = await connector.start();
    const log = capturingLogger();
    const bot = await startBot(testConfig({ REDIS_PREFIX: uniquePrefix('tenant'), ALLOWED_TENANT_ID: '3b6c2a10-7d4e-4f0b-8c1a-9e2d5f6a7b80' }), log.logger, { port: 0 });
    try {
      const ours = await postActivity(bot.url, teamsActivity('personal-message-help', { serviceUrl, id: 'ours' }));
      expect(ours.status).toBe(200);
      await connector.waitFor(1);
      const stranger = teamsActivity('personal-message-help', {
        serviceUrl, id: 'theirs', channelData: { tenant: { id: '99999999-0000-0000-0000-000000000000' } },
        conversation: { conversationType: 'personal', tenantId: '99999999-0000-0000-0000-000000000000', id: 'a:other' },
      });
      expect((await postActivity(bot.url, stranger)).status).toBe(403);
      await new Promise((r) => setTimeout(r, 300));
      expect(connector.received.map((a) => a.path)).toEqual([expect.stringContaining('/activities/ours')]);
      expect(log.output()).toContain('activity from another tenant refused');
    } finally {
      await bot.close();
      await connector.stop();
    }
  });
});
