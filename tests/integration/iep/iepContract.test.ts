import { HttpIepClient, IepHttpError, type IepTransaction } from '../../../integrations/iep';
import { startIepSimulator, type IepSimulator } from '../../../sandbox/iep-simulator/iepSimulator';
import { remoteOrthanc, uhlOrthanc } from '../../support/services';
import { control, holdsStudy, importRequest, seedStudy, testPatient, traumaTransfer, type TestPatient } from './iepFixtures';

/**
 * The IEP contract, end to end: HttpIepClient -> simulator (manual clock, moved through /control) -> the real
 * "remote trust" Orthanc (the sending trusts' archive and our IEP node) -> C-STORE to the real "UHL" Orthanc standing
 * in for our delivery node UHLPACSWFM01.
 */
const MIN = 60_000;
const DAY = 24 * 60 * MIN;
const TOKEN = 'iep-token-1c7e5a2b-not-a-real-secret';

describe('IEP contract: HttpIepClient over the simulator over real Orthancs', () => {
  let sim: IepSimulator;
  let client: HttpIepClient;
  const uhl = uhlOrthanc();
  const remote = remoteOrthanc();
  const uhlNode = { aet: uhl.aet, host: '127.0.0.1', port: uhl.dicomPort };
  const advance = (ms: number) => control<{ now: string; events: Array<{ transactionId: string; to: string }> }>(sim.controlUrl, '/clock', { advanceMs: ms });
  const statusOf = async (tx: IepTransaction) => (await client.getTransaction(tx.id)).status;

  beforeAll(async () => {
    sim = await startIepSimulator({
      bearerToken: TOKEN,
      archive: { orthancUrl: remote.restUrl },
      deliveryTargets: { UHLPACSWFM01: uhlNode },
      exportSource: uhlNode,
      clock: { start: new Date('2026-02-02T09:00:00Z'), mode: 'manual' },
    });
    client = new HttpIepClient({ baseUrl: sim.baseUrl, auth: { kind: 'bearer', token: TOKEN }, timeoutMs: 30_000 });
  });
  afterAll(async () => {
    client.close();
    await sim.close();
  });

  it('searches the institution directory by part of a name', async () => {
    const found = await client.searchInstitutions('notti');
    expect(found.map((i) => i.name)).toContain('Nottingham University Hospitals');
    expect(found.find((i) => i.id === 'nuh')?.deliveryNodes).toEqual(['NUH Radiology PACS']);
    expect(found.find((i) => i.id === 'nuh-qmc')?.parent).toEqual({ id: 'nuh', name: 'Nottingham University Hospitals' });
    expect((await client.searchInstitutions('')).length).toBeGreaterThanOrEqual(17);
    expect(await client.searchInstitutions('no such trust')).toEqual([]);
  });

  describe('a request (import) through every status to our delivery node', () => {
    let p: TestPatient;
    let wanted: string;
    let other: string;
    let tx: IepTransaction;

    beforeAll(async () => {
      p = testPatient();
      wanted = await seedStudy(remote.restUrl, p, '2026-01-10', 'CT');
      other = await seedStudy(remote.restUrl, p, '2025-03-01', 'MR');
    });

    it('creates the request New, and creating again with the same external reference returns the same transaction', async () => {
      const body = importRequest(p, '2026-01-10');
      const first = await client.createRequest(body);
      expect(first.created).toBe(true);
      tx = first.transaction;
      expect(tx).toMatchObject({ type: 'request', direction: 'out', status: 'New', priority: 'Normal', deliveryNode: 'UHLPACSWFM01', dicomHeaderPatientId: p.sNumber });
      expect(tx.institution).toEqual({ id: 'kgh', name: 'Kettering General Hospital' });
      const again = await client.createRequest(body);
      expect(again.created).toBe(false);
      expect(again.transaction.id).toBe(tx.id);
    });

    it('refuses the same external reference for a different transaction with a permanent 409', async () => {
      const err = await client.createRequest(importRequest(p, '2026-01-10', { externalReference: tx.externalReference, institutionId: 'sth' })).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(IepHttpError);
      expect(err).toMatchObject({ status: 409, iepCode: 'EXTERNAL_REFERENCE_CONFLICT', retryable: false });
    });

    it('is Started when the sending trust has found the study, then On IEP after the upload', async () => {
      expect((await advance(10 * MIN - 1)).events).toEqual([]);
      expect(await statusOf(tx)).toBe('New');
      await advance(1);
      const started = await client.getTransaction(tx.id);
      expect(started.status).toBe('Started');
      expect(started.statusChangedAt).toBe('2026-02-02T09:10:00.000Z');
      // Only the study that answers the exam line, described from its DICOM header.
      expect(started.studies).toEqual([{ studyInstanceUid: wanted, studyDate: '2026-01-10', modalities: ['CT'], description: 'CT synthetic study', accessionNumber: expect.any(String), instances: 2 }]);
      await advance(20 * MIN);
      const onIep = await client.getTransaction(tx.id);
      expect(onIep.status).toBe('On IEP');
      expect(onIep.purgeAt).toBe('2026-02-17T09:30:00.000Z');
    });

    it('downloads on request: Download Request, Downloading, Delivered, with the study in our delivery node', async () => {
      expect(await holdsStudy(uhl.restUrl, wanted)).toBe(false);
      expect((await client.requestDownload(tx.id)).status).toBe('Download Request');
      // Selecting download twice changes nothing.
      expect((await client.requestDownload(tx.id)).status).toBe('Download Request');
      await advance(1 * MIN);
      expect(await statusOf(tx)).toBe('Downloading');
      await advance(5 * MIN);
      const delivered = await client.getTransaction(tx.id);
      expect(delivered.status).toBe('Delivered');
      expect(delivered.deliveredAt).toBe('2026-02-02T09:36:00.000Z');
      expect(await holdsStudy(uhl.restUrl, wanted)).toBe(true);
      expect(await holdsStudy(uhl.restUrl, other)).toBe(false);
    });
  });

  it('is declined "The requested study does not exist at this organisation" when the trust holds none (2.5a)', async () => {
    const p = testPatient();
    await seedStudy(remote.restUrl, p, '2025-12-01', 'CT');
    const { transaction } = await client.createRequest(importRequest(p, '2026-01-15'));
    await advance(10 * MIN);
    const declined = await client.getTransaction(transaction.id);
    expect(declined.status).toBe('Decline');
    expect(declined.decline).toEqual({ code: 'studyNotHeld', reason: 'The requested study does not exist at this organisation.' });
    const reasons = await client.declineReasons();
    expect(reasons).toContainEqual({ code: 'studyNotHeld', text: 'The requested study does not exist at this organisation.' });
    // A declined transaction never reaches IEP, so it cannot be downloaded.
    await expect(client.requestDownload(transaction.id)).rejects.toMatchObject({ status: 409, iepCode: 'NOT_ON_IEP', retryable: false });
  });

  it('plays a decline armed through /control with the reason the sending trust gives', async () => {
    const p = testPatient();
    await seedStudy(remote.restUrl, p, '2026-01-20', 'CT');
    const { transaction } = await client.createRequest(importRequest(p, '2026-01-20'));
    await control(sim.controlUrl, '/faults', { fault: { kind: 'decline', code: 'clinicallyInappropriate' }, match: { transactionId: transaction.id } });
    await advance(10 * MIN);
    const declined = await client.getTransaction(transaction.id);
    expect(declined.status).toBe('Decline');
    expect(declined.decline?.code).toBe('clinicallyInappropriate');
  });

  it('is Purged 15 days after going On IEP when we never download, and a download is then refused with 410', async () => {
    const p = testPatient();
    await seedStudy(remote.restUrl, p, '2026-01-05', 'CT');
    const { transaction } = await client.createRequest(importRequest(p, '2026-01-05'));
    await advance(30 * MIN);
    expect(await statusOf(transaction)).toBe('On IEP');
    await advance(15 * DAY - 1);
    expect(await statusOf(transaction)).toBe('On IEP');
    await advance(1);
    expect(await statusOf(transaction)).toBe('Purged');
    await expect(client.requestDownload(transaction.id)).rejects.toMatchObject({ status: 410, iepCode: 'PURGED', retryable: false });
  });

  it('fails at the step a fail fault names, with the reason on the transaction', async () => {
    const p = testPatient();
    await seedStudy(remote.restUrl, p, '2026-01-07', 'CT');
    const body = importRequest(p, '2026-01-07');
    // Armed before the transaction exists, by our external reference.
    await control(sim.controlUrl, '/faults', { fault: { kind: 'fail', when: 'Downloading', reason: 'Gateway queue error' }, match: { externalReference: body.externalReference } });
    const { transaction } = await client.createRequest(body);
    await advance(30 * MIN);
    await client.requestDownload(transaction.id);
    await advance(1 * MIN);
    const failed = await client.getTransaction(transaction.id);
    expect(failed.status).toBe('Failed');
    expect(failed.failure).toEqual({ reason: 'Gateway queue error' });
  });

  it('moves one transition at a time through /control/step', async () => {
    const p = testPatient();
    await seedStudy(remote.restUrl, p, '2026-01-08', 'CT');
    const { transaction } = await client.createRequest(importRequest(p, '2026-01-08', { priority: 'Clinical emergency' }));
    const seen: string[] = [];
    for (let i = 0; i < 10 && seen.at(-1) !== 'On IEP'; i++) {
      const { events } = await control<{ events: Array<{ transactionId: string; to: string }> }>(sim.controlUrl, '/step');
      seen.push(...events.filter((e) => e.transactionId === transaction.id).map((e) => e.to));
    }
    expect(seen).toEqual(['Started', 'On IEP']);
    const history = (await (await fetch(`${sim.controlUrl}/transactions/${transaction.id}/history`)).json()) as { history: Array<{ status: string; at: string }> };
    const times = history.history.map((h) => Date.parse(h.at));
    // Clinical emergency: a quarter of 10 and 20 minutes.
    expect(times[1]! - times[0]!).toBe(2.5 * MIN);
    expect(times[2]! - times[1]!).toBe(5 * MIN);
  });

  it('keeps messages on a transaction in order, idempotent on our message id, with the other side\'s answers', async () => {
    const p = testPatient();
    const { transaction } = await client.createRequest(importRequest(p, '2026-01-09'));
    const ours = await client.postMessage(transaction.id, { text: 'Please include the report.', clientMessageId: 'm-1' });
    expect(ours.author).toEqual({ institutionId: 'uhl', name: 'University Hospitals of Leicester' });
    expect((await client.postMessage(transaction.id, { text: 'Please include the report.', clientMessageId: 'm-1' })).id).toBe(ours.id);
    await control(sim.controlUrl, `/transactions/${transaction.id}/messages`, { text: 'Report attached to the study.' });
    const messages = await client.listMessages(transaction.id);
    expect(messages.map((m) => [m.author.institutionId, m.text])).toEqual([
      ['uhl', 'Please include the report.'],
      ['kgh', 'Report attached to the study.'],
    ]);
    expect((await client.getTransaction(transaction.id)).messageCount).toBe(2);
  });

  it('lists images that arrived with no request (2.4) as incoming, and downloads them to our node', async () => {
    const p = testPatient();
    const uid = await seedStudy(remote.restUrl, p, '2026-01-12', 'CR');
    const created = await control<{ id: string }>(sim.controlUrl, '/incoming', {
      institutionId: 'spire-leicester',
      studyInstanceUids: [uid],
      message: 'Sent for the orthopaedic clinic on Friday',
    });
    await advance(30 * MIN);
    const incoming = await client.listIncoming({ status: 'On IEP' });
    const tx = incoming.find((t) => t.id === created.id);
    expect(tx).toMatchObject({ type: 'transfer', direction: 'in', status: 'On IEP', deliveryNode: 'UHLPACSWFM01', institution: { id: 'spire-leicester', name: 'Spire Leicester' } });
    expect(tx?.externalReference).toBeUndefined();
    // The details IEP carries, for the analyst to match (2.4a).
    expect(tx?.patient).toMatchObject({ patientId: p.remoteId, familyName: p.familyName, birthDate: p.birthDate, nhsNumber: p.nhsNumber });
    expect((await client.listMessages(created.id))[0]?.text).toBe('Sent for the orthopaedic clinic on Friday');
    // Incoming never lists our own transactions.
    expect((await client.listIncoming()).every((t) => t.direction === 'in')).toBe(true);
    await client.requestDownload(created.id);
    await advance(6 * MIN);
    expect(await statusOf(tx!)).toBe('Delivered');
    expect(await holdsStudy(uhl.restUrl, uid)).toBe(true);
  });

  it('sends only the two chosen trauma studies to NUH Radiology PACS at clinical-emergency priority (Appendix 4)', async () => {
    const p = testPatient();
    // The patient's UHL studies; the radiologist picks two of the three (step 12: "Only send relevant imaging").
    const [ctHead, ctSpine, oldChest] = [
      await seedStudy(uhl.restUrl, p, '2026-02-02', 'CT'),
      await seedStudy(uhl.restUrl, p, '2026-02-02', 'CT'),
      await seedStudy(uhl.restUrl, p, '2024-05-05', 'CR'),
    ];
    const { transaction } = await client.createTransfer(traumaTransfer(p, [ctHead, ctSpine]));
    expect(transaction).toMatchObject({ type: 'transfer', direction: 'out', priority: 'Clinical emergency', deliveryNode: 'NUH Radiology PACS', status: 'New' });
    await advance(2.5 * MIN);
    // Pulled from UHL PACS onto the IEP node by C-MOVE, and uploading.
    expect(await statusOf(transaction)).toBe('Started');
    expect(await holdsStudy(remote.restUrl, ctHead)).toBe(true);
    expect(await holdsStudy(remote.restUrl, ctSpine)).toBe(true);
    expect(await holdsStudy(remote.restUrl, oldChest)).toBe(false);
    await advance(5 * MIN);
    expect(await statusOf(transaction)).toBe('On IEP');
    await advance(7.5 * MIN);
    expect(await statusOf(transaction)).toBe('Delivered');
    const { deliveries } = (await (await fetch(`${sim.controlUrl}/deliveries`)).json()) as { deliveries: Array<{ transactionId: string; deliveryNode: string; priority: string; studyInstanceUids: string[] }> };
    const toNuh = deliveries.filter((d) => d.deliveryNode === 'NUH Radiology PACS' && d.studyInstanceUids.some((u) => [ctHead, ctSpine, oldChest].includes(u)));
    expect(toNuh).toEqual([expect.objectContaining({ transactionId: transaction.id, priority: 'Clinical emergency', studyInstanceUids: [ctHead, ctSpine] })]);
  });

  it('fails a transfer whose study is neither on the IEP node nor in UHL PACS', async () => {
    const { transaction } = await client.createTransfer(traumaTransfer(testPatient(), ['2.25.404040404040404']));
    await advance(2.5 * MIN);
    const failed = await client.getTransaction(transaction.id);
    expect(failed.status).toBe('Failed');
    expect(failed.failure?.reason).toBe('Not every study was received on the IEP node.');
  });

  it('refuses calls that break the contract with permanent 4xx errors', async () => {
    const p = testPatient();
    await expect(client.createRequest(importRequest(p, '2026-01-01', { deliveryNode: 'NUH Radiology PACS' }))).rejects.toMatchObject({ status: 400, iepCode: 'UNKNOWN_DELIVERY_NODE', retryable: false });
    await expect(client.createRequest(importRequest(p, '2026-01-01', { exams: [{ description: 'all imaging' }] }))).rejects.toMatchObject({ status: 400, iepCode: 'VALIDATION_FAILED' });
    await expect(client.getTransaction('TX99999999')).rejects.toMatchObject({ status: 404, iepCode: 'TRANSACTION_NOT_FOUND', retryable: false });
  });
});

describe('IEP simulator on a realtime clock (script/server mode)', () => {
  let sim: IepSimulator;
  let client: HttpIepClient;
  const uhl = uhlOrthanc();
  const remote = remoteOrthanc();

  beforeAll(async () => {
    // 6,000 times as fast: the 10-minute acknowledgement takes 100 ms.
    sim = await startIepSimulator({
      archive: { orthancUrl: remote.restUrl },
      deliveryTargets: { UHLPACSWFM01: { aet: uhl.aet, host: '127.0.0.1', port: uhl.dicomPort } },
      clock: { mode: 'realtime', speed: 6_000, tickMs: 20 },
    });
    client = new HttpIepClient({ baseUrl: sim.baseUrl, timeoutMs: 10_000 });
  });
  afterAll(async () => {
    client.close();
    await sim.close();
  });

  async function until(tx: IepTransaction, status: string, withinMs: number): Promise<void> {
    const deadline = Date.now() + withinMs;
    for (;;) {
      const now = await client.getTransaction(tx.id);
      if (now.status === status) return;
      if (Date.now() > deadline) throw new Error(`still ${now.status}, waiting for ${status}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  it('moves a request to On IEP and, once downloaded, to Delivered without anyone touching the clock', async () => {
    const p = testPatient();
    const uid = await seedStudy(remote.restUrl, p, '2026-01-14', 'CT');
    const { transaction } = await client.createRequest(importRequest(p, '2026-01-14'));
    await until(transaction, 'On IEP', 5_000);
    await client.requestDownload(transaction.id);
    await until(transaction, 'Delivered', 5_000);
    expect(await holdsStudy(uhl.restUrl, uid)).toBe(true);
    const clock = (await (await fetch(`${sim.controlUrl}/clock`)).json()) as { mode: string; speed: number };
    expect(clock).toMatchObject({ mode: 'realtime', speed: 6_000 });
  });
});

