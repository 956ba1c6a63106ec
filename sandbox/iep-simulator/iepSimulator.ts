import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { FaultSwitch, playGenericFault, type FaultTarget, type HttpFault } from '../pas/httpFaults';
import { apiRoutes, answerError } from './apiRoutes';
import { controlRoutes } from './controlRoutes';
import { createPortal } from './createPortal';
import type { SimInstitution } from './directory';
import { matchRoute, sendError } from './httpJson';
import { OrthancArchive } from './orthancArchive';
import type { Portal } from './portal';
import type { SimEvent } from './portalState';
import type { IepSchedule } from './schedule';
import type { ClockMode } from './simClock';
import type { DicomNode, StudyArchive } from './studyArchive';

/**
 * The IEP simulator: the contract in docs/iep-contract.md on node:http (127.0.0.1 only), with a simulated clock and a
 * control API. Hand-written on node:http because there is no IEP to record and the contract is ours; a framework
 * would add a dependency for ten routes.
 */
export interface IepSimulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** When set, /api/v1 needs `Authorization: Bearer <token>`... */
  bearerToken?: string;
  /** ...or `x-api-key: <key>` (either is accepted when both are set). */
  apiKey?: string;
  /** Serve HTTPS with this key and certificate (PEM). */
  tls?: { key: string | Buffer; cert: string | Buffer };
  clock?: { start?: Date; mode?: ClockMode; speed?: number; /** realtime: how often due steps run. Default 200 ms. */ tickMs?: number };
  schedule?: Partial<IepSchedule>;
  /** The remote trusts' archive: an Orthanc REST root, or any StudyArchive (unit tests). */
  archive: { orthancUrl: string } | StudyArchive;
  /** Delivery node name -> DICOM node its images are C-STOREd to. UHLPACSWFM01 must be here for downloads to work. */
  deliveryTargets?: Record<string, DicomNode>;
  /** Pull exported studies missing from the IEP node from here (UHL PACS) by C-MOVE. */
  exportSource?: DicomNode;
  directory?: readonly SimInstitution[];
  /** Default "uhl". */
  ownInstitutionId?: string;
  /** Told every status change (ids only). */
  onEvent?: (e: SimEvent) => void;
}

export interface IepSimulator {
  /** The contract's base, e.g. http://127.0.0.1:41234/api/v1 */
  baseUrl: string;
  /** The control API's base, e.g. http://127.0.0.1:41234/control */
  controlUrl: string;
  port: number;
  /** The same operations the HTTP surfaces use, for tests that drive it in-process. */
  portal: Portal;
  /**
   * Arms an HTTP fault on the contract API for the next `times` targeted calls (all when omitted); undefined clears.
   * A target's pathPrefix is relative to /api/v1, e.g. "/requests".
   */
  setHttpFault(fault: HttpFault | undefined, times?: number, target?: FaultTarget): void;
  /** The last 1,000 contract calls: method, path and the auth headers, for tests that assert what was sent. */
  readonly calls: ReadonlyArray<{ method: string; url: string; authorization?: string; apiKey?: string }>;
  close(): Promise<void>;
}

const API = '/api/v1';
const CONTROL = '/control';
const MAX_CALLS_KEPT = 1_000;

/** Starts the simulator on 127.0.0.1. */
export async function startIepSimulator(opts: IepSimulatorOptions): Promise<IepSimulator> {
  const archive: StudyArchive = 'orthancUrl' in opts.archive ? new OrthancArchive({ restUrl: opts.archive.orthancUrl }) : opts.archive;
  const { portal, lanes } = createPortal({ ...opts, archive });
  const clock = portal.clock;
  const httpFaults = new FaultSwitch<HttpFault>();
  const api = apiRoutes(portal);
  const control = controlRoutes(portal, httpFaults, lanes);
  const calls: Array<{ method: string; url: string; authorization?: string; apiKey?: string }> = [];
  const authRequired = opts.bearerToken !== undefined || opts.apiKey !== undefined;

  const authorised = (req: http.IncomingMessage) =>
    (opts.bearerToken !== undefined && req.headers.authorization === `Bearer ${opts.bearerToken}`) ||
    (opts.apiKey !== undefined && req.headers['x-api-key'] === opts.apiKey);

  const handler = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://simulator');
    const method = req.method ?? 'GET';
    let routes;
    let path: string;
    if (url.pathname.startsWith(`${API}/`)) {
      const apiKey = req.headers['x-api-key'];
      calls.push({ method, url: req.url ?? '', authorization: req.headers.authorization, apiKey: typeof apiKey === 'string' ? apiKey : undefined });
      // A long-running sandbox keeps only the recent calls.
      if (calls.length > MAX_CALLS_KEPT) calls.splice(0, calls.length - MAX_CALLS_KEPT);
      const fault = httpFaults.take(method, url.pathname);
      if (fault && (await playGenericFault(fault, res))) return;
      if (authRequired && !authorised(req)) {
        res.setHeader('www-authenticate', 'Bearer');
        return sendError(res, 401, 'UNAUTHENTICATED', 'a valid bearer token or API key is required');
      }
      routes = api;
      path = url.pathname.slice(API.length);
    } else if (url.pathname.startsWith(`${CONTROL}/`)) {
      routes = control;
      path = url.pathname.slice(CONTROL.length);
    } else {
      return sendError(res, 404, 'NOT_FOUND', 'the API is under /api/v1, the sandbox controls under /control');
    }
    const hit = matchRoute(routes, method, path.replace(/\/+$/, ''));
    if (hit === undefined) return sendError(res, 404, 'NOT_FOUND', 'no such resource');
    if (hit === 'method') return sendError(res, 405, 'METHOD_NOT_ALLOWED', 'method not allowed here');
    await hit.route.handle(req, res, hit.params, url);
  };

  const listener = (req: http.IncomingMessage, res: http.ServerResponse) => {
    handler(req, res).catch((err: unknown) => answerError(res, err));
  };
  const server: http.Server = opts.tls ? https.createServer({ key: opts.tls.key, cert: opts.tls.cert }, listener) : http.createServer(listener);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const origin = `${opts.tls ? 'https' : 'http'}://127.0.0.1:${port}`;

  // Realtime: due steps run on a timer; manual: only when the control API moves the clock.
  let ticker: NodeJS.Timeout | undefined;
  if (clock.mode === 'realtime') {
    ticker = setInterval(() => void portal.lifecycle.runUntil(clock.now()).catch(() => undefined), opts.clock?.tickMs ?? 200);
    ticker.unref();
  }

  let closing: Promise<void> | undefined;
  return {
    baseUrl: `${origin}${API}`,
    controlUrl: `${origin}${CONTROL}`,
    port,
    portal,
    calls,
    setHttpFault: (fault, times, target) =>
      httpFaults.set(fault, times, target && { ...target, pathPrefix: target.pathPrefix === undefined ? undefined : `${API}${target.pathPrefix}` }),
    close() {
      // Idempotent; drops kept-alive client connections so close() does not wait on them.
      closing ??= new Promise<void>((resolve) => {
        if (ticker) clearInterval(ticker);
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
