import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { DEMO_PATIENTS, type DemoPatient } from '../demo';
import { SEED_STUDIES, seedAccessionOf } from '../seed/demoStudies';
import { FaultSwitch, playGenericFault, type FaultTarget, type HttpFault } from './httpFaults';

/**
 * A small FHIR R4 server standing in for PatientCentre/HISS: Patient search by identifier or _id, Patient read, and a
 * CapabilityStatement. It also stands in for the trust's FHIR facade over CRIS: DiagnosticReport search by identifier
 * (the accession number), for the reports a trauma transfer attaches (guideline Appendix 4 step 13). It serves the demo patients registered on PAS, on 127.0.0.1 only, over HTTP or HTTPS.
 * Written on node:http because it is ~200 lines and a full FHIR server (e.g. HAPI) would need a JVM.
 */

/** The sandbox's S-number identifier system. A real trust sets its own in the PAS client's configuration. */
export const SANDBOX_S_NUMBER_SYSTEM = 'https://fhir.sandbox.itb.example/Id/s-number';
export const SANDBOX_NHS_NUMBER_SYSTEM = 'https://fhir.nhs.uk/Id/nhs-number';

/** Faults only a PAS can show, on top of the generic HTTP ones. */
export type PasFault =
  | HttpFault
  /** A valid JSON body that is a Patient, not a Bundle. */
  | { kind: 'notABundle' }
  /** Two patients match the S number (a duplicate registration). */
  | { kind: 'duplicate' }
  /** The search ignores the identifier and answers with another patient. */
  | { kind: 'wrongPatient' };

export interface PasSandboxOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Defaults to the demo patients with registeredOnPas. */
  patients?: readonly DemoPatient[];
  sNumberSystem?: string;
  /** When set, every request must carry `Authorization: Bearer <token>`. */
  bearerToken?: string;
  /** The RIS reports served by accession number. Defaults to the seeded studies' reports (sandbox/seed). */
  reports?: readonly SandboxReport[];
  /** Serve HTTPS with this key and certificate (PEM). */
  tls?: { key: string | Buffer; cert: string | Buffer };
}

/** One report the stand-in serves, as CRIS would hold it. */
export interface SandboxReport {
  accessionNumber: string;
  status: 'final' | 'preliminary' | 'amended';
  text: string;
  /** ISO 8601; defaults to the fixed demo time. */
  issued?: string;
}

/** The sandbox's accession-number identifier system (a real trust sets its own). */
export const SANDBOX_ACCESSION_SYSTEM = 'https://fhir.sandbox.itb.example/Id/accession-number';

/** The seeded studies' reports, keyed by the accession numbers the seed writes into the DICOM headers. */
export function seededReports(): SandboxReport[] {
  return SEED_STUDIES.flatMap((s) => (s.report ? [{ accessionNumber: seedAccessionOf(s), status: s.report.status, text: s.report.text }] : []));
}

function toFhirReport(r: SandboxReport, index: number): Record<string, unknown> {
  return {
    resourceType: 'DiagnosticReport',
    id: `report-${index + 1}`,
    identifier: [{ system: SANDBOX_ACCESSION_SYSTEM, value: r.accessionNumber }],
    status: r.status,
    code: { text: 'Radiology report' },
    issued: r.issued ?? '2026-01-05T09:00:00Z',
    conclusion: r.text.split('\n')[0],
    presentedForm: [{ contentType: 'text/plain; charset=utf-8', data: Buffer.from(r.text, 'utf8').toString('base64'), title: 'Report' }],
  };
}

export interface PasSandbox {
  /** FHIR base, e.g. http://127.0.0.1:41234/fhir */
  baseUrl: string;
  port: number;
  /** Arms a fault for the next `times` targeted requests (all when omitted); undefined clears it. */
  setFault(fault: PasFault | undefined, times?: number, target?: FaultTarget): void;
  /** Every request seen, method and path with query, for tests to assert what was asked. */
  readonly requests: ReadonlyArray<{ method: string; url: string; authorization?: string }>;
  close(): Promise<void>;
}

const FHIR_JSON = 'application/fhir+json; charset=utf-8';

function toFhirPatient(p: DemoPatient, sNumberSystem: string): Record<string, unknown> {
  const identifier: Array<Record<string, unknown>> = [{ use: 'usual', system: sNumberSystem, value: p.sNumber }];
  if (p.nhsNumber) identifier.push({ use: 'official', system: SANDBOX_NHS_NUMBER_SYSTEM, value: p.nhsNumber });
  return {
    resourceType: 'Patient',
    id: p.pasId,
    meta: { lastUpdated: '2026-01-05T09:00:00Z' },
    active: true,
    identifier,
    name: [{ use: 'official', family: p.familyName, given: [...p.givenNames] }],
    gender: p.gender,
    birthDate: p.birthDate,
    address: [{ use: 'home', line: [...p.address.lines], city: p.address.city, postalCode: p.address.postalCode, country: 'GB' }],
  };
}

function outcome(code: string, diagnostics: string): Record<string, unknown> {
  return { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code, diagnostics }] };
}

function searchset(base: string, resources: Array<Record<string, unknown>>, selfUrl: string): Record<string, unknown> {
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    total: resources.length,
    link: [{ relation: 'self', url: selfUrl }],
    entry: resources.map((r) => ({ fullUrl: `${base}/Patient/${String(r.id)}`, resource: r, search: { mode: 'match' } })),
  };
}

/** Starts the PAS stand-in on 127.0.0.1. */
export async function startPasSandbox(opts: PasSandboxOptions = {}): Promise<PasSandbox> {
  const sNumberSystem = opts.sNumberSystem ?? SANDBOX_S_NUMBER_SYSTEM;
  const patients = (opts.patients ?? DEMO_PATIENTS).filter((p) => p.registeredOnPas);
  const reports = opts.reports ?? seededReports();
  const faults = new FaultSwitch<PasFault>();
  const requests: Array<{ method: string; url: string; authorization?: string }> = [];
  let baseUrl = '';

  const send = (res: http.ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': FHIR_JSON, ...extra });
    res.end(JSON.stringify(body));
  };

  const handler = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization });
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const fault = faults.take(req.method, req.url);
    if (fault && fault.kind !== 'notABundle' && fault.kind !== 'duplicate' && fault.kind !== 'wrongPatient') {
      if (await playGenericFault(fault, res)) return;
    }
    if (opts.bearerToken !== undefined && req.headers.authorization !== `Bearer ${opts.bearerToken}`) {
      return send(res, 401, outcome('login', 'a valid bearer token is required'), { 'www-authenticate': 'Bearer' });
    }
    if (req.method !== 'GET') return send(res, 405, outcome('not-supported', 'this stand-in is read-only'));

    const path = url.pathname.replace(/\/+$/, '');
    if (path === '/fhir/metadata') {
      return send(res, 200, {
        resourceType: 'CapabilityStatement',
        status: 'active',
        kind: 'instance',
        fhirVersion: '4.0.1',
        format: ['application/fhir+json'],
        rest: [
          {
            mode: 'server',
            resource: [
              { type: 'Patient', interaction: [{ code: 'read' }, { code: 'search-type' }], searchParam: [{ name: 'identifier', type: 'token' }, { name: '_id', type: 'token' }] },
              { type: 'DiagnosticReport', interaction: [{ code: 'search-type' }], searchParam: [{ name: 'identifier', type: 'token' }] },
            ],
          },
        ],
      });
    }
    const read = /^\/fhir\/Patient\/([A-Za-z0-9\-.]{1,64})$/.exec(path);
    if (read) {
      const p = patients.find((x) => x.pasId === read[1]);
      return p ? send(res, 200, toFhirPatient(p, sNumberSystem)) : send(res, 404, outcome('not-found', 'no such Patient'));
    }
    if (path === '/fhir/DiagnosticReport') {
      const identifier = url.searchParams.get('identifier');
      if (identifier === null) return send(res, 400, outcome('processing', 'this stand-in searches reports by identifier only'));
      const bar = identifier.indexOf('|');
      const system = bar < 0 ? undefined : identifier.slice(0, bar);
      const value = bar < 0 ? identifier : identifier.slice(bar + 1);
      const found = system === undefined || system === SANDBOX_ACCESSION_SYSTEM ? reports.flatMap((r, i) => (r.accessionNumber === value ? [toFhirReport(r, i)] : [])) : [];
      return send(res, 200, {
        resourceType: 'Bundle',
        type: 'searchset',
        total: found.length,
        link: [{ relation: 'self', url: `${baseUrl}/DiagnosticReport${url.search}` }],
        entry: found.map((r) => ({ fullUrl: `${baseUrl}/DiagnosticReport/${String(r.id)}`, resource: r, search: { mode: 'match' } })),
      });
    }
    if (path !== '/fhir/Patient') return send(res, 404, outcome('not-found', 'unknown path'));

    const self = `${baseUrl}/Patient${url.search}`;
    if (fault?.kind === 'notABundle') return send(res, 200, toFhirPatient(patients[0]!, sNumberSystem));
    if (fault?.kind === 'wrongPatient') return send(res, 200, searchset(baseUrl, [toFhirPatient(patients[0]!, sNumberSystem)], self));

    const identifier = url.searchParams.get('identifier');
    const id = url.searchParams.get('_id');
    let found: DemoPatient[];
    if (identifier !== null) {
      // FHIR token search: "system|value", "|value" (no system), or "value" (any system).
      const bar = identifier.indexOf('|');
      const system = bar < 0 ? undefined : identifier.slice(0, bar);
      const value = (bar < 0 ? identifier : identifier.slice(bar + 1)).toUpperCase();
      found = patients.filter((p) => {
        const ids = [{ system: sNumberSystem, value: p.sNumber }, ...(p.nhsNumber ? [{ system: SANDBOX_NHS_NUMBER_SYSTEM, value: p.nhsNumber }] : [])];
        return ids.some((i) => i.value.toUpperCase() === value && (system === undefined || i.system === system));
      });
    } else if (id !== null) {
      found = patients.filter((p) => p.pasId === id);
    } else {
      return send(res, 400, outcome('processing', 'this stand-in searches by identifier or _id only'));
    }
    const resources = found.map((p) => toFhirPatient(p, sNumberSystem));
    if (fault?.kind === 'duplicate' && resources[0]) resources.push({ ...resources[0], id: `${String(resources[0].id)}-dup` });
    return send(res, 200, searchset(baseUrl, resources, self));
  };

  const listener = (req: http.IncomingMessage, res: http.ServerResponse) => {
    handler(req, res).catch(() => {
      if (!res.headersSent) send(res, 500, outcome('exception', 'stand-in error'));
      else res.destroy();
    });
  };
  const server: http.Server = opts.tls ? https.createServer({ key: opts.tls.key, cert: opts.tls.cert }, listener) : http.createServer(listener);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  baseUrl = `${opts.tls ? 'https' : 'http'}://127.0.0.1:${port}/fhir`;

  let closing: Promise<void> | undefined;
  return {
    baseUrl,
    port,
    requests,
    setFault: (fault, times, target) => faults.set(fault, times, target),
    close() {
      // Idempotent; drops kept-alive client connections so close() does not wait on them.
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
