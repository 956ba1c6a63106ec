import path from 'node:path';
import {
  DimsePacsClient,
  PacsAssociationAbortedError,
  PacsAssociationRejectedError,
  PacsConfigError,
  PacsDimseStatusError,
  PacsMalformedResponseError,
  PacsTlsError,
  type DimsePacsOptions,
} from '../../../integrations/pacs';
import { remoteOrthanc, testVarDir, uhlOrthanc } from '../../support/services';
import { startGuardedOrthanc, type GuardedOrthanc } from './guardedOrthanc';
import { startRawPeer, type Peer } from './pacsPeers';
import { makeStudy, orthancSopUids, outFolder, pacsFailure, type TestStudy } from './studies';

/**
 * DIMSE client faults: association rejections from a real Orthanc that checks AE titles, DICOM TLS against the same
 * Orthanc, DIMSE failure statuses, and upper-layer PDUs (PS3.8 9.3) that only a raw peer will send on demand.
 */
jest.setTimeout(60_000);

const clients: DimsePacsClient[] = [];
const client = (opts: Omit<DimsePacsOptions, 'kind'>) => {
  const c = new DimsePacsClient({ kind: 'dimse', timeoutMs: 5_000, ...opts });
  clients.push(c);
  return c;
};
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
});

let study: TestStudy;
beforeAll(() => {
  study = makeStudy('dimsefaults', { instances: 3 });
});

describe('a real Orthanc that checks AE titles and speaks DICOM TLS', () => {
  let guarded: GuardedOrthanc;
  const at = (over: Partial<DimsePacsOptions> = {}) =>
    client({ host: '127.0.0.1', port: guarded.dicomPort, calledAet: guarded.aet, callingAet: guarded.knownAet, tls: { ca: guarded.caPem }, ...over });

  beforeAll(async () => {
    guarded = await startGuardedOrthanc(path.join(testVarDir(), 'pacs', `guarded-dimse-${process.pid}`));
  });
  afterAll(async () => {
    await guarded.handle.stop();
  });

  it('with the right AE titles and its CA trusted, echoes, stores and finds over TLS', async () => {
    const c = at();
    await c.echo();
    expect((await c.storeFiles(study.files)).stored).toHaveLength(3);
    expect((await c.searchStudies({ patientId: study.patientId })).map((s) => s.numberOfInstances)).toEqual([3]);
  });

  it('a wrong called AE title is rejected permanently: PacsAssociationRejectedError called-ae-not-recognized', async () => {
    const err = await pacsFailure(at({ calledAet: 'NOTTHEPACS' }).echo({ callRef: 'ITB-2026-000020' }), PacsAssociationRejectedError);
    expect(err.retryable).toBe(false);
    expect(err.reason).toBe('called-ae-not-recognized');
    expect(err.message).toMatch(/called AE title setting.*ITB-2026-000020/);
  });

  it('an unknown calling AE title is rejected permanently: calling-ae-not-recognized, with the fix in the message', async () => {
    const err = await pacsFailure(at({ callingAet: 'STRANGER' }).searchStudies({ patientId: study.patientId }), PacsAssociationRejectedError, [study.patientId]);
    expect(err.retryable).toBe(false);
    expect(err.reason).toBe('calling-ae-not-recognized');
    expect(err.message).toContain('register our calling AE title');
  });

  it('without its CA, its certificate is not trusted: PacsTlsError', async () => {
    const err = await pacsFailure(at({ tls: {} }).echo(), PacsTlsError);
    expect(err.retryable).toBe(false);
  });
});

describe('DIMSE failure statuses from the UHL Orthanc', () => {
  const uhl = (over: Partial<DimsePacsOptions> = {}) =>
    client({ host: '127.0.0.1', port: uhlOrthanc().dicomPort, calledAet: uhlOrthanc().aet, callingAet: 'ITBFAULTS', ...over });

  it('moving to an AE title the PACS does not know fails permanently, naming the AE title to register', async () => {
    await uhl().storeFiles(study.files);
    const err = await pacsFailure(uhl().moveStudyTo(study.studyInstanceUid, 'NOSUCHNODE'), PacsDimseStatusError);
    // PS3.4 C.4.2.1.5 has 0xA801 "Move Destination unknown"; Orthanc 1.10 answers 0xC000 "Unable to process".
    expect([0xa801, 0xc000]).toContain(err.status);
    expect(err.retryable).toBe(false);
    expect(err.message).toContain('"NOSUCHNODE"');
  });

  it('moves a study from UHL to the remote trust without passing through us', async () => {
    await uhl().storeFiles(study.files);
    const moved = await uhl().moveStudyTo(study.studyInstanceUid, 'REMOTE');
    expect(moved).toEqual({ completed: 3, failed: 0, warnings: 0, status: 0 });
    expect(await orthancSopUids(remoteOrthanc().restUrl, study.studyInstanceUid)).toEqual([...study.sopInstanceUids].sort());
  });

  it('retrieving without a storage SCP configured is PacsConfigError', async () => {
    await pacsFailure(uhl().retrieveStudy(study.studyInstanceUid, outFolder(study, 'no-scp')), PacsConfigError);
  });

  it('refuses AE titles that DICOM does not allow', () => {
    expect(() => uhl({ callingAet: 'THIS-AE-TITLE-IS-TOO-LONG' })).toThrow(PacsConfigError);
    expect(() => uhl({ calledAet: 'BACK\\SLASH' })).toThrow(PacsConfigError);
    expect(() => uhl({ calledAet: '   ' })).toThrow(PacsConfigError);
  });
});

describe('upper-layer PDUs from a raw peer (PS3.8 9.3)', () => {
  const peers: Peer[] = [];
  const rawClient = async (bytes: number[]) => {
    const peer = await startRawPeer(Buffer.from(bytes));
    peers.push(peer);
    return client({ host: '127.0.0.1', port: peer.port, calledAet: 'RAWPEER', callingAet: 'ITBFAULTS', timeoutMs: 3_000 });
  };
  afterAll(async () => {
    await Promise.all(peers.map((p) => p.close()));
  });

  it('A-ASSOCIATE-RJ transient (congestion) is retryable', async () => {
    // Type 03, length 4: reserved, result 2 (transient), source 3 (presentation), reason 1 (temporary congestion).
    const err = await pacsFailure((await rawClient([0x03, 0, 0, 0, 0, 4, 0, 2, 3, 1])).echo(), PacsAssociationRejectedError);
    expect(err.retryable).toBe(true);
    expect(err.reason).toBe('temporary-congestion');
  });

  it('A-ABORT in answer to the association request is PacsAssociationAbortedError, retryable', async () => {
    // Type 07, length 4: reserved x2, source 2 (service provider), reason 0.
    const err = await pacsFailure((await rawClient([0x07, 0, 0, 0, 0, 4, 0, 0, 2, 0])).echo(), PacsAssociationAbortedError);
    expect(err.retryable).toBe(true);
  });

  it('sends credentials as user identity negotiation (PS3.7 D.3.3.7) and keeps them out of the error', async () => {
    let request: Buffer = Buffer.alloc(0);
    const peer = await startRawPeer(Buffer.from([0x03, 0, 0, 0, 0, 4, 0, 1, 1, 1]), (b) => (request = b));
    peers.push(peer);
    const password = 'dimse-pw-not-a-real-secret';
    const c = client({ host: '127.0.0.1', port: peer.port, calledAet: 'RAWPEER', callingAet: 'ITBFAULTS', auth: { kind: 'basic', username: 'itbuser', password } });
    const err = await pacsFailure(c.echo(), PacsAssociationRejectedError, [password]);
    expect(err.reason).toBe('no-reason-given');
    // A-ASSOCIATE-RQ (type 01) whose user information carries a User Identity sub-item (type 58, identity type 2).
    expect(request[0]).toBe(0x01);
    const item = request.indexOf(Buffer.from([0x58, 0x00]));
    expect(item).toBeGreaterThan(0);
    expect(request[item + 4]).toBe(2);
    expect(request.includes(Buffer.from('itbuser'))).toBe(true);
    expect(request.includes(Buffer.from(password))).toBe(true);
  });

  it('a PDU of no known type is PacsMalformedResponseError', async () => {
    await pacsFailure((await rawClient([0x09, 0, 0, 0, 0, 4, 0, 0, 0, 0])).echo(), PacsMalformedResponseError);
  });
});

it('the study stored by these tests is on the UHL Orthanc once', async () => {
  expect(await orthancSopUids(uhlOrthanc().restUrl, study.studyInstanceUid)).toEqual([...study.sopInstanceUids].sort());
});
