import { randomUUID } from 'node:crypto';
import restify, { type Request, type Response, type Server } from 'restify';
import type { Activity, CloudAdapter } from 'botbuilder';
import { isAllowedTenant } from './tenant';
import type { Logger } from '../config/logger';
import type { ItbBot } from './itbBot';
import { setTurnLogger } from './turnLogger';

/** What /readyz reports: each dependency by name, and whether all are fine. */
export interface Readiness {
  ready: boolean;
  checks: Record<string, 'ok' | string>;
}

export interface BotServerOptions {
  adapter: CloudAdapter;
  bot: ItbBot;
  logger: Logger;
  maxBodyBytes: number;
  readiness: () => Promise<Readiness>;
  /** Only this Entra tenant is served; others get 403 before any turn runs. */
  allowedTenantId?: string;
}

export interface BotServer {
  server: Server;
  listen(port: number, host: string): Promise<number>;
  /** Stops accepting, waits for in-flight turns (up to `graceMs`), then closes the listener. Idempotent. */
  close(graceMs?: number): Promise<void>;
  inFlight(): number;
}

/** Waits for `p`, but no longer than `ms`; clears its timer so it never holds the process open. */
async function settleWithin(p: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([p, new Promise((r) => (timer = setTimeout(r, ms)))]);
  clearTimeout(timer);
}

/** W3C traceparent's trace id, so our logs join the caller's trace; otherwise a fresh one. */
function traceIdOf(req: Request): string {
  const tp = req.header('traceparent');
  const m = typeof tp === 'string' ? /^[\da-f]{2}-([\da-f]{32})-[\da-f]{16}-[\da-f]{2}$/.exec(tp) : null;
  return m?.[1] ?? randomUUID().replace(/-/g, '');
}

/**
 * The Teams edge over restify 11 (12 needs Node 22): POST /api/messages through the CloudAdapter, GET /healthz
 * (process up), GET /readyz (Redis and queues; 503 otherwise). Unknown routes 404; bodies over the limit 413.
 */
export function createBotServer(opts: BotServerOptions): BotServer {
  const server = restify.createServer({ name: 'imaging-transfer-bot', handleUncaughtExceptions: false });
  let inFlight = 0;
  let draining = false;
  let idle: (() => void) | undefined;

  server.use(restify.plugins.bodyParser({ maxBodySize: opts.maxBodyBytes, mapParams: false, mapFiles: false }));

  server.get('/healthz', async (_req: Request, res: Response) => {
    res.send(200, { status: 'ok' });
  });

  server.get('/readyz', async (_req: Request, res: Response) => {
    if (draining) return res.send(503, { ready: false, checks: { process: 'shutting down' } });
    const r = await opts.readiness().catch((err: Error): Readiness => ({ ready: false, checks: { readiness: err.message } }));
    res.send(r.ready ? 200 : 503, r);
  });

  server.post('/api/messages', async (req: Request, res: Response) => {
    if (draining) {
      res.send(503, { error: 'shutting down' });
      return;
    }
    const log = opts.logger.child({ reqId: req.id(), traceId: traceIdOf(req) });
    // Another tenant is refused at the door (403), before authentication or any state is touched; the bot repeats the
    // check per turn as a second line.
    if (!isAllowedTenant((req.body ?? {}) as Partial<Activity>, opts.allowedTenantId)) {
      log.warn({ status: 403 }, 'activity from another tenant refused');
      res.send(403, { error: 'This bot serves one organisation only.' });
      return;
    }
    const t0 = process.hrtime.bigint();
    inFlight++;
    try {
      await opts.adapter.process(req, res, async (context) => {
        setTurnLogger(context, log);
        await opts.bot.run(context);
      });
    } catch (err) {
      log.error({ errType: (err as Error).name }, 'request failed');
      if (!res.headersSent) res.send(500);
    } finally {
      inFlight--;
      log.info({ status: res.statusCode, ms: Number(process.hrtime.bigint() - t0) / 1e6 }, 'POST /api/messages');
      if (draining && inFlight === 0) idle?.();
    }
  });

  let closing: Promise<void> | undefined;
  return {
    server,
    inFlight: () => inFlight,
    listen(port, host) {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => resolve(server.address().port));
      });
    },
    close(graceMs = 10_000) {
      closing ??= (async () => {
        draining = true;
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        if (inFlight > 0) await settleWithin(new Promise<void>((r) => (idle = r)), graceMs);
        // Keep-alive sockets would hold close() open: end idle ones now that no turn is running.
        (server.server as unknown as { closeIdleConnections?: () => void }).closeIdleConnections?.();
        await settleWithin(stopped, 2000);
      })();
      return closing;
    },
  };
}
