import { createHmac, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import http from 'node:http';

/**
 * A local stand-in for the Bot Framework's OpenID metadata (login.botframework.com/v1/.well-known/openidconfiguration)
 * and its key set, so the authentication matrix runs botbuilder's real token validation against keys we hold.
 *
 * The key set carries `endorsements` per key, as Microsoft's does: botbuilder only accepts a token signed by a key
 * endorsed for the activity's channelId ("msteams").
 */

/** One RSA signing key the stub publishes (or, with `published: false`, keeps to itself: an attacker's key). */
export interface StubSigningKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** Channel ids the key is endorsed for in the JWKS; botbuilder skips the channel check when this is empty. */
  endorsements: string[];
  published: boolean;
}

/** The claims a Bot Framework channel token carries (docs: "Authenticate requests from the Bot Connector service"). */
export interface ChannelTokenClaims {
  iss?: string;
  aud?: string;
  serviceurl?: string;
  nbf?: number;
  exp?: number;
  [claim: string]: unknown;
}

const b64url = (v: Buffer | string): string => Buffer.from(v).toString('base64url');

/** header.payload, base64url-encoded JSON: the part a JWS signature covers. */
export function jwsSigningInput(header: Record<string, unknown>, claims: Record<string, unknown>): string {
  return `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
}

/**
 * Signs a compact JWS by hand with node:crypto. Hand-written on purpose: the matrix needs tokens no well-behaved JWT
 * library will produce (alg none, HS256 keyed with the RSA public key), and the brief asks for no new packages.
 */
export function signJws(header: Record<string, unknown>, claims: Record<string, unknown>, key: { rsa: KeyObject } | { hmacSecret: Buffer | string } | 'none'): string {
  const input = jwsSigningInput(header, claims);
  if (key === 'none') return `${input}.`;
  const signature = 'rsa' in key ? sign('sha256', Buffer.from(input), key.rsa) : createHmac('sha256', key.hmacSecret).update(input).digest();
  return `${input}.${b64url(signature)}`;
}

/** A fresh 2048-bit RSA key pair. */
export function newSigningKey(kid: string, endorsements: string[], published = true): StubSigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { kid, privateKey, publicKey, endorsements, published };
}

/**
 * The stub server: GET /.well-known/openidconfiguration and GET /keys, on 127.0.0.1 and a free port.
 * Its issuer is its own base URL, which the bot is configured to trust (BOT_TOKEN_ISSUER).
 */
export class OpenIdStub {
  private server?: http.Server;
  private base = '';
  /** How many times botbuilder fetched the metadata and the key set (it caches them for 24 h). */
  readonly hits = { metadata: 0, keys: 0 };

  constructor(readonly keys: StubSigningKey[]) {}

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (req.method === 'GET' && req.url === '/.well-known/openidconfiguration') {
        this.hits.metadata++;
        return send(200, {
          issuer: this.issuer,
          authorization_endpoint: `${this.base}/authorize`,
          jwks_uri: `${this.base}/keys`,
          id_token_signing_alg_values_supported: ['RS256'],
          token_endpoint_auth_methods_supported: ['private_key_jwt'],
        });
      }
      if (req.method === 'GET' && req.url === '/keys') {
        this.hits.keys++;
        return send(200, { keys: this.keys.filter((k) => k.published).map((k) => this.jwk(k)) });
      }
      send(404, { error: 'not found' });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.base = `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
  }

  /** What BOT_OPENID_METADATA_URL points at. */
  get metadataUrl(): string {
    return `${this.base}/.well-known/openidconfiguration`;
  }

  /** The token issuer (BOT_TOKEN_ISSUER); Bot Framework's own is https://api.botframework.com. */
  get issuer(): string {
    return `${this.base}/issuer`;
  }

  key(kid: string): StubSigningKey {
    const k = this.keys.find((x) => x.kid === kid);
    if (!k) throw new Error(`openIdStub: no key ${kid}`);
    return k;
  }

  /** A correctly signed RS256 channel token (5 min back-dated nbf, 1 h life), with `overrides` applied to the claims. */
  channelToken(claims: ChannelTokenClaims, opts: { kid?: string; header?: Record<string, unknown> } = {}): string {
    const kid = opts.kid ?? this.keys[0]!.kid;
    const now = Math.floor(Date.now() / 1000);
    const body = { iss: this.issuer, nbf: now - 300, exp: now + 3600, ...claims };
    return signJws({ alg: 'RS256', typ: 'JWT', kid, x5t: kid, ...opts.header }, body, { rsa: this.key(kid).privateKey });
  }

  private jwk(k: StubSigningKey): Record<string, unknown> {
    const { n, e, kty } = k.publicKey.export({ format: 'jwk' });
    return { kty, use: 'sig', kid: k.kid, x5t: k.kid, n, e, endorsements: k.endorsements };
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}
