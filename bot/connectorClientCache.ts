import { ConnectorFactory, type ConnectorClient } from 'botframework-connector';

/** How many distinct (identity, serviceUrl, audience) clients are kept: Teams uses a handful of service URLs. */
const MAX_CLIENTS = 64;

/** The parts of botbuilder's ConnectorFactoryImpl that decide which credentials its clients carry (public fields). */
interface FactoryIdentity {
  appId?: unknown;
  toChannelFromBotOAuthScope?: unknown;
  loginEndpoint?: unknown;
  validateAuthority?: unknown;
}

/**
 * Keeps the ConnectorClients botbuilder makes, one per bot identity, service URL and audience, instead of one per
 * turn. CloudAdapter builds a fresh ConnectorFactory for every inbound activity and proactive send, and each
 * `create` builds a new ConnectorClient with its own HTTP pipeline: about a millisecond of CPU per turn on the
 * submit path (profile of script/bench bot). A client holds no per-conversation state (the conversation is a
 * parameter of each call) and its credentials fetch and renew tokens on every request through botbuilder's shared
 * token cache, so one client per key serves every turn, as botbuilder's older BotFrameworkAdapter did.
 * Bounded: the oldest entry is dropped past MAX_CLIENTS. A failed `create` is not kept.
 */
export class ConnectorClientCache {
  private readonly clients = new Map<string, Promise<ConnectorClient>>();

  /** A factory that answers from this cache, making clients with `inner` on a miss. */
  wrap(inner: ConnectorFactory): ConnectorFactory {
    const identity = inner as unknown as FactoryIdentity;
    const prefix = JSON.stringify([identity.appId, identity.toChannelFromBotOAuthScope, identity.loginEndpoint, identity.validateAuthority, inner.constructor.name]);
    return new CachedConnectorFactory((serviceUrl, audience) => {
      const key = `${prefix}|${serviceUrl}|${audience ?? ''}`;
      const cached = this.clients.get(key);
      if (cached) return cached;
      const made = inner.create(serviceUrl, audience);
      this.clients.set(key, made);
      if (this.clients.size > MAX_CLIENTS) this.clients.delete(this.clients.keys().next().value as string);
      made.catch(() => {
        if (this.clients.get(key) === made) this.clients.delete(key);
      });
      return made;
    });
  }

  /** How many clients are kept (tests). */
  get size(): number {
    return this.clients.size;
  }
}

class CachedConnectorFactory extends ConnectorFactory {
  constructor(private readonly make: (serviceUrl: string, audience?: string) => Promise<ConnectorClient>) {
    super();
  }

  override create(serviceUrl: string, audience?: string): Promise<ConnectorClient> {
    return this.make(serviceUrl, audience);
  }
}
