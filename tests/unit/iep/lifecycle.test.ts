import { PortalError } from '../../../sandbox/iep-simulator/portal';
import { MemoryArchive, study } from './memoryArchive';
import { DAY, MIN, T0, UHL_NODE, portalWith, requestBody, transferBody } from './portalFixtures';

const statuses = (h: Array<{ status: string; at: number }>) => h.map((x) => `${x.status}@${(x.at - T0) / MIN}m`);

describe('IEP simulator lifecycle: a request (import)', () => {
  it('goes New -> Started -> On IEP, then on our download Download Request -> Downloading -> Delivered to our node', async () => {
    const ct = study();
    const archive = new MemoryArchive([ct, study({ studyDate: '2025-06-01' })]);
    const { portal } = portalWith(archive);
    const { tx } = portal.createRequest(requestBody());
    expect(tx.status).toBe('New');

    expect((await portal.advanceTo(T0 + 9 * MIN)).length).toBe(0);
    expect(tx.status).toBe('New');
    const events = await portal.advanceTo(T0 + 30 * MIN);
    expect(events.map((e) => `${e.from}>${e.to}@${e.at}`)).toEqual([
      'New>Started@2026-02-02T09:10:00.000Z',
      'Started>On IEP@2026-02-02T09:30:00.000Z',
    ]);
    // Only the study that answers the exam line is uploaded.
    expect(tx.studies.map((s) => s.studyInstanceUid)).toEqual([ct.studyInstanceUid]);
    expect(tx.purgeAt).toBe(T0 + 30 * MIN + 15 * DAY);

    // Nothing more happens until we select download (Appendix 1 "On IEP").
    await portal.advanceTo(T0 + 2 * DAY);
    expect(tx.status).toBe('On IEP');
    expect(portal.requestDownload(tx.id).accepted).toBe(true);
    expect(tx.status).toBe('Download Request');
    expect(portal.requestDownload(tx.id).accepted).toBe(false);
    await portal.advanceTo(T0 + 2 * DAY + 1 * MIN);
    expect(tx.status).toBe('Downloading');
    expect(archive.sent).toEqual([]);
    await portal.advanceTo(T0 + 2 * DAY + 6 * MIN);
    expect(tx.status).toBe('Delivered');
    expect(archive.sent).toEqual([{ uids: [ct.studyInstanceUid], node: UHL_NODE }]);
    expect(portal.deliveries()).toEqual([
      expect.objectContaining({ transactionId: tx.id, deliveryNode: 'UHLPACSWFM01', priority: 'Normal', studyInstanceUids: [ct.studyInstanceUid] }),
    ]);
    expect(statuses(tx.history)).toEqual(['New@0m', 'Started@10m', 'On IEP@30m', 'Download Request@2880m', 'Downloading@2881m', 'Delivered@2886m']);
  });

  it('is Purged 15 days after it went On IEP when nobody downloads it, and cannot be downloaded then', async () => {
    const { portal } = portalWith(new MemoryArchive([study()]));
    const { tx } = portal.createRequest(requestBody());
    await portal.advanceTo(T0 + 30 * MIN + 15 * DAY - 1);
    expect(tx.status).toBe('On IEP');
    await portal.advanceTo(T0 + 30 * MIN + 15 * DAY);
    expect(tx.status).toBe('Purged');
    expect(() => portal.requestDownload(tx.id)).toThrow(expect.objectContaining({ status: 410, code: 'PURGED' }));
  });

  it('refuses a download before the images are On IEP', () => {
    const { portal } = portalWith(new MemoryArchive([study()]));
    const { tx } = portal.createRequest(requestBody());
    expect(() => portal.requestDownload(tx.id)).toThrow(expect.objectContaining({ status: 409, code: 'NOT_ON_IEP' }));
  });

  it('is declined "The requested study does not exist at this organisation" when the trust holds no such study (2.5a)', async () => {
    const { portal } = portalWith(new MemoryArchive([study({ studyDate: '2025-01-01' })]));
    const { tx } = portal.createRequest(requestBody());
    await portal.advanceTo(T0 + DAY);
    expect(tx.status).toBe('Decline');
    expect(tx.decline).toEqual({ code: 'studyNotHeld', reason: 'The requested study does not exist at this organisation.' });
  });

  it('is declined without the requesting clinician, consultant and department (Appendix 1 step 3)', async () => {
    const { portal } = portalWith(new MemoryArchive([study()]));
    const { tx } = portal.createRequest(requestBody({ requestedBy: undefined }));
    await portal.advanceTo(T0 + DAY);
    expect(tx.decline?.code).toBe('requesterDetailsMissing');
  });

  it('plays an armed decline with the trust\'s reason as the request leaves New', async () => {
    const { portal } = portalWith(new MemoryArchive([study()]));
    const { tx } = portal.createRequest(requestBody());
    portal.armFault({ kind: 'decline', code: 'clinicallyInappropriate' }, { transactionId: tx.id });
    await portal.advanceTo(T0 + DAY);
    expect(tx.status).toBe('Decline');
    expect(tx.decline?.reason).toMatch(/clinically inappropriate/);
    // Once past New there is nothing left to decline.
    const { tx: other } = portal.createRequest(requestBody());
    await portal.advanceTo(T0 + DAY + 15 * MIN);
    expect(other.status).toBe('Started');
    expect(() => portal.armFault({ kind: 'decline' }, { transactionId: other.id })).toThrow(PortalError);
  });

  it('fails at the step a fail fault names, with its reason, and frees the inbound thread', async () => {
    const { portal, lanes } = portalWith(new MemoryArchive([study()]));
    const { tx } = portal.createRequest(requestBody());
    portal.armFault({ kind: 'fail', when: 'Delivered', reason: 'Association aborted by the gateway' }, { externalReference: tx.externalReference });
    await portal.advanceTo(T0 + 30 * MIN);
    portal.requestDownload(tx.id);
    await portal.advanceTo(T0 + 32 * MIN);
    expect(tx.status).toBe('Downloading');
    expect(lanes.inUse().inbound).toBe(1);
    await portal.advanceTo(T0 + DAY);
    expect(tx.status).toBe('Failed');
    expect(tx.failure).toEqual({ reason: 'Association aborted by the gateway' });
    expect(lanes.inUse().inbound).toBe(0);
  });

  it('fails when the images cannot be C-STOREd to the delivery node, or the node is not set up', async () => {
    const archive = new MemoryArchive([study()]);
    archive.failSend = true;
    const { portal } = portalWith(archive);
    const { tx } = portal.createRequest(requestBody());
    await portal.advanceTo(T0 + 30 * MIN);
    portal.requestDownload(tx.id);
    await portal.advanceTo(T0 + DAY);
    expect(tx.status).toBe('Failed');
    expect(tx.failure?.reason).toBe('The images could not be delivered to the delivery node.');

    const { portal: unset } = portalWith(new MemoryArchive([study()]), { deliveryTargets: {} });
    const { tx: tx2 } = unset.createRequest(requestBody());
    await unset.advanceTo(T0 + 30 * MIN);
    unset.requestDownload(tx2.id);
    await unset.advanceTo(T0 + DAY);
    expect(tx2.failure?.reason).toBe('The delivery node is not set up on the IEP gateway.');
  });

  it('stretches every step under a slow fault armed for the next transaction, and a stall leaves it New', async () => {
    const { portal } = portalWith(new MemoryArchive([study()]));
    portal.armFault({ kind: 'slow', factor: 3 }, { next: true });
    const { tx: slow } = portal.createRequest(requestBody());
    portal.armFault({ kind: 'stall' }, { next: true });
    const { tx: stalled } = portal.createRequest(requestBody());
    await portal.advanceTo(T0 + 30 * MIN);
    expect(slow.status).toBe('Started');
    expect(slow.statusChangedAt).toBe(T0 + 30 * MIN);
    await portal.advanceTo(T0 + 90 * MIN);
    expect(slow.status).toBe('On IEP');
    expect(stalled.status).toBe('New');
    await portal.advanceTo(T0 + 30 * DAY);
    expect(stalled.status).toBe('New');
  });

  it('runs clinical emergencies faster and holds Batch until the overnight window', async () => {
    const { portal } = portalWith(new MemoryArchive([study()]));
    const { tx: ce } = portal.createRequest(requestBody({ priority: 'Clinical emergency' }));
    const { tx: batch } = portal.createRequest(requestBody({ priority: 'Batch' }));
    await portal.advanceTo(T0 + 8 * MIN);
    expect(ce.status).toBe('On IEP'); // 2.5 min + 5 min
    await portal.advanceTo(Date.parse('2026-02-02T19:59:00Z'));
    expect(batch.status).toBe('New');
    await portal.advanceTo(Date.parse('2026-02-02T20:00:00Z'));
    expect(batch.status).toBe('Started');
  });

  it('keeps at most four downloads running (2.3d); the fifth waits in Download Request until one finishes', async () => {
    const { portal, lanes } = portalWith(new MemoryArchive([study()]));
    const txs = Array.from({ length: 5 }, () => portal.createRequest(requestBody()).tx);
    await portal.advanceTo(T0 + 30 * MIN);
    for (const tx of txs) portal.requestDownload(tx.id);
    await portal.advanceTo(T0 + 31 * MIN);
    expect(txs.map((t) => t.status)).toEqual(['Downloading', 'Downloading', 'Downloading', 'Downloading', 'Download Request']);
    expect(lanes.inUse().inbound).toBe(4);
    await portal.advanceTo(T0 + 36 * MIN);
    expect(txs[4]?.status).toBe('Downloading');
    expect(txs[4]?.statusChangedAt).toBe(T0 + 36 * MIN);
    await portal.advanceTo(T0 + 41 * MIN);
    expect(txs.every((t) => t.status === 'Delivered')).toBe(true);
    expect(lanes.inUse().inbound).toBe(0);
  });

  it('steps one transition at a time in step mode, moving the clock to each', async () => {
    const { portal } = portalWith(new MemoryArchive([study()]));
    const { tx } = portal.createRequest(requestBody());
    expect((await portal.step()).map((e) => e.to)).toEqual(['Started']);
    expect(portal.clock.now()).toBe(T0 + 10 * MIN);
    expect((await portal.step()).map((e) => e.to)).toEqual(['On IEP']);
    expect(portal.clock.now()).toBe(T0 + 30 * MIN);
    expect((await portal.step()).map((e) => e.to)).toEqual(['Purged']);
    expect(tx.status).toBe('Purged');
    expect(await portal.step()).toEqual([]);
  });

  it('fails the request when the sending trust\'s archive cannot be searched', async () => {
    const archive = new MemoryArchive([study()]);
    archive.failSearch = true;
    const { portal } = portalWith(archive);
    const { tx } = portal.createRequest(requestBody());
    await portal.advanceTo(T0 + DAY);
    expect(tx.status).toBe('Failed');
  });
});

describe('IEP simulator lifecycle: a transfer (export / trauma)', () => {
  it('uploads only the studies asked for and records them delivered to NUH at clinical-emergency priority', async () => {
    const [a, b, c] = [study(), study(), study()];
    const archive = new MemoryArchive([a!, b!, c!]);
    const { portal } = portalWith(archive);
    const { tx } = portal.createTransfer(transferBody([a!.studyInstanceUid, c!.studyInstanceUid]));
    const events = await portal.advanceTo(T0 + DAY);
    expect(events.map((e) => e.to)).toEqual(['Started', 'On IEP', 'Delivered']);
    expect(tx.status).toBe('Delivered');
    expect(portal.deliveries()).toEqual([
      expect.objectContaining({
        transactionId: tx.id,
        direction: 'out',
        institutionId: 'nuh',
        deliveryNode: 'NUH Radiology PACS',
        priority: 'Clinical emergency',
        studyInstanceUids: [a!.studyInstanceUid, c!.studyInstanceUid],
      }),
    ]);
    // The NUH node is not set up here, so nothing was C-STOREd anywhere.
    expect(archive.sent).toEqual([]);
  });

  it('pulls studies missing from the IEP node from the export source, and fails when they still are not there', async () => {
    const pulled = study();
    const archive = new MemoryArchive([]);
    archive.pullable = [pulled];
    const source = { aet: 'UHLPACS', host: '127.0.0.1', port: 4242 };
    const { portal } = portalWith(archive, { exportSource: source });
    const ok = portal.createTransfer(transferBody([pulled.studyInstanceUid])).tx;
    const missing = portal.createTransfer(transferBody(['2.25.999999999'])).tx;
    await portal.advanceTo(T0 + DAY);
    expect(ok.status).toBe('Delivered');
    expect(archive.pulled).toEqual([{ uids: [pulled.studyInstanceUid], source }, { uids: ['2.25.999999999'], source }]);
    expect(missing.status).toBe('Failed');
    expect(missing.failure?.reason).toBe('Not every study was received on the IEP node.');
  });

  it('uses four outbound threads for Normal and keeps the fifth for a clinical emergency (2.3d)', async () => {
    const s = study();
    const { portal, lanes } = portalWith(new MemoryArchive([s]));
    const normal = Array.from({ length: 5 }, () => portal.createTransfer(transferBody([s.studyInstanceUid], { priority: 'Normal' })).tx);
    await portal.advanceTo(T0 + 10 * MIN);
    expect(normal.map((t) => t.status)).toEqual(['Started', 'Started', 'Started', 'Started', 'New']);
    const ce = portal.createTransfer(transferBody([s.studyInstanceUid])).tx;
    await portal.advanceTo(T0 + 13 * MIN);
    expect(ce.status).toBe('Started');
    expect(lanes.inUse().outbound).toBe(5);
    // The first Normal uploads finish at 30 min; the waiting one starts then.
    await portal.advanceTo(T0 + 30 * MIN);
    expect(normal[4]?.status).toBe('Started');
    expect(normal[4]?.statusChangedAt).toBe(T0 + 30 * MIN);
  });

  it('is Purged when the receiving trust never downloads (stall)', async () => {
    const s = study();
    const { portal } = portalWith(new MemoryArchive([s]));
    const { tx } = portal.createTransfer(transferBody([s.studyInstanceUid], { priority: 'Normal' }));
    await portal.advanceTo(T0 + 30 * MIN);
    expect(tx.status).toBe('On IEP');
    portal.armFault({ kind: 'stall' }, { transactionId: tx.id });
    await portal.advanceTo(T0 + 30 * MIN + 15 * DAY);
    expect(tx.status).toBe('Purged');
    expect(portal.deliveries()).toEqual([]);
  });
});

describe('IEP simulator contract rules', () => {
  it('returns the same transaction for the same external reference, and 409 for a different transaction under it', () => {
    const { portal } = portalWith(new MemoryArchive([study()]));
    const body = requestBody();
    const first = portal.createRequest(body);
    const again = portal.createRequest({ ...body, comments: 'resent by a retrying worker' });
    expect(first.created).toBe(true);
    expect(again.created).toBe(false);
    expect(again.tx).toBe(first.tx);
    expect(() => portal.createRequest({ ...body, institutionId: 'sth' })).toThrow(expect.objectContaining({ status: 409, code: 'EXTERNAL_REFERENCE_CONFLICT' }));
    expect(() => portal.createTransfer(transferBody(['2.25.1'], { externalReference: body.externalReference }))).toThrow(
      expect.objectContaining({ code: 'EXTERNAL_REFERENCE_CONFLICT' }),
    );
  });

  it('checks delivery nodes, our own institution, and the NHS-number alternatives', () => {
    const { portal } = portalWith(new MemoryArchive());
    expect(() => portal.createRequest(requestBody({ deliveryNode: 'NUH Radiology PACS' }))).toThrow(expect.objectContaining({ code: 'UNKNOWN_DELIVERY_NODE' }));
    expect(() => portal.createRequest(requestBody({ institutionId: 'uhl' }))).toThrow(expect.objectContaining({ code: 'UNKNOWN_INSTITUTION' }));
    expect(() => portal.createRequest(requestBody({ institutionId: 'nowhere' }))).toThrow(expect.objectContaining({ code: 'UNKNOWN_INSTITUTION' }));
    const noNhs = { familyName: 'VASQUEZ-LINDQVIST', givenNames: ['Marisol'], birthDate: '1990-01-30' };
    expect(() => portal.createRequest(requestBody({ patient: noNhs }))).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
    expect(portal.createRequest(requestBody({ patient: { ...noNhs, address: { lines: ['21 Ferrier Close'], city: 'Hinckley' } } })).created).toBe(true);
    expect(() => portal.createTransfer(transferBody(['2.25.1'], { deliveryNode: 'UHLPACSWFM01' }))).toThrow(expect.objectContaining({ code: 'UNKNOWN_DELIVERY_NODE' }));
    expect(() => portal.createTransfer(transferBody(['2.25.1'], { patient: noNhs }))).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
    expect(portal.createTransfer(transferBody(['2.25.1'], { patient: { ...noNhs, noNhsNumberReason: 'Overseas visitor' } })).created).toBe(true);
  });

  it('keeps messages in order, idempotent on the client message id, and counts the other side\'s', () => {
    const { portal } = portalWith(new MemoryArchive());
    const { tx } = portal.createRequest(requestBody());
    const m1 = portal.postMessage(tx.id, 'Please send the CT head of 10 January.', 'msg-1');
    expect(portal.postMessage(tx.id, 'Please send the CT head of 10 January.', 'msg-1')).toEqual({ message: m1.message, created: false });
    const reply = portal.addRemoteMessage(tx.id, 'Uploading now.');
    expect(tx.messages.map((m) => [m.author.institutionId, m.text])).toEqual([
      ['uhl', 'Please send the CT head of 10 January.'],
      ['kgh', 'Uploading now.'],
    ]);
    expect(reply.author.name).toBe('Kettering General Hospital');
  });

  it('lists transactions oldest first, by direction, status and change time, a page at a time', async () => {
    const s = study();
    const { portal } = portalWith(new MemoryArchive([s]));
    const out = portal.createRequest(requestBody()).tx;
    const incoming = await portal.addIncoming({ institutionId: 'spire-leicester', studyInstanceUids: [s.studyInstanceUid], priority: 'Normal', message: 'Images for your MDT' });
    expect(incoming).toMatchObject({ type: 'transfer', direction: 'in', deliveryNode: 'UHLPACSWFM01', status: 'New' });
    expect(incoming.patient).toMatchObject({ familyName: 'HARTWELL', birthDate: '1958-03-14', nhsNumber: '9992345675' });
    expect(incoming.messages[0]?.author.institutionId).toBe('spire-leicester');
    expect(portal.list({ direction: 'in', limit: 10 }).transactions).toEqual([incoming]);
    expect(portal.list({ direction: 'out', limit: 10 }).transactions).toEqual([out]);
    const page1 = portal.list({ limit: 1 });
    expect(page1).toMatchObject({ transactions: [out], more: true });
    expect(portal.list({ limit: 1, afterSeq: page1.lastSeq }).transactions).toEqual([incoming]);
    await portal.advanceTo(T0 + 30 * MIN);
    expect(portal.list({ direction: 'in', status: 'On IEP', updatedSince: T0 + 30 * MIN, limit: 10 }).transactions).toEqual([incoming]);
    expect(portal.list({ direction: 'in', updatedSince: T0 + 31 * MIN, limit: 10 }).transactions).toEqual([]);
    await expect(portal.addIncoming({ institutionId: 'kgh', studyInstanceUids: ['2.25.404'], priority: 'Normal' })).rejects.toMatchObject({ code: 'STUDY_NOT_IN_ARCHIVE' });
  });

  it('never moves the clock backwards', async () => {
    const { portal } = portalWith(new MemoryArchive());
    await portal.advanceTo(T0 + MIN);
    await expect(portal.advanceTo(T0)).rejects.toMatchObject({ code: 'CLOCK_BACKWARDS' });
  });
});
