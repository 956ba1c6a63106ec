import type { ServerResponse } from 'node:http';

/**
 * Faults a stand-in can be told to show, so client tests (and chaos runs) meet a real misbehaving peer over the wire
 * instead of a mock. Shared by the PAS stand-in and the service-desk stub.
 */
export type HttpFault =
  /** Answer with this status (and body / content type); default body is a short JSON error. */
  | { kind: 'status'; status: number; body?: string; contentType?: string }
  /** 200 with a body that is not JSON. */
  | { kind: 'malformedJson' }
  /** 200 with an HTML page, as a proxy or login portal would send. */
  | { kind: 'html' }
  /** Wait this long before handling the request normally. */
  | { kind: 'delay'; ms: number }
  /** Close the connection without any answer. */
  | { kind: 'hangUp' };

/** Which requests a fault applies to: by HTTP method and/or a path prefix. */
export interface FaultTarget {
  method?: string;
  pathPrefix?: string;
}

/** A fault, which requests it hits, and how many more (undefined: until cleared). */
export interface ArmedFault<F> {
  fault: F;
  remaining: number | undefined;
  target: FaultTarget;
}

/** Holds at most one armed fault; `take()` returns it for a request it targets and counts it down. */
export class FaultSwitch<F> {
  private armed: ArmedFault<F> | undefined;

  set(fault: F | undefined, times?: number, target: FaultTarget = {}): void {
    this.armed = fault === undefined ? undefined : { fault, remaining: times, target };
  }

  take(method = '', url = ''): F | undefined {
    const a = this.armed;
    if (!a) return undefined;
    if (a.target.method !== undefined && a.target.method !== method) return undefined;
    if (a.target.pathPrefix !== undefined && !url.startsWith(a.target.pathPrefix)) return undefined;
    if (a.remaining !== undefined) {
      a.remaining -= 1;
      if (a.remaining <= 0) this.armed = undefined;
    }
    return a.fault;
  }
}

/**
 * Plays a generic fault. Returns true when the response has been dealt with (the caller stops), false when the
 * request should go on normally (after a delay).
 */
export async function playGenericFault(fault: HttpFault, res: ServerResponse): Promise<boolean> {
  switch (fault.kind) {
    case 'status':
      res.writeHead(fault.status, { 'content-type': fault.contentType ?? 'application/json' });
      res.end(fault.body ?? JSON.stringify({ error: `injected ${fault.status}` }));
      return true;
    case 'malformedJson':
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"resourceType": "Bundle", "entry": [ {');
      return true;
    case 'html':
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<html><body><h1>Sign in</h1></body></html>');
      return true;
    case 'delay':
      await new Promise((r) => setTimeout(r, fault.ms));
      return false;
    case 'hangUp':
      res.socket?.destroy();
      return true;
  }
}
