import fs from 'node:fs';
import path from 'node:path';
import type http from 'node:http';
import {
  DicomWebPacsClient,
  PacsHttpError,
  PacsMalformedResponseError,
  PacsRetrieveIncompleteError,
  PacsTimeoutError,
  PacsTlsError,
  PacsUnreachableError,
  type DicomWebPacsOptions,
} from '../../../integrations/pacs';
import { MultipartSplitter, parseMediaType } from '../../../integrations/pacs/dicomweb/multipartSplitter';
import { testVarDir, uhlOrthanc } from '../../support/services';
import { startGuardedOrthanc, type GuardedOrthanc } from './guardedOrthanc';
import { makeCert, startHttpStub, startTlsProxy, type Peer } from './pacsPeers';
import { makeStudy, orthancSopUids, outFolder, pacsFailure, type TestStudy } from './studies';

/**
 * DICOMweb client faults: HTTP errors, malformed answers, cut and stalled streams, credentials and TLS. Stubs stand in
 * only for what Orthanc cannot be made to do; credentials run against a real Orthanc with authentication on, TLS
 * against the real UHL Orthanc behind a TLS front.
 */
jest.setTimeout(60_000);

const TOKEN = 'bearer-7d1f0c2a-not-a-real-secret';
const certDir = () => path.join(testVarDir(), 'pacs', 'certs');
const clients: DicomWebPacsClient[] = [];
const client = (baseUrl: string, over: Partial<DicomWebPacsOptions> = {}) => {
  const c = new DicomWebPacsClient({ kind: 'dicomweb', baseUrl, timeoutMs: 2_000, idleTimeoutMs: 2_000, ...over });
  clients.push(c);
  return c;
};

let study: TestStudy;
let stub: Peer;
/** What the stub does with the next requests; set per test. */
let answer: (req: http.IncomingMessage, body: Buffer, res: http.ServerResponse) => void;

beforeAll(async () => {
  study = makeStudy('dwfaults');
  stub = await startHttpStub((req, body, res) => answer(req, body, res));
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await stub.close();
});

const json = (res: http.ServerResponse, status: number, value: unknown, type = 'application/dicom+json') => {
  res.writeHead(status, { 'content-type': type });
  res.end(typeof value === 'string' ? value : JSON.stringify(value));
};

describe('HTTP errors', () => {
  it.each([
    [503, true],
    [500, true],
    [429, true],
    [400, false],
    [403, false],
    [404, false],
  ])('HTTP %i from a search is PacsHttpError (retryable %s), with no patient id in the message', async (status, retryable) => {
    answer = (_req, _body, res) => json(res, status, { error: 'nope' }, 'application/json');
    const err = await pacsFailure(client(`${stub.url}/dicom-web`).searchStudies({ patientId: study.patientId }, { callRef: 'ITB-2026-000010' }), PacsHttpError, [study.patientId]);
    expect(err.status).toBe(status);
    expect(err.retryable).toBe(retryable);
    expect(err.message).toContain(`HTTP ${status}`);
    expect(err.message).toContain('ITB-2026-000010');
  });

  it('HTTP 500 from STOW-RS fails the store as retryable', async () => {
    answer = (_req, _body, res) => json(res, 500, '');
    const err = await pacsFailure(client(`${stub.url}/dicom-web`).storeFiles(study.files), PacsHttpError);
    expect(err.retryable).toBe(true);
  });

  it('sends a bearer token as Authorization and never puts it in an error', async () => {
    const seen: string[] = [];
    answer = (req, _body, res) => {
      seen.push(String(req.headers.authorization));
      json(res, 401, '');
    };
    const err = await pacsFailure(client(`${stub.url}/dicom-web`, { auth: { kind: 'bearer', token: TOKEN } }).echo(), PacsHttpError, [TOKEN]);
    expect(seen).toEqual([`Bearer ${TOKEN}`]);
    expect(err.message).toMatch(/credentials/);
  });
});

describe('malformed answers', () => {
  it.each([
    ['not JSON', 'application/dicom+json', '<html>proxy error</html>'],
    ['a JSON object, not an array', 'application/dicom+json', '{"0020000D":{"vr":"UI","Value":["1.2.3"]}}'],
    ['a match without a Study Instance UID', 'application/dicom+json', '[{"00100020":{"vr":"LO","Value":["X"]}}]'],
    ['HTML', 'text/html', '[]'],
  ])('a search answered with %s is PacsMalformedResponseError', async (_what, type, body) => {
    answer = (_req, _b, res) => json(res, 200, body, type);
    const err = await pacsFailure(client(`${stub.url}/dicom-web`).searchStudies({ patientId: study.patientId }), PacsMalformedResponseError, [study.patientId]);
    expect(err.retryable).toBe(false);
  });

  it('a retrieve answered with JSON instead of multipart is PacsMalformedResponseError', async () => {
    answer = (_req, _b, res) => json(res, 200, []);
    await pacsFailure(client(`${stub.url}/dicom-web`).retrieveStudy(study.studyInstanceUid, outFolder(study, 'json')), PacsMalformedResponseError);
  });

  it('a retrieve whose part is not DICOM is PacsMalformedResponseError and leaves no partial file', async () => {
    const folder = outFolder(study, 'notdicom');
    answer = (_req, _b, res) => {
      res.writeHead(200, { 'content-type': 'multipart/related; type="application/dicom"; boundary=XyZ' });
      res.end('--XyZ\r\nContent-Type: application/dicom\r\n\r\nnot a dicom file\r\n--XyZ--\r\n');
    };
    await pacsFailure(client(`${stub.url}/dicom-web`).retrieveStudy(study.studyInstanceUid, folder), PacsMalformedResponseError);
    expect(fs.readdirSync(folder)).toEqual([]);
  });

  it('a retrieve cut off after the first instance is PacsRetrieveIncompleteError (retryable); the whole instance stays', async () => {
    const folder = outFolder(study, 'cut');
    const first = fs.readFileSync(study.files[0]!);
    const second = fs.readFileSync(study.files[1]!);
    answer = (_req, _b, res) => {
      res.writeHead(200, { 'content-type': 'multipart/related; type="application/dicom"; boundary=XyZ', connection: 'close' });
      res.write(Buffer.concat([Buffer.from('--XyZ\r\nContent-Type: application/dicom\r\n\r\n'), first, Buffer.from('\r\n--XyZ\r\nContent-Type: application/dicom\r\n\r\n')]));
      res.end(second.subarray(0, 1000));
    };
    const err = await pacsFailure(client(`${stub.url}/dicom-web`).retrieveStudy(study.studyInstanceUid, folder), PacsRetrieveIncompleteError);
    expect(err.retryable).toBe(true);
    expect(err.received).toBe(1);
    expect(fs.readdirSync(folder)).toEqual([`${study.sopInstanceUids[0]}.dcm`]);
  });

  it('a retrieve that stalls mid-instance is PacsTimeoutError and removes the partial file', async () => {
    const folder = outFolder(study, 'stall');
    const first = fs.readFileSync(study.files[0]!);
    answer = (_req, _b, res) => {
      res.writeHead(200, { 'content-type': 'multipart/related; type="application/dicom"; boundary=XyZ' });
      res.write(Buffer.concat([Buffer.from('--XyZ\r\nContent-Type: application/dicom\r\n\r\n'), first.subarray(0, 2000)]));
      // ...and nothing more.
    };
    const err = await pacsFailure(client(`${stub.url}/dicom-web`, { idleTimeoutMs: 800 }).retrieveStudy(study.studyInstanceUid, folder), PacsTimeoutError);
    expect(err.retryable).toBe(true);
    expect(fs.readdirSync(folder)).toEqual([]);
  });

  it('a connection dropped mid-instance is retryable', async () => {
    const folder = outFolder(study, 'drop');
    const first = fs.readFileSync(study.files[0]!);
    answer = (req, _b, res) => {
      res.writeHead(200, { 'content-type': 'multipart/related; type="application/dicom"; boundary=XyZ', 'content-length': '999999' });
      res.write(Buffer.concat([Buffer.from('--XyZ\r\nContent-Type: application/dicom\r\n\r\n'), first.subarray(0, 2000)]), () => req.socket.destroy());
    };
    const err = await pacsFailure(client(`${stub.url}/dicom-web`).retrieveStudy(study.studyInstanceUid, folder), PacsUnreachableError);
    expect(err.retryable).toBe(true);
    expect(fs.readdirSync(folder)).toEqual([]);
  });

  it('a store answered with something other than DICOM JSON is PacsMalformedResponseError', async () => {
    answer = (_req, _b, res) => json(res, 200, 'OK', 'text/plain');
    await pacsFailure(client(`${stub.url}/dicom-web`).storeFiles(study.files), PacsMalformedResponseError);
  });
});

describe('STOW-RS answers and batching', () => {
  it('maps Referenced, Failed and missing SOP Instances back to the files (202 Accepted)', async () => {
    const [ok, warned, failed, silent] = study.sopInstanceUids;
    const item = (uid: string, extra: Record<string, unknown> = {}) => ({ '00081150': { vr: 'UI', Value: ['1.2.840.10008.5.1.4.1.1.2'] }, '00081155': { vr: 'UI', Value: [uid] }, ...extra });
    answer = (_req, _b, res) =>
      json(res, 202, {
        '00081199': { vr: 'SQ', Value: [item(ok!), item(warned!, { '00081196': { vr: 'US', Value: [0xb000] } })] },
        '00081198': { vr: 'SQ', Value: [item(failed!, { '00081197': { vr: 'US', Value: [0xa700] } })] },
      });
    const outcome = await client(`${stub.url}/dicom-web`).storeFiles(study.files);
    const [f0, f1, f2, f3] = study.files;
    expect(outcome.stored).toEqual([
      { file: f0, sopInstanceUid: ok },
      { file: f1, sopInstanceUid: warned, warning: '0xB000' },
    ]);
    expect(outcome.failed).toEqual([
      { file: f2, sopInstanceUid: failed, reason: 'out-of-resources', status: 0xa700 },
      { file: f3, sopInstanceUid: silent, reason: 'not-acknowledged' },
    ]);
  });

  it('sends batches of storeBatchFiles parts, at most storeParallelism at once, each a valid multipart of the files', async () => {
    const many = makeStudy('batches', { instances: 10 });
    const parts: number[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    answer = (req, body, res) => {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      const splitter = new MultipartSplitter(parseMediaType(req.headers['content-type'])!.params.boundary!);
      const events = splitter.push(body);
      splitter.end();
      parts.push(events.filter((e) => e.kind === 'end-part').length);
      expect(Number(req.headers['content-length'])).toBe(body.length);
      // Hold the answer a moment so concurrent batches overlap.
      setTimeout(() => {
        inFlight -= 1;
        json(res, 200, { '00081199': { vr: 'SQ', Value: many.sopInstanceUids.map((u) => ({ '00081155': { vr: 'UI', Value: [u] } })) } });
      }, 150);
    };
    const outcome = await client(`${stub.url}/dicom-web`, { storeBatchFiles: 3, storeParallelism: 2 }).storeFiles(many.files);
    expect(outcome.stored).toHaveLength(10);
    expect(parts.sort()).toEqual([1, 3, 3, 3]);
    expect(maxInFlight).toBe(2);
  });

  it('stores in small parallel batches on the real Orthanc, and again after Orthanc dropped the idle kept-alive sockets', async () => {
    const many = makeStudy('orthanc-batches', { instances: 9 });
    const c = client(uhlOrthanc().dicomWebUrl, { storeBatchFiles: 2, storeParallelism: 3 });
    expect((await c.storeFiles(many.files.slice(0, 5))).stored).toHaveLength(5);
    // Orthanc closes idle keep-alive connections after 1 s; the next batches must not fail on a stale socket.
    await new Promise((r) => setTimeout(r, 1_300));
    expect((await c.storeFiles(many.files.slice(5))).stored).toHaveLength(4);
    expect(await orthancSopUids(uhlOrthanc().restUrl, many.studyInstanceUid)).toEqual([...many.sopInstanceUids].sort());
  });
});

describe('credentials on a real Orthanc with authentication on', () => {
  let guarded: GuardedOrthanc;
  beforeAll(async () => {
    guarded = await startGuardedOrthanc(path.join(testVarDir(), 'pacs', `guarded-dw-${process.pid}`));
  });
  afterAll(async () => {
    await guarded.handle.stop();
  });

  it('basic auth with the right password stores, finds and retrieves', async () => {
    const c = client(guarded.dicomWebUrl, { auth: { kind: 'basic', username: guarded.username, password: guarded.password } });
    expect((await c.storeFiles(study.files)).stored).toHaveLength(study.files.length);
    expect((await c.searchStudies({ patientId: study.patientId })).map((s) => s.studyInstanceUid)).toEqual([study.studyInstanceUid]);
    expect((await c.retrieveStudy(study.studyInstanceUid, outFolder(study, 'guarded'))).instances).toHaveLength(study.files.length);
  });

  it('a wrong password is PacsHttpError 401, not retryable, and the password is not in the message', async () => {
    const wrong = `${guarded.password}-wrong`;
    const err = await pacsFailure(
      client(guarded.dicomWebUrl, { auth: { kind: 'basic', username: guarded.username, password: wrong } }).searchStudies({ patientId: study.patientId }),
      PacsHttpError,
      [wrong, guarded.password, study.patientId, Buffer.from(`itb:${wrong}`).toString('base64')],
    );
    expect(err.status).toBe(401);
    expect(err.retryable).toBe(false);
  });
});

describe('TLS in front of the real UHL Orthanc', () => {
  let server: ReturnType<typeof makeCert>;
  let clientCert: ReturnType<typeof makeCert>;
  let plain: Peer;
  let mutual: Peer;
  beforeAll(async () => {
    server = makeCert(certDir(), 'dw-server');
    clientCert = makeCert(certDir(), 'dw-client');
    plain = await startTlsProxy(uhlOrthanc().restUrl, server);
    mutual = await startTlsProxy(uhlOrthanc().restUrl, server, clientCert.cert);
    expect((await client(uhlOrthanc().dicomWebUrl).storeFiles(study.files)).stored).toHaveLength(study.files.length);
  });
  afterAll(async () => {
    await plain.close();
    await mutual.close();
  });

  it('trusts the PACS through the configured CA and searches', async () => {
    const found = await client(`${plain.url}/dicom-web`, { tls: { ca: server.cert } }).searchStudies({ patientId: study.patientId });
    expect(found.map((s) => s.studyInstanceUid)).toEqual([study.studyInstanceUid]);
  });

  it('presents a client certificate when the PACS demands one (mutual TLS)', async () => {
    const c = client(`${mutual.url}/dicom-web`, { tls: { ca: server.cert, cert: clientCert.cert, key: clientCert.key } });
    expect((await c.retrieveStudy(study.studyInstanceUid, outFolder(study, 'mtls'))).instances).toHaveLength(study.files.length);
  });

  it('without the client certificate the PACS refuses us: PacsTlsError', async () => {
    const err = await pacsFailure(client(`${mutual.url}/dicom-web`, { tls: { ca: server.cert } }).echo(), PacsTlsError);
    expect(err.retryable).toBe(false);
  });

  it('a certificate for another host name is PacsTlsError even from a trusted CA', async () => {
    const other = makeCert(certDir(), 'dw-other-host', 'DNS:pacs.other.example');
    const proxy = await startTlsProxy(uhlOrthanc().restUrl, other);
    try {
      const err = await pacsFailure(client(`${proxy.url}/dicom-web`, { tls: { ca: other.cert } }).echo(), PacsTlsError);
      expect(err.tlsCode).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
    } finally {
      await proxy.close();
    }
  });
});
