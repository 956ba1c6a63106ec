import http from 'node:http';
import https from 'node:https';

/**
 * One HTTP(S) request/response exchange with a peer, with a deadline, a response size cap and TLS options, and every
 * way it can fail sorted into a few kinds the client turns into typed errors.
 *
 * Hand-written on node:http/https rather than global fetch because fetch (undici) cannot take a private CA, client
 * certificate or per-client agent without the undici package, which is not a dependency of ours; and because node's
 * error codes tell a TLS failure from a refused connection, which fetch folds into one "fetch failed".
 * Shared by the HTTP integrations (PAS, service desk, IEP): transport only, nothing of any one system. Callers mark
 * a POST `idempotent` when it is safe to resend (every IEP POST is: creates carry the external reference, messages a
 * client message id, and a download request is a no-op once made).
 */
export interface TlsOptions {
  /** Extra trusted CA certificate(s), PEM. Node's default roots still apply unless `ca` replaces them (node semantics). */
  ca?: string | Buffer | Array<string | Buffer>;
  /** Client certificate and key (PEM), for peers that want mutual TLS. */
  cert?: string | Buffer;
  key?: string | Buffer;
}

export interface ExchangeRequest {
  url: URL;
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  headers: Record<string, string>;
  body?: string;
  /** The whole exchange (connect, send, receive the body) must finish within this. */
  timeoutMs: number;
  /** Bodies over this are refused rather than buffered (PAS, IEP and service-desk answers are a few KB). */
  maxBodyBytes: number;
  /** May be sent again on a fresh socket after a stale keep-alive reset. Default: GET only. */
  idempotent?: boolean;
}

export interface ExchangeResponse {
  status: number;
  contentType: string | undefined;
  body: string;
}

export type ExchangeFailureKind = 'unreachable' | 'timeout' | 'tls' | 'too-large';

/** Why an exchange produced no response. `code` is node's error code (e.g. ECONNREFUSED, DEPTH_ZERO_SELF_SIGNED_CERT). */
export class ExchangeFailure extends Error {
  constructor(
    readonly kind: ExchangeFailureKind,
    readonly code: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(`${kind}${code ? ` (${code})` : ''}`, options);
    this.name = 'ExchangeFailure';
  }
}

/** OpenSSL / node certificate and handshake codes: the peer was reached but could not be trusted. */
const TLS_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_SIGNATURE_FAILURE',
  'HOSTNAME_MISMATCH',
  'EPROTO',
]);

/** True for node/OpenSSL codes that mean "TLS failed" rather than "network failed" (shared with the DICOM clients). */
export function isTlsCode(code: string | undefined): boolean {
  return code !== undefined && (TLS_CODES.has(code) || code.startsWith('ERR_TLS_') || code.startsWith('ERR_SSL_'));
}

/** A reusable agent for one client: keeps connections alive and carries the TLS options. */
export function createAgent(url: URL, tls: TlsOptions | undefined): http.Agent {
  return url.protocol === 'https:'
    ? new https.Agent({ keepAlive: true, maxSockets: 16, ca: tls?.ca, cert: tls?.cert, key: tls?.key })
    : new http.Agent({ keepAlive: true, maxSockets: 16 });
}

/**
 * Runs one exchange. Resolves with any HTTP status (the caller decides what a 4xx means); rejects with ExchangeFailure.
 * An idempotent call (GET by default) that fails with a reset on a kept-alive socket is sent once more on a fresh
 * one: the peer closed an idle connection just as we reused it, which node documents as the case for
 * `request.reusedSocket`.
 */
export async function exchange(agent: http.Agent, req: ExchangeRequest): Promise<ExchangeResponse> {
  try {
    return await exchangeOnce(agent, req);
  } catch (err) {
    if (err instanceof StaleSocketFailure && (req.idempotent ?? req.method === 'GET')) return exchangeOnce(agent, req);
    throw err instanceof StaleSocketFailure ? err.failure : err;
  }
}

/** A reset on a reused socket: retried for idempotent calls by `exchange`, otherwise reported as `failure`. */
class StaleSocketFailure extends Error {
  constructor(readonly failure: ExchangeFailure) {
    super('stale keep-alive socket');
  }
}

function exchangeOnce(agent: http.Agent, req: ExchangeRequest): Promise<ExchangeResponse> {
  const transport = req.url.protocol === 'https:' ? https : http;
  return new Promise<ExchangeResponse>((resolve, reject) => {
    let settled = false;
    const fail = (failure: ExchangeFailure) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(failure);
    };
    const headers: Record<string, string> = { ...req.headers };
    if (req.body !== undefined) headers['content-length'] = String(Buffer.byteLength(req.body));
    const outgoing = transport.request(req.url, { method: req.method, headers, agent }, (incoming) => {
      const chunks: Buffer[] = [];
      let size = 0;
      incoming.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > req.maxBodyBytes) {
          outgoing.destroy();
          fail(new ExchangeFailure('too-large', undefined));
          return;
        }
        chunks.push(chunk);
      });
      incoming.on('end', () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve({
          status: incoming.statusCode ?? 0,
          contentType: incoming.headers['content-type'],
          body: Buffer.concat(chunks).toString('utf8'),
        });
      });
      // The peer dropped the connection mid-body.
      incoming.on('aborted', () => fail(new ExchangeFailure('unreachable', 'ECONNRESET')));
      incoming.on('error', (err: NodeJS.ErrnoException) => fail(classify(err)));
    });
    const timer = setTimeout(() => {
      fail(new ExchangeFailure('timeout', undefined));
      outgoing.destroy();
    }, req.timeoutMs);
    outgoing.on('error', (err: NodeJS.ErrnoException) => {
      const failure = classify(err);
      if (settled) return;
      if (outgoing.reusedSocket && err.code === 'ECONNRESET') {
        settled = true;
        clearTimeout(timer);
        reject(new StaleSocketFailure(failure));
        return;
      }
      fail(failure);
    });
    if (req.body !== undefined) outgoing.write(req.body);
    outgoing.end();
  });
}

function classify(err: NodeJS.ErrnoException): ExchangeFailure {
  const code = err.code;
  if (isTlsCode(code)) return new ExchangeFailure('tls', code, { cause: err });
  if (code === 'ETIMEDOUT') return new ExchangeFailure('timeout', code, { cause: err });
  return new ExchangeFailure('unreachable', code ?? 'ECONNRESET', { cause: err });
}
