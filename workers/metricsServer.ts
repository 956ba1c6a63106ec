import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../config/logger';
import type { RunningWorkers } from './lifecycle';
import { WorkerMetrics, type WorkerMetricsOptions } from './metrics';

/**
 * The worker process's monitoring port: GET /metrics (Prometheus text) and GET /healthz. Plain node:http: the worker
 * process does not load restify (whose writeHead patch is process-wide), and two read-only routes need no framework.
 * No authentication, so it binds to loopback unless ITB_WORKER_METRICS_HOST says otherwise; it serves queue and step
 * names and counts only, never ids or patient data.
 */
export interface MetricsServer {
  /** e.g. http://127.0.0.1:9464 */
  readonly url: string;
  readonly port: number;
  readonly metrics: WorkerMetrics;
  /** Stops listening and drops open connections. Idempotent. */
  close(): Promise<void>;
}

export interface MetricsServerOptions {
  host: string;
  /** 0 picks a free port (see `port` on the result). */
  port: number;
  metrics: WorkerMetrics;
  /** True while the process should be seen as alive (its workers run and are not closing). */
  healthy: () => boolean;
  logger?: Logger;
}

/** Starts the server; resolves once it listens, rejects if it cannot (e.g. the port is taken). */
export async function startMetricsServer(opts: MetricsServerOptions): Promise<MetricsServer> {
  const server = http.createServer((req, res) => {
    void answer(req, res, opts).catch((err: Error) => {
      opts.logger?.error({ errType: err.name }, 'metrics: could not answer a scrape');
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('metrics unavailable\n');
    });
  });
  // A scraper that holds a connection open must not keep the process from exiting.
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    port,
    metrics: opts.metrics,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

async function answer(req: http.IncomingMessage, res: http.ServerResponse, opts: MetricsServerOptions): Promise<void> {
  const path = (req.url ?? '/').split('?')[0];
  if (path !== '/metrics' && path !== '/healthz') return send(res, 404, 'not found\n');
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('allow', 'GET, HEAD');
    return send(res, 405, 'method not allowed\n');
  }
  if (path === '/healthz') return opts.healthy() ? send(res, 200, 'ok\n') : send(res, 503, 'workers closed\n');
  const { contentType, body } = await opts.metrics.render();
  send(res, 200, req.method === 'HEAD' ? '' : body, contentType);
}

function send(res: http.ServerResponse, status: number, body: string, contentType = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store' });
  res.end(body);
}

/**
 * The worker process's monitoring, as workers/main.ts runs it: metrics over every worker and queue of `running`, and
 * /healthz 200 while none of its workers is closing. Resolves to undefined when no port is configured
 * (ITB_WORKER_METRICS_PORT). It attaches to the workers' events synchronously, before its promise is returned: call it
 * right after initWorkers/startWorkers, before awaiting anything, or the first jobs' events are missed.
 */
export async function serveWorkerMetrics(
  running: Pick<RunningWorkers, 'workers' | 'queues'>,
  settings: { host: string; port?: number },
  logger?: Logger,
  extra: Partial<Omit<WorkerMetricsOptions, 'queues'>> = {},
): Promise<MetricsServer | undefined> {
  if (settings.port === undefined) return undefined;
  const metrics = new WorkerMetrics({ ...extra, queues: running.queues });
  for (const w of running.workers) metrics.observeWorker(w);
  const healthy = () => running.workers.length > 0 && running.workers.every((w) => w.closing === undefined && w.isRunning());
  const server = await startMetricsServer({ host: settings.host, port: settings.port, metrics, healthy, ...(logger ? { logger } : {}) });
  logger?.info({ port: server.port }, 'metrics listening');
  return server;
}
