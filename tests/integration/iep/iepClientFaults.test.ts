import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import {
  HttpIepClient,
  IepError,
  IepHttpError,
  IepInvalidCallError,
  IepMalformedResponseError,
  IepTimeoutError,
  IepTlsError,
  IepUnreachableError,
  type IepClientOptions,
} from '../../../integrations/iep';
import { CANARY_MARKERS, demoPatient } from '../../../sandbox/demo';
import { startIepSimulator, type IepSimulator } from '../../../sandbox/iep-simulator/iepSimulator';
import { remoteOrthanc } from '../../support/services';
import { closedPort, selfSigned } from '../pas/peerFixtures';
import { control, importRequest, seedStudy, testPatient, type TestPatient } from './iepFixtures';

const TOKEN = 'iep-token-9d2f4b7a-not-a-real-secret';
const API_KEY = 'iep-key-5e8c1f3d-not-a-real-secret';
const canary = demoPatient('canary');
const canaryPatient: TestPatient = {
  remoteId: 'RKGH-CANARY',
  familyName: canary.familyName,
  givenName: canary.givenNames[0]!,
  birthDate: canary.birthDate,
  nhsNumber: canary.nhsNumber!,
  sNumber: canary.sNumber,
};

/** Runs `fn`, expects an IepError, and checks neither its message nor its JSON leaks a secret or patient data. */
async function failure(fn: () => Promise<unknown>): Promise<IepError> {
  let caught: unknown;
  try {
    await fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(IepError);
  const err = caught as IepError;
  for (const secret of [TOKEN, API_KEY, ...CANARY_MARKERS]) {
    expect(err.message).not.toContain(secret);
    expect(JSON.stringify(err)).not.toContain(secret);
  }
  return err;
}

describe('HttpIepClient faults against the simulator', () => {
  let sim: IepSimulator;
  const clients: HttpIepClient[] = [];
  const client = (over: Partial<IepClientOptions> = {}) => {
    const c = new HttpIepClient({ baseUrl: sim.baseUrl, auth: { kind: 'bearer', token: TOKEN }, timeoutMs: 2_000, ...over });
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    sim = await startIepSimulator({ bearerToken: TOKEN, apiKey: API_KEY, archive: { orthancUrl: remoteOrthanc().restUrl }, clock: { mode: 'manual' } });
  });
  afterEach(async () => {
    await fetch(`${sim.controlUrl}/http-faults`, { method: 'DELETE' });
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await sim.close();
  });

  it('sends the bearer token, or the API key in x-api-key', async () => {
    await client().declineReasons();
    expect(sim.calls.at(-1)).toMatchObject({ method: 'GET', authorization: `Bearer ${TOKEN}` });
    await client({ auth: { kind: 'apiKey', key: API_KEY } }).declineReasons();
    expect(sim.calls.at(-1)).toMatchObject({ apiKey: API_KEY, authorization: undefined });
  });

  it('reports refused credentials as a permanent 401 without the token', async () => {
    const err = await failure(() => client({ auth: { kind: 'bearer', token: `${TOKEN}-wrong` } }).declineReasons());
    expect(err).toBeInstanceOf(IepHttpError);
    expect(err).toMatchObject({ status: 401, iepCode: 'UNAUTHENTICATED', retryable: false });
    expect(err.message).toMatch(/check the IEP token or API key/);
  });

  it('reports HTTP 5xx as retryable for the next N calls, then succeeds (fault armed through /control)', async () => {
    await control(sim.controlUrl, '/http-faults', { fault: { kind: 'status', status: 503 }, times: 2 });
    const c = client();
    for (let i = 0; i < 2; i++) {
      const err = await failure(() => c.searchInstitutions('Kettering'));
      expect(err).toMatchObject({ status: 503, iepCode: 'INJECTED_FAULT', retryable: true, code: 'IEP_HTTP' });
    }
    expect((await c.searchInstitutions('Kettering')).map((i) => i.id)).toEqual(['kgh']);
  });

  it('reports a 200 that is not JSON, or an HTML login page, as a permanent malformed response', async () => {
    sim.setHttpFault({ kind: 'malformedJson' }, 1);
    const junk = await failure(() => client().declineReasons());
    expect(junk).toBeInstanceOf(IepMalformedResponseError);
    expect(junk.retryable).toBe(false);
    sim.setHttpFault({ kind: 'html' }, 1);
    const html = await failure(() => client().declineReasons());
    expect(html).toBeInstanceOf(IepMalformedResponseError);
    expect(html.message).toContain('content type is not JSON');
  });

  it('times out a slow answer as retryable, within the deadline', async () => {
    await control(sim.controlUrl, '/http-faults', { fault: { kind: 'delay', ms: 1_500 }, times: 1 });
    const t0 = Date.now();
    const err = await failure(() => client({ timeoutMs: 300 }).declineReasons());
    expect(err).toBeInstanceOf(IepTimeoutError);
    expect(err.retryable).toBe(true);
    expect(Date.now() - t0).toBeLessThan(1_200);
  });

  it('reports a hang-up and a refused connection as retryable unreachable errors', async () => {
    sim.setHttpFault({ kind: 'hangUp' }, 1);
    const hangUp = await failure(() => client().getTransaction('TX00000001'));
    expect(hangUp).toBeInstanceOf(IepUnreachableError);
    expect(hangUp.retryable).toBe(true);
    const port = await closedPort();
    const refused = await failure(() => client({ baseUrl: `http://127.0.0.1:${port}/api/v1` }).declineReasons());
    expect(refused).toMatchObject({ code: 'IEP_UNREACHABLE', networkCode: 'ECONNREFUSED', retryable: true });
  });

  it('targets a fault at one method and path: a failing create leaves reads working', async () => {
    await control(sim.controlUrl, '/http-faults', { fault: { kind: 'status', status: 502 }, method: 'POST', pathPrefix: '/requests' });
    const c = client();
    const p = testPatient();
    expect((await failure(() => c.createRequest(importRequest(p, '2026-01-10')))).retryable).toBe(true);
    expect(await c.declineReasons()).not.toHaveLength(0);
  });

  it('keeps patient data and secrets out of every error, including the peer\'s 400 and 409 answers', async () => {
    const c = client();
    const body = importRequest(canaryPatient, '2026-01-10');
    await c.createRequest(body);
    const conflict = await failure(() => c.createRequest({ ...body, institutionId: 'sth' }, { callRef: 'ITB-2026-000777' }));
    expect(conflict.message).toContain('call ITB-2026-000777');
    expect(conflict).toMatchObject({ status: 409, retryable: false });
    const invalid = await failure(() => c.createRequest({ ...importRequest(canaryPatient, '2026-01-10'), deliveryNode: canary.familyName }));
    expect(invalid).toMatchObject({ status: 400, iepCode: 'UNKNOWN_DELIVERY_NODE' });
  });

  it('refuses to send an unsafe external reference or transaction id, without calling IEP', async () => {
    const c = client();
    const before = sim.calls.length;
    const badRef = await failure(() => c.createRequest(importRequest(canaryPatient, '2026-01-10', { externalReference: `ref ${canary.sNumber}!` })));
    expect(badRef).toBeInstanceOf(IepInvalidCallError);
    expect(await failure(() => c.getTransaction('../institutions'))).toBeInstanceOf(IepInvalidCallError);
    expect(sim.calls.length).toBe(before);
  });

  it('follows pages of the incoming list to the end', async () => {
    const p = testPatient();
    const uid = await seedStudy(remoteOrthanc().restUrl, p, '2026-01-11', 'DX', 1);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await control<{ id: string }>(sim.controlUrl, '/incoming', { institutionId: 'ulht', studyInstanceUids: [uid] })).id);
    const before = sim.calls.length;
    const incoming = await client({ pageSize: 2 }).listIncoming();
    expect(incoming.map((t) => t.id)).toEqual(expect.arrayContaining(ids));
    expect(incoming.filter((t) => ids.includes(t.id)).map((t) => t.id)).toEqual(ids);
    const pages = sim.calls.slice(before).filter((c) => c.url.startsWith('/api/v1/transactions?'));
    expect(pages.length).toBe(Math.ceil(incoming.length / 2));
    expect(pages.every((c) => c.url.includes('direction=in'))).toBe(true);
  });
});

describe('HttpIepClient over TLS', () => {
  let sim: IepSimulator;
  let cert: Buffer;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iep-tls-'));
  beforeAll(async () => {
    const pair = selfSigned(dir, 'iep', 'IP:127.0.0.1');
    cert = pair.cert;
    sim = await startIepSimulator({ tls: pair, archive: { orthancUrl: remoteOrthanc().restUrl }, clock: { mode: 'manual' } });
  });
  afterAll(async () => {
    await sim.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('refuses an untrusted certificate as a permanent TLS error, and works with the CA configured', async () => {
    expect(sim.baseUrl.startsWith('https://')).toBe(true);
    const untrusted = new HttpIepClient({ baseUrl: sim.baseUrl, timeoutMs: 2_000 });
    const err = await failure(() => untrusted.declineReasons());
    expect(err).toBeInstanceOf(IepTlsError);
    expect(err.retryable).toBe(false);
    untrusted.close();
    const trusted = new HttpIepClient({ baseUrl: sim.baseUrl, timeoutMs: 2_000, tls: { ca: cert } });
    expect((await trusted.searchInstitutions('Marsden')).map((i) => i.id)).toEqual(['royal-marsden']);
    trusted.close();
  });
});

describe('HttpIepClient against a peer that breaks the contract', () => {
  let server: http.Server;
  let base: string;
  let answer: (req: http.IncomingMessage) => { status: number; body: unknown };
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        const a = answer(req);
        res.writeHead(a.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(a.body));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  const transaction = (over: Record<string, unknown> = {}) => ({
    id: 'TX1',
    type: 'request',
    direction: 'out',
    externalReference: 'someone-elses-ref',
    institution: { id: 'kgh', name: 'Kettering General Hospital' },
    priority: 'Normal',
    deliveryNode: 'UHLPACSWFM01',
    status: 'New',
    statusChangedAt: '2026-02-02T09:00:00Z',
    createdAt: '2026-02-02T09:00:00Z',
    updatedAt: '2026-02-02T09:00:00Z',
    patient: { familyName: canary.familyName, givenNames: [], birthDate: canary.birthDate },
    studies: [],
    messageCount: 0,
    ...over,
  });

  it('refuses a created transaction that carries another external reference (it could be someone else\'s)', async () => {
    answer = () => ({ status: 201, body: transaction() });
    const c = new HttpIepClient({ baseUrl: base });
    const err = await failure(() => c.createRequest(importRequest(canaryPatient, '2026-01-10')));
    expect(err).toBeInstanceOf(IepMalformedResponseError);
    expect(err.message).toContain('different external reference');
    c.close();
  });

  it('refuses a transaction with a status outside the guideline, naming the field but not its value', async () => {
    answer = () => ({ status: 200, body: transaction({ status: `Held for ${canary.familyName}` }) });
    const c = new HttpIepClient({ baseUrl: base });
    const err = await failure(() => c.getTransaction('TX1'));
    expect(err).toBeInstanceOf(IepMalformedResponseError);
    expect(err.message).toContain('status: invalid_value');
    c.close();
  });

  it('stops when the list cursor repeats instead of looping for ever', async () => {
    answer = () => ({ status: 200, body: { transactions: [], nextCursor: 'same' } });
    const c = new HttpIepClient({ baseUrl: base });
    const err = await failure(() => c.listIncoming());
    expect(err.message).toContain('cursor repeats');
    c.close();
  });
});
