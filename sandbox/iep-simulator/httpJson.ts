import type http from 'node:http';

/** Small request/response helpers for the simulator's two HTTP surfaces (contract and control). */

/** A JSON body that failed to arrive or parse: answered 400 (or 413). */
export class BodyError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
  ) {
    super(code);
  }
}

/** Reads and parses a JSON body of at most `maxBytes`; an empty body reads as {}. */
export function readJson(req: http.IncomingMessage, maxBytes = 256 * 1024): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > maxBytes) {
        reject(new BodyError(413, 'BODY_TOO_LARGE'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      if (raw.trim() === '') return resolve({});
      try {
        resolve(JSON.parse(raw));
      } catch {
        reject(new BodyError(400, 'INVALID_JSON'));
      }
    });
    req.on('error', reject);
  });
}

export function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

/** The contract's error body: a code for machines, a message for people, never patient data. */
export function sendError(res: http.ServerResponse, status: number, code: string, message: string, details?: string[]): void {
  sendJson(res, status, { error: { code, message, ...(details ? { details } : {}) } });
}

/** Routes one path: `pattern` groups become params. */
export interface Route {
  method: string;
  pattern: RegExp;
  handle: (req: http.IncomingMessage, res: http.ServerResponse, params: string[], url: URL) => Promise<void> | void;
}

/** Finds the route for a request; 'method' when the path exists under another method. */
export function matchRoute(routes: readonly Route[], method: string, path: string): { route: Route; params: string[] } | 'method' | undefined {
  let pathKnown = false;
  for (const route of routes) {
    const m = route.pattern.exec(path);
    if (!m) continue;
    pathKnown = true;
    if (route.method === method) return { route, params: m.slice(1).map((p) => decodeURIComponent(p)) };
  }
  return pathKnown ? 'method' : undefined;
}
