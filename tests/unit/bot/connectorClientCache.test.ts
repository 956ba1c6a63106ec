import { ConnectorFactory, type ConnectorClient } from 'botframework-connector';
import { ConnectorClientCache } from '../../../bot/connectorClientCache';

/** A ConnectorFactory like botbuilder's ConnectorFactoryImpl: public identity fields, a new client per create. */
class CountingFactory extends ConnectorFactory {
  made = 0;
  failNext = false;
  constructor(
    readonly appId: string,
    readonly toChannelFromBotOAuthScope = 'https://api.botframework.com',
    readonly loginEndpoint = 'https://login.microsoftonline.com/botframework.com',
    readonly validateAuthority = true,
  ) {
    super();
  }

  override async create(serviceUrl: string, audience?: string): Promise<ConnectorClient> {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('no credentials');
    }
    this.made += 1;
    return { serviceUrl, audience, appId: this.appId, n: this.made } as unknown as ConnectorClient;
  }
}

describe('ConnectorClientCache', () => {
  it('answers every turn of the same bot, service URL and audience with one client, across fresh factories', async () => {
    const cache = new ConnectorClientCache();
    const a = new CountingFactory('bot-app');
    const b = new CountingFactory('bot-app');
    const first = await cache.wrap(a).create('https://smba.example/emea/', 'https://api.botframework.com');
    const second = await cache.wrap(b).create('https://smba.example/emea/', 'https://api.botframework.com');
    expect(second).toBe(first);
    expect(a.made + b.made).toBe(1);
    expect(cache.size).toBe(1);
  });

  it('keeps clients apart by service URL, audience and bot identity', async () => {
    const cache = new ConnectorClientCache();
    const f = new CountingFactory('bot-app');
    const emea = await cache.wrap(f).create('https://smba.example/emea/', 'aud');
    const amer = await cache.wrap(f).create('https://smba.example/amer/', 'aud');
    const otherAudience = await cache.wrap(f).create('https://smba.example/emea/', 'skill-app');
    const otherBot = await cache.wrap(new CountingFactory('another-app')).create('https://smba.example/emea/', 'aud');
    const otherLogin = await cache.wrap(new CountingFactory('bot-app', 'https://api.botframework.com', 'https://login.example/tenant')).create('https://smba.example/emea/', 'aud');
    expect(new Set([emea, amer, otherAudience, otherBot, otherLogin]).size).toBe(5);
    expect(cache.size).toBe(5);
  });

  it('does not keep a failed create: the next turn tries again', async () => {
    const cache = new ConnectorClientCache();
    const f = new CountingFactory('bot-app');
    f.failNext = true;
    await expect(cache.wrap(f).create('https://smba.example/emea/')).rejects.toThrow('no credentials');
    expect(cache.size).toBe(0);
    const client = await cache.wrap(f).create('https://smba.example/emea/');
    expect(client).toMatchObject({ serviceUrl: 'https://smba.example/emea/', n: 1 });
  });

  it('stays bounded: the oldest client is dropped past 64', async () => {
    const cache = new ConnectorClientCache();
    const f = new CountingFactory('bot-app');
    const first = await cache.wrap(f).create('https://smba.example/0/');
    for (let i = 1; i <= 64; i += 1) await cache.wrap(f).create(`https://smba.example/${i}/`);
    expect(cache.size).toBe(64);
    const again = await cache.wrap(f).create('https://smba.example/0/');
    expect(again).not.toBe(first);
    expect(f.made).toBe(66);
  });
});
