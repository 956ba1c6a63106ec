import http from 'node:http';

/** One activity the bot sent to the channel, as the Bot Connector REST API received it. */
export interface CapturedActivity {
  method: string;
  path: string;
  authorization?: string;
  body: Record<string, unknown> & { type?: string; text?: string; attachments?: Array<{ contentType: string; content: unknown }> };
}

/**
 * A local Bot Connector: a small HTTP server acting as the activity's serviceUrl, capturing what the bot sends
 * (POST /v3/conversations/{id}/activities[/{replyToId}]) and answering as the connector does ({ id }).
 */
export class ConnectorStub {
  readonly received: CapturedActivity[] = [];
  private server?: http.Server;
  private waiters: Array<() => void> = [];
  /** Status to answer with next (e.g. 429, 403), consumed one per request; default 201. */
  readonly nextStatuses: number[] = [];

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => {
      let raw = '';
      req.on('data', (c) => (raw += c));
      req.on('end', () => {
        const status = this.nextStatuses.shift() ?? 201;
        if (status < 300) {
          this.received.push({ method: req.method ?? '', path: req.url ?? '', authorization: req.headers.authorization, body: raw ? JSON.parse(raw) : {} });
          this.waiters.splice(0).forEach((w) => w());
        }
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(status < 300 ? { id: `stub-${this.received.length}` } : { error: { code: 'stub', message: `status ${status}` } }));
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    const addr = this.server.address() as { port: number };
    return `http://127.0.0.1:${addr.port}/`;
  }

  /** Resolves once at least `count` activities have been captured, or rejects after `timeoutMs` saying what arrived. */
  async waitFor(count: number, timeoutMs = 5000): Promise<CapturedActivity[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.received.length < count) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`connector stub: expected ${count} activities, got ${this.received.length}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
    return this.received;
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}
