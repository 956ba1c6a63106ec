import http from 'node:http';
import { z } from 'zod';
import { RIS_ACK_MODES, type RisAckMode, type RisListener } from './risListener';

/** A running control API. */
export interface RisControlApi {
  port: number;
  close(): Promise<void>;
}

const modeBody = z.object({ mode: z.enum(RIS_ACK_MODES as [RisAckMode, ...RisAckMode[]]) });

/**
 * A tiny loopback HTTP API so tests and script/server can drive the CRIS stand-in over the wire:
 *   GET    /messages  -> 200 { mode, duplicatesAnswered, unreadableFrames, messages: RisRecordedMessage[] }
 *   POST   /mode      <- { "mode": "AA" | "AE" | "AR" | "silent" }  -> 200 { mode }
 *   DELETE /messages  -> 204 (forget messages and stored ACKs)
 * Bound to 127.0.0.1 only; it serves synthetic sandbox data and has no auth.
 */
export async function startRisControlApi(listener: RisListener, opts: { port: number }): Promise<RisControlApi> {
  const server = http.createServer((req, res) => {
    const send = (status: number, body?: unknown) => {
      res.writeHead(status, body === undefined ? {} : { 'content-type': 'application/json' });
      res.end(body === undefined ? undefined : JSON.stringify(body));
    };
    const path = (req.url ?? '').split('?')[0];
    if (path === '/messages' && req.method === 'GET') {
      return send(200, {
        mode: listener.mode,
        duplicatesAnswered: listener.duplicatesAnswered,
        unreadableFrames: listener.unreadableFrames,
        messages: listener.messages(),
      });
    }
    if (path === '/messages' && req.method === 'DELETE') {
      listener.clear();
      return send(204);
    }
    if (path === '/mode' && req.method === 'POST') {
      let raw = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => {
        raw += c;
        if (raw.length > 1024) req.destroy(); // a mode switch is a few bytes
      });
      req.on('end', () => {
        let json: unknown;
        try {
          json = JSON.parse(raw);
        } catch {
          return send(400, { error: 'body must be JSON: {"mode":"AA"|"AE"|"AR"|"silent"}' });
        }
        const parsed = modeBody.safeParse(json);
        if (!parsed.success) return send(400, { error: `mode must be one of ${RIS_ACK_MODES.join(', ')}` });
        listener.setMode(parsed.data.mode);
        send(200, { mode: listener.mode });
      });
      return;
    }
    send(404, { error: 'GET /messages, DELETE /messages, POST /mode' });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address();
  if (!addr || typeof addr === 'string') throw new Error('control API did not bind');
  let closing: Promise<void> | undefined;
  return {
    port: addr.port,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      return closing;
    },
  };
}
