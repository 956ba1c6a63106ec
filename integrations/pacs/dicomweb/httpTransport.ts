import http from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import { PacsConfigError, PacsError, PacsHttpError, PacsMalformedResponseError, PacsTimeoutError, type PacsErrorContext } from '../errors';
import { networkFailure } from '../networkFailure';
import type { PacsAuth, PacsTls } from '../pacsClientOptions';

/**
 * HTTP(S) for the DICOMweb client: one kept-alive agent per client (STOW-RS batches and WADO-RS streams reuse
 * sockets), an Authorization header, TLS options, deadlines, and every way an exchange can fail sorted into PacsErrors.
 *
 * On node:http rather than global fetch: fetch (undici) cannot take a private CA or client certificate without the
 * undici package (not a dependency), folds TLS and refused connections into one "fetch failed", and we need the
 * response as a node stream with backpressure. (A sibling lives in integrations/pas; integrations do not import each other.)
 */
export interface TransportOptions {
  baseUrl: string;
  auth?: PacsAuth;
  tls?: PacsTls;
  /** Sockets per host: the STOW-RS parallelism, plus one for a concurrent search or retrieve. */
  maxSockets: number;
}

export interface TransportRequest {
  method: 'GET' | 'POST';
  url: URL;
  headers: Record<string, string>;
  /** Makes the body afresh (called again if a stale kept-alive socket forces one resend). */
  body?: () => Readable;
  contentLength?: number;
  /** Until the response headers arrive. */
  responseTimeoutMs: number;
  /** No byte sent or received for this long fails the exchange (covers long uploads and downloads). */
  idleTimeoutMs: number;
  call: PacsErrorContext;
}

/** An open response. Read `res` as a stream; pass anything it throws through `fail` to get the PacsError. */
export interface OpenResponse {
  res: http.IncomingMessage;
  fail(err: unknown): PacsError;
}

export class DicomWebTransport {
  readonly base: URL;
  /** scheme://host:port, for error messages (never a path or query string, which may hold a Patient ID). */
  readonly peer: string;
  private readonly agent: http.Agent;
  private readonly authorization?: string;

  constructor(opts: TransportOptions) {
    let base: URL;
    try {
      base = new URL(opts.baseUrl.endsWith('/') ? opts.baseUrl : `${opts.baseUrl}/`);
    } catch {
      throw new PacsConfigError('the DICOMweb base URL is not a valid URL');
    }
    if (base.protocol !== 'https:' && base.protocol !== 'http:') throw new PacsConfigError('the DICOMweb base URL must be http(s)');
    if (base.username || base.password) throw new PacsConfigError('the DICOMweb base URL must not carry credentials; use auth');
    if (base.search) throw new PacsConfigError('the DICOMweb base URL must not carry a query string');
    this.base = base;
    this.peer = base.origin;
    const tls = opts.tls;
    this.agent =
      base.protocol === 'https:'
        ? new https.Agent({ keepAlive: true, maxSockets: opts.maxSockets, ca: tls?.ca, cert: tls?.cert, key: tls?.key })
        : new http.Agent({ keepAlive: true, maxSockets: opts.maxSockets });
    const auth = opts.auth;
    if (auth?.kind === 'basic') {
      this.authorization = `Basic ${Buffer.from(`${auth.username}:${auth.password}`, 'utf8').toString('base64')}`;
    } else if (auth?.kind === 'bearer') {
      this.authorization = `Bearer ${auth.token}`;
    }
  }

  /** A URL under the DICOMweb root, e.g. url('studies', { PatientID: 'S1234567' }). */
  url(relative: string, params: Record<string, string | string[]> = {}): URL {
    const url = new URL(relative, this.base);
    for (const [k, v] of Object.entries(params)) for (const one of Array.isArray(v) ? v : [v]) url.searchParams.append(k, one);
    return url;
  }

  /**
   * Sends a request and resolves with the response once its headers arrive, whatever the status. A request that
   * fails with a reset on a reused kept-alive socket is sent once more on a fresh one: the peer closed an idle
   * connection just as we reused it (node's `request.reusedSocket` case; Orthanc keeps idle sockets for 1 s).
   * Callers only pass bodies that are safe to send twice (STOW-RS of the same instances leaves one copy).
   */
  async open(req: TransportRequest): Promise<OpenResponse> {
    try {
      return await this.openOnce(req);
    } catch (err) {
      if (err instanceof StaleSocket) return this.openOnce(req);
      throw err;
    }
  }

  /** Reads a whole (small) response body, refusing more than maxBytes. */
  async readBody(open: OpenResponse, maxBytes: number, ctx: PacsErrorContext): Promise<Buffer> {
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of open.res) {
        size += (chunk as Buffer).length;
        if (size > maxBytes) {
          open.res.destroy();
          throw new PacsMalformedResponseError(`answer larger than ${maxBytes} bytes`, ctx);
        }
        chunks.push(chunk as Buffer);
      }
    } catch (err) {
      throw open.fail(err);
    }
    return Buffer.concat(chunks);
  }

  /** Reads and discards a small error body (so the socket can be reused), then returns the PacsHttpError for it. */
  async httpError(open: OpenResponse, ctx: PacsErrorContext): Promise<PacsHttpError> {
    try {
      await this.readBody(open, 64 * 1024, ctx);
    } catch {
      /* the status is what matters */
    }
    return new PacsHttpError(open.res.statusCode ?? 0, ctx);
  }

  /** Closes idle kept-alive sockets. */
  close(): void {
    this.agent.destroy();
  }

  private openOnce(req: TransportRequest): Promise<OpenResponse> {
    const transport = req.url.protocol === 'https:' ? https : http;
    const headers: Record<string, string> = { ...req.headers };
    if (this.authorization) headers.authorization = this.authorization;
    if (req.contentLength !== undefined) headers['content-length'] = String(req.contentLength);
    return new Promise<OpenResponse>((resolve, reject) => {
      // Why the exchange was cut, when we cut it: read errors after that are reported as this.
      let cutFor: PacsError | undefined;
      let settled = false;
      const outgoing = transport.request(req.url, { method: req.method, headers, agent: this.agent });
      const responseTimer = setTimeout(() => {
        cutFor = new PacsTimeoutError(req.responseTimeoutMs, req.call);
        outgoing.destroy(cutFor);
      }, req.responseTimeoutMs);
      outgoing.setTimeout(req.idleTimeoutMs, () => {
        cutFor ??= new PacsTimeoutError(req.idleTimeoutMs, req.call);
        outgoing.destroy(cutFor);
      });
      const fail = (err: unknown): PacsError => cutFor ?? networkFailure(err, req.call, req.idleTimeoutMs);
      outgoing.on('response', (res) => {
        clearTimeout(responseTimer);
        settled = true;
        res.on('close', () => outgoing.setTimeout(0));
        resolve({ res, fail });
      });
      outgoing.on('error', (err: NodeJS.ErrnoException) => {
        clearTimeout(responseTimer);
        if (settled) return; // reported through the response stream
        settled = true;
        if (!cutFor && outgoing.reusedSocket && (err.code === 'ECONNRESET' || err.code === 'EPIPE')) reject(new StaleSocket());
        else reject(fail(err));
      });
      const body = req.body?.();
      if (body) {
        body.on('error', (err) => {
          // A body that fails with a PacsError (a file that could not be read) is reported as that, not as the network.
          if (err instanceof PacsError) cutFor ??= err;
          outgoing.destroy(err);
        });
        body.pipe(outgoing);
      } else {
        outgoing.end();
      }
    });
  }
}

class StaleSocket extends Error {
  constructor() {
    super('stale keep-alive socket');
  }
}
