import type http from 'node:http';
import { z } from 'zod';
import { FaultSwitch, type HttpFault } from '../pas/httpFaults';
import { DECLINE_REASONS } from './declineReasons';
import { readJson, sendJson, type Route } from './httpJson';
import { PortalError, type Portal } from './portal';
import { SIM_PRIORITIES, validationDetails } from './requestBodies';
import { messageToWire, SIM_STATUSES, toWire } from './simTransaction';
import type { ThreadLanes } from './threadLanes';

/**
 * The sandbox-only control API under /control (no auth, loopback only): the simulated clock, transaction faults,
 * HTTP faults on the contract API, unsolicited incoming images (guideline 2.4), messages from the other side, and
 * what was delivered where. See sandbox/iep-simulator/README.md.
 */

const declineCodes = DECLINE_REASONS.map((r) => r.code) as [(typeof DECLINE_REASONS)[number]['code'], ...Array<(typeof DECLINE_REASONS)[number]['code']>];

const clockBody = z.union([z.object({ advanceMs: z.number().int().nonnegative() }).strict(), z.object({ to: z.iso.datetime({ offset: true }) }).strict()]);

const faultBody = z.object({
  fault: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('fail'), reason: z.string().min(1).max(500).optional(), when: z.enum(SIM_STATUSES).optional() }),
    z.object({ kind: z.literal('decline'), code: z.enum(declineCodes).optional(), reason: z.string().min(1).max(500).optional() }),
    z.object({ kind: z.literal('slow'), factor: z.number().positive().max(1000) }),
    z.object({ kind: z.literal('stall') }),
  ]),
  match: z.object({ transactionId: z.string().optional(), externalReference: z.string().optional(), next: z.boolean().optional() }),
});

const httpFaultBody = z.object({
  fault: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('status'), status: z.number().int().min(400).max(599), body: z.string().optional(), contentType: z.string().optional() }),
    z.object({ kind: z.literal('malformedJson') }),
    z.object({ kind: z.literal('html') }),
    z.object({ kind: z.literal('delay'), ms: z.number().int().min(0).max(600_000) }),
    z.object({ kind: z.literal('hangUp') }),
  ]),
  times: z.number().int().positive().optional(),
  method: z.string().optional(),
  /** Relative to /api/v1, e.g. "/requests". */
  pathPrefix: z.string().optional(),
});

const incomingBody = z.object({
  institutionId: z.string().min(1),
  studyInstanceUids: z.array(z.string().regex(/^[0-9.]{1,64}$/)).min(1).max(100),
  priority: z.enum(SIM_PRIORITIES).default('Normal'),
  message: z.string().min(1).max(4000).optional(),
});

const remoteMessageBody = z.object({ text: z.string().min(1).max(4000) });

async function parse<T extends z.ZodType>(req: http.IncomingMessage, schema: T): Promise<z.output<T>> {
  const parsed = schema.safeParse(await readJson(req));
  if (!parsed.success) throw new PortalError(400, 'VALIDATION_FAILED', 'the control body is not valid', validationDetails(parsed.error));
  return parsed.data;
}

export function controlRoutes(portal: Portal, httpFaults: FaultSwitch<HttpFault>, lanes: ThreadLanes): Route[] {
  const clockState = () => {
    const next = portal.lifecycle.nextAt();
    return {
      now: new Date(portal.clock.now()).toISOString(),
      mode: portal.clock.mode,
      speed: portal.clock.speed,
      nextStepAt: next === undefined ? null : new Date(next).toISOString(),
      threadsInUse: lanes.inUse(),
    };
  };
  return [
    { method: 'GET', pattern: /^\/clock$/, handle: (_q, res) => sendJson(res, 200, clockState()) },
    {
      method: 'POST',
      pattern: /^\/clock$/,
      handle: async (req, res) => {
        const b = await parse(req, clockBody);
        const to = 'advanceMs' in b ? portal.clock.now() + b.advanceMs : Date.parse(b.to);
        const events = await portal.advanceTo(to);
        sendJson(res, 200, { ...clockState(), events });
      },
    },
    {
      method: 'POST',
      pattern: /^\/step$/,
      handle: async (_q, res) => {
        const events = await portal.step();
        sendJson(res, 200, { ...clockState(), events });
      },
    },
    {
      method: 'POST',
      pattern: /^\/faults$/,
      handle: async (req, res) => {
        const b = await parse(req, faultBody);
        portal.armFault(b.fault, b.match);
        sendJson(res, 201, { armed: b });
      },
    },
    {
      method: 'POST',
      pattern: /^\/http-faults$/,
      handle: async (req, res) => {
        const b = await parse(req, httpFaultBody);
        const fault: HttpFault =
          b.fault.kind === 'status' && b.fault.body === undefined
            ? { ...b.fault, body: JSON.stringify({ error: { code: 'INJECTED_FAULT', message: `injected ${b.fault.status}` } }) }
            : b.fault;
        httpFaults.set(fault, b.times, { method: b.method, pathPrefix: b.pathPrefix === undefined ? undefined : `/api/v1${b.pathPrefix}` });
        sendJson(res, 201, { armed: b });
      },
    },
    {
      method: 'DELETE',
      pattern: /^\/http-faults$/,
      handle: (_q, res) => {
        httpFaults.set(undefined);
        sendJson(res, 200, { cleared: true });
      },
    },
    {
      method: 'POST',
      pattern: /^\/incoming$/,
      handle: async (req, res) => {
        const b = await parse(req, incomingBody);
        sendJson(res, 201, toWire(await portal.addIncoming(b)));
      },
    },
    {
      method: 'POST',
      pattern: /^\/transactions\/([A-Za-z0-9._:-]{1,64})\/messages$/,
      handle: async (req, res, [id]) => {
        const b = await parse(req, remoteMessageBody);
        sendJson(res, 201, messageToWire(portal.addRemoteMessage(id!, b.text)));
      },
    },
    {
      method: 'GET',
      pattern: /^\/transactions\/([A-Za-z0-9._:-]{1,64})\/history$/,
      handle: (_q, res, [id]) =>
        sendJson(res, 200, { history: portal.get(id!).history.map((h) => ({ status: h.status, at: new Date(h.at).toISOString() })) }),
    },
    { method: 'GET', pattern: /^\/deliveries$/, handle: (_q, res) => sendJson(res, 200, { deliveries: portal.deliveries() }) },
  ];
}
