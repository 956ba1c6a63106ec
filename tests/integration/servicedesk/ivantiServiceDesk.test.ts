import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  IvantiServiceDesk,
  ServiceDeskError,
  ServiceDeskHttpError,
  ServiceDeskInvalidInputError,
  ServiceDeskMalformedResponseError,
  ServiceDeskTimeoutError,
  ServiceDeskTlsError,
  ServiceDeskUnknownCallRefError,
  ServiceDeskUnreachableError,
  type IvantiServiceDeskOptions,
  type ServiceRequestToLog,
} from '../../../integrations/servicedesk';
import { CANARY_MARKERS, demoPatient } from '../../../sandbox/demo';
import { startIvantiStub, type IvantiStub } from '../../../sandbox/servicedesk/ivantiStub';
import { closedPort, selfSigned } from '../pas/peerFixtures';

const API_KEY = 'C0FFEE00DEADBEEF1234567890ABCDEF';
const canary = demoPatient('canary');

async function failure(fn: () => Promise<unknown>): Promise<ServiceDeskError> {
  let caught: unknown;
  try {
    await fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(ServiceDeskError);
  const err = caught as ServiceDeskError;
  for (const secret of [API_KEY, ...CANARY_MARKERS]) expect(`${err.message} ${JSON.stringify(err)}`).not.toContain(secret);
  return err;
}

const request = (over: Partial<ServiceRequestToLog> = {}): ServiceRequestToLog => ({
  requestId: `req-${Math.random().toString(36).slice(2, 10)}`,
  kind: 'import',
  priority: 'blueLight',
  summary: 'IEP import from Nottingham University Hospitals: 2 exams, required by 2026-02-03',
  ...over,
});

describe('IvantiServiceDesk against the Ivanti stub over HTTP', () => {
  let stub: IvantiStub;
  const clients: IvantiServiceDesk[] = [];
  const desk = (over: Partial<IvantiServiceDeskOptions> = {}) => {
    const c = new IvantiServiceDesk({ baseUrl: stub.baseUrl, apiKey: API_KEY, timeoutMs: 2_000, ...over });
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    stub = await startIvantiStub({ apiKey: API_KEY });
  });
  afterEach(() => stub.setFault(undefined));
  afterAll(async () => {
    for (const c of clients) c.close();
    await stub.close();
  });

  describe('contract', () => {
    it('logs a service request with POST /api/odata/businessobject/servicereqs and returns ServiceReqNumber as the call ref', async () => {
      const before = stub.requests.length;
      const req = request();
      const logged = await desk({ extraFields: { Service: 'IEP', Category: 'Image Transfer' } }).logRequest(req);
      expect(logged.callRef).toMatch(/^\d{5}$/);
      expect(logged.alreadyLogged).toBe(false);
      expect(Date.parse(logged.loggedAt)).not.toBeNaN();

      const [sent] = stub.requests.slice(before);
      expect(sent?.method).toBe('POST');
      expect(sent?.url).toBe('/api/odata/businessobject/servicereqs');
      expect(sent?.authorization).toBe(`rest_api_key=${API_KEY}`);
      const record = stub.records('servicereqs').find((r) => String(r.ServiceReqNumber) === logged.callRef);
      expect(record).toMatchObject({
        Subject: `IEP import (Blue Light): ${req.summary}`,
        Status: 'Submitted',
        Urgency: 'High',
        Service: 'IEP',
        Category: 'Image Transfer',
      });
      expect(record?.Symptom).toContain(`Request id: ${req.requestId}`);
    });

    it('maps priorities to Urgency (overridable) and supports incidents with IncidentNumber', async () => {
      const c = desk({ businessObject: 'incidents', urgencyByPriority: { standard: 'Low' } });
      const std = await c.logRequest(request({ priority: 'standard' }));
      const trauma = await c.logRequest(request({ kind: 'trauma', priority: 'clinicalEmergency', summary: 'Trauma transfer to NUH Radiology PACS: 1 study' }));
      const incidents = stub.records('incidents');
      expect(incidents.find((r) => String(r.IncidentNumber) === std.callRef)).toMatchObject({ Urgency: 'Low', Status: 'Logged' });
      expect(incidents.find((r) => String(r.IncidentNumber) === trauma.callRef)).toMatchObject({ Urgency: 'High', Subject: 'Trauma transfer (Clinical emergency): Trauma transfer to NUH Radiology PACS: 1 study' });
    });

    it('finds a request already logged under its request id instead of logging it twice (requestIdField)', async () => {
      const c = desk({ requestIdField: 'ITB_RequestId' });
      const req = request();
      const first = await c.logRequest(req);
      const countBefore = stub.records('servicereqs').length;
      const again = await c.logRequest(req);
      expect(again).toEqual({ callRef: first.callRef, loggedAt: expect.any(String), alreadyLogged: true });
      expect(stub.records('servicereqs').length).toBe(countBefore);
      const search = stub.requests.filter((r) => r.method === 'GET').at(-1);
      expect(decodeURIComponent(search!.url)).toBe(`/api/odata/businessobject/servicereqs?$filter=ITB_RequestId eq '${req.requestId}'`);
    });

    it('adds a journal note linked to the service request by RecId', async () => {
      const c = desk({ noteCategory: 'Memo' });
      const { callRef } = await c.logRequest(request());
      await c.addNote(callRef, 'Images delivered to PACS');
      const parent = stub.records('servicereqs').find((r) => String(r.ServiceReqNumber) === callRef)!;
      const notes = stub.records('journal__Notess').filter((n) => n.ParentLink_RecID === parent.RecId);
      expect(notes).toEqual([expect.objectContaining({ ParentLink_Category: 'ServiceReq', NotesBody: 'Images delivered to PACS', Category: 'Memo', Subject: 'Imaging Transfer Bot update' })]);
    });

    it('resolves: a closing note, then Status Fulfilled; resolving again does nothing', async () => {
      const c = desk();
      const { callRef } = await c.logRequest(request());
      await c.resolve(callRef, 'Images available on PACS; requester told');
      const parent = stub.records('servicereqs').find((r) => String(r.ServiceReqNumber) === callRef)!;
      expect(parent.Status).toBe('Fulfilled');
      const before = stub.requests.length;
      await c.resolve(callRef, 'again');
      expect(stub.requests.slice(before).map((r) => r.method)).toEqual(['GET']);
      expect(stub.records('journal__Notess').filter((n) => n.ParentLink_RecID === parent.RecId).map((n) => n.NotesBody)).toEqual(['Images available on PACS; requester told']);
    });

    it('reads record numbers sent as numeric strings', async () => {
      const stringy = await startIvantiStub({ apiKey: API_KEY, numbersAsStrings: true });
      try {
        const c = new IvantiServiceDesk({ baseUrl: stringy.baseUrl, apiKey: API_KEY });
        const { callRef } = await c.logRequest(request());
        await c.addNote(callRef, 'ok');
        c.close();
        expect(callRef).toBe('10001');
      } finally {
        await stringy.close();
      }
    });

    it('a base URL with a path the tenant does not serve: HTTP 404 (ISM_4004), permanent, pointing at the URL setting', async () => {
      const err = await failure(() => desk({ baseUrl: `${stub.baseUrl}/HEAT` }).logRequest(request()));
      expect(err).toBeInstanceOf(ServiceDeskHttpError);
      expect((err as ServiceDeskHttpError).status).toBe(404);
      expect((err as ServiceDeskHttpError).ismCode).toBe('ISM_4004');
      expect(err.message).toMatch(/check the service-desk URL/);
    });

    it('refuses unknown and malformed call refs permanently', async () => {
      for (const ref of ['99999', 'ITB-2026-000042', canary.sNumber]) {
        const err = await failure(() => desk().addNote(ref, 'note'));
        expect(err).toBeInstanceOf(ServiceDeskUnknownCallRefError);
        expect(err.retryable).toBe(false);
      }
    });

    it('refuses patient identifiers before anything is sent', async () => {
      const before = stub.requests.length;
      const err = await failure(() => desk().logRequest(request({ summary: `CT for ${canary.familyName} ${canary.nhsNumber}` })));
      expect(err).toBeInstanceOf(ServiceDeskInvalidInputError);
      expect(stub.requests.length).toBe(before);
    });
  });

  describe('faults', () => {
    it('a wrong API key: HTTP 401, permanent, pointing at the key, which is not quoted', async () => {
      const err = await failure(() => desk({ apiKey: 'WRONG-KEY' }).logRequest(request()));
      expect(err).toBeInstanceOf(ServiceDeskHttpError);
      expect((err as ServiceDeskHttpError).status).toBe(401);
      expect(err.retryable).toBe(false);
      expect(err.message).toMatch(/REST API key/);
      expect(err.message).not.toContain('WRONG-KEY');
    });

    it('a required field refused by Ivanti: HTTP 400 with its ISM code, permanent, without its message text', async () => {
      stub.setFault({ kind: 'status', status: 400, body: JSON.stringify({ code: 'ISM_4000', description: 'Invalid Request Payload', message: [`Required field ServiceReq.Category value ${canary.sNumber}`] }) }, 1);
      const err = await failure(() => desk().logRequest(request()));
      expect(err).toBeInstanceOf(ServiceDeskHttpError);
      expect((err as ServiceDeskHttpError).ismCode).toBe('ISM_4000');
      expect(err.retryable).toBe(false);
      expect(err.message).toMatch(/field settings/);
    });

    it.each([
      [500, true],
      [503, true],
      [429, true],
      [403, false],
      [404, false],
    ])('HTTP %i is retryable=%s', async (status, retryable) => {
      stub.setFault({ kind: 'status', status });
      const err = await failure(() => desk().logRequest(request()));
      expect(err).toBeInstanceOf(ServiceDeskHttpError);
      expect((err as ServiceDeskHttpError).status).toBe(status);
      expect(err.retryable).toBe(retryable);
    });

    it('a body that is not JSON: malformed, permanent', async () => {
      stub.setFault({ kind: 'malformedJson' });
      const err = await failure(() => desk().logRequest(request()));
      expect(err).toBeInstanceOf(ServiceDeskMalformedResponseError);
      expect(err.retryable).toBe(false);
    });

    it('an HTML login page: malformed (wrong content type)', async () => {
      stub.setFault({ kind: 'html' });
      const err = await failure(() => desk().logRequest(request()));
      expect(err).toBeInstanceOf(ServiceDeskMalformedResponseError);
      expect(err.message).toMatch(/wrong content type/);
    });

    it('a 201 without a record number: malformed, naming the missing field', async () => {
      stub.setFault({ kind: 'status', status: 201, body: JSON.stringify({ RecId: 'ABC', Subject: 'x' }) }, 1);
      const err = await failure(() => desk().logRequest(request()));
      expect(err).toBeInstanceOf(ServiceDeskMalformedResponseError);
      expect(err.message).toContain('the servicereqs record is not as documented: ServiceReqNumber: invalid_union');
    });

    it('a slow desk: timeout, retryable', async () => {
      stub.setFault({ kind: 'delay', ms: 1_500 }, 1);
      const err = await failure(() => desk({ timeoutMs: 200 }).logRequest(request()));
      expect(err).toBeInstanceOf(ServiceDeskTimeoutError);
      expect(err.retryable).toBe(true);
    });

    it('a dropped connection: unreachable, retryable', async () => {
      stub.setFault({ kind: 'hangUp' });
      const err = await failure(() => desk().logRequest(request()));
      expect(err).toBeInstanceOf(ServiceDeskUnreachableError);
      expect(err.retryable).toBe(true);
    });

    it('nothing listening: unreachable (ECONNREFUSED), retryable, naming the desk', async () => {
      const port = await closedPort();
      const err = await failure(() => desk({ baseUrl: `http://127.0.0.1:${port}` }).logRequest(request()));
      expect(err).toBeInstanceOf(ServiceDeskUnreachableError);
      expect((err as ServiceDeskUnreachableError).networkCode).toBe('ECONNREFUSED');
      expect(err.message).toContain(`http://127.0.0.1:${port}`);
    });

    it('a 5xx on the status change during resolve: retryable, and a retry completes it (the note may repeat)', async () => {
      const c = desk();
      const { callRef } = await c.logRequest(request());
      stub.setFault({ kind: 'status', status: 503, body: JSON.stringify({ code: 'ISM_5000', description: 'Internal server error', message: ['x'] }) }, 1, { method: 'PATCH' });
      const err = await failure(() => c.resolve(callRef, 'done'));
      expect(err).toBeInstanceOf(ServiceDeskHttpError);
      expect((err as ServiceDeskHttpError).ismCode).toBe('ISM_5000');
      expect(err.retryable).toBe(true);
      const parent = () => stub.records('servicereqs').find((r) => String(r.ServiceReqNumber) === callRef)!;
      expect(parent().Status).toBe('Submitted');
      await c.resolve(callRef, 'done');
      expect(parent().Status).toBe('Fulfilled');
      expect(stub.records('journal__Notess').filter((n) => n.ParentLink_RecID === parent().RecId)).toHaveLength(2);
    });
  });
});

describe('IvantiServiceDesk over TLS', () => {
  let dir: string;
  let cert: { key: Buffer; cert: Buffer };
  let stub: IvantiStub;
  const clients: IvantiServiceDesk[] = [];

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'itb-sd-tls-'));
    cert = selfSigned(dir, 'ivanti', 'IP:127.0.0.1');
    stub = await startIvantiStub({ apiKey: API_KEY, tls: cert });
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await stub.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('logs a request when the CA is trusted', async () => {
    const c = new IvantiServiceDesk({ baseUrl: stub.baseUrl, apiKey: API_KEY, tls: { ca: cert.cert } });
    clients.push(c);
    expect((await c.logRequest(request())).callRef).toMatch(/^\d+$/);
  });

  it('fails with a permanent ServiceDeskTlsError when the CA is not trusted, and the key never leaves', async () => {
    const before = stub.requests.length;
    const c = new IvantiServiceDesk({ baseUrl: stub.baseUrl, apiKey: API_KEY });
    clients.push(c);
    const err = await failure(() => c.logRequest(request()));
    expect(err).toBeInstanceOf(ServiceDeskTlsError);
    expect((err as ServiceDeskTlsError).tlsCode).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
    expect(err.retryable).toBe(false);
    expect(stub.requests.length).toBe(before);
  });
});
