import { approve, submitRequest, type AcceptedRequest } from '../../../app';
import { execNotifyJob } from '../../../bot/notifications/notifyProcessor';
import { createLogger } from '../../../config/logger';
import type { AcceptedFinding } from '../../../integrations/dicom/acceptedFindings';
import { createAnalystWork, type RunningAnalystWork } from '../../../workers/analystWork';
import { createFlowQueue } from '../../../workers/flowQueue';
import { createNotifyQueue } from '../../../workers/notifyQueue';
import { QuarantineRecords } from '../../../workers/quarantineRecord';
import { testConfig } from '../../support/config';
import { analyst, clinician, nonApprover, secondAnalyst } from '../app/actors';
import { formValues } from '../app/forms';
import { cardOf, cardText, channelSubmit, inputIds, personal, startBotHarness, type BotHarness } from './botHarness';

const SYSTEM = { type: 'system' as const, component: 'test' };

const NAME_MISMATCH: AcceptedFinding[] = [
  { code: 'PATIENT_NAME_MISMATCH', field: 'patientName', against: 'request', text: 'Patient\'s name in the images is "MAIDEN, Ann" but the request says "TESTER, Ann" (family name differs).' },
  { code: 'PATIENT_NAME_MISMATCH', field: 'patientName', against: 'pas', text: 'Patient\'s name in the images is "MAIDEN, Ann" but PAS says "TESTER, Ann" (family name differs).' },
];
const TWO_PATIENTS: AcceptedFinding[] = [...NAME_MISMATCH, { code: 'MULTIPLE_PATIENTS', text: 'The delivery holds 2 different patients: MAIDEN, Ann | OTHER, Bob.' }];

/**
 * The quarantine card's Release to PACS through the bot (TestAdapter, real Redis): the channel card drawn by the notify
 * processor from the workers' record, the press (roles, confirmation, version), a retried press, and the refusal when
 * the findings cannot be released. The workers' re-run itself is tested in tests/integration/workers.
 */
describe('quarantine card: Release to PACS', () => {
  let h: BotHarness;
  let running: RunningAnalystWork;
  let records: QuarantineRecords;
  let req: AcceptedRequest;

  beforeEach(async () => {
    h = await startBotHarness('quarantineRelease');
    await h.staffNames.remember(analyst.aadObjectId, analyst.displayName!);
    running = createAnalystWork(h.redis, testConfig({ REDIS_PREFIX: h.prefix }), { notifier: h.notifier, logger: createLogger({ level: 'silent' }) });
    h.deps.work = running.work;
    records = new QuarantineRecords(h.redis, h.prefix, h.store.requests.cipher);
    const out = await submitRequest(h.deps, clinician, 'import', formValues('personal-submit-import'), `k-${Math.random()}`);
    if (out.outcome !== 'accepted') throw new Error(JSON.stringify(out));
    req = out;
    await approve(h.deps, analyst, req.requestId, 'approve-1');
    for (const to of ['iepNew', 'onIep', 'iepDownloadRequest', 'iepDownloading', 'quarantined'] as const) {
      await h.store.requests.transition(req.requestId, to, { actor: SYSTEM, at: new Date(), reason: `test: ${to}` });
    }
  });
  afterEach(async () => {
    await running.close();
    await h.close();
  });

  /** The channel card the notify processor draws for the quarantine notice (the sender records it, no Teams). */
  async function drawnCard(): Promise<Record<string, unknown>> {
    const sent: unknown[] = [];
    const queue = createNotifyQueue(h.redis, h.prefix);
    try {
      const sender = { send: async (_t: unknown, message: { card?: unknown }) => (sent.push(message.card), { delivered: true, conversationId: 'c', activityId: 'a' }) };
      await execNotifyJob(
        { data: { type: 'channel', notice: { topic: 'quarantined', requestId: req.requestId, callRef: req.callRef, kind: 'import', status: 'quarantined' } } },
        { store: h.store, sender: sender as never, postedCards: h.postedCards, staffNames: h.staffNames, queue, now: () => new Date(), logger: createLogger({ level: 'silent' }), work: running.work },
      );
    } finally {
      await queue.close();
    }
    return sent[0] as Record<string, unknown>;
  }
  const releaseJobs = async () => {
    const flow = createFlowQueue(h.redis, h.prefix);
    try {
      return (await flow.getJobs(['prioritized', 'waiting', 'delayed', 'active', 'completed'])).filter((j) => j.name === 'quarantine.release');
    } finally {
      await flow.close();
    }
  };
  const press = (who: typeof analyst, value: Record<string, unknown>, card = 'quarantine-card-1') =>
    h.send(channelSubmit(who, { verb: 'releaseQuarantine', itemId: req.requestId, requestId: req.requestId, callRef: req.callRef, ...value }, card));

  it('name mismatch: the card says what differs (no values) and offers Release; refused for a non-approver (audited); the approver releases once, retried press included', async () => {
    const version = await records.recordHeld(req.requestId, 0, NAME_MISMATCH, new Date());
    const card = await drawnCard();
    const text = JSON.stringify(card);
    expect(text).toContain("The patient's name in the images differs from the request.");
    expect(text).not.toContain('MAIDEN');
    expect(inputIds(card)).toContain('releaseConfirmation');
    expect(text).toContain(`"findingsVersion":"${version}"`);

    await press(nonApprover, { findingsVersion: version, releaseConfirmation: 'trust me' });
    expect((await h.store.audit.readForRequest(req.requestId)).filter((e) => e.event.type === 'access.denied')).toHaveLength(1);
    expect(await releaseJobs()).toHaveLength(0);

    const empty = await press(analyst, { findingsVersion: version, releaseConfirmation: '' });
    expect(cardText(empty.updated[0])).toMatch(/Say how you confirmed these images are this patient/);
    expect(await releaseJobs()).toHaveLength(0);

    const confirmation = 'Rang the sending trust: registered under her maiden name.';
    const first = await press(analyst, { findingsVersion: version, releaseConfirmation: confirmation });
    expect(cardText(first.updated[0])).toMatch(/Release to PACS ordered by Bronwen Achterberg at \d\d:\d\d/);
    expect(inputIds(cardOf(first.updated[0]))).not.toContain('releaseConfirmation');
    // Teams re-delivers the same press, and a colleague presses their copy: one release, one audit, one job.
    const again = await press(analyst, { findingsVersion: version, releaseConfirmation: confirmation });
    expect(cardText(again.updated[0])).toMatch(/Release to PACS ordered/);
    const colleague = await press(secondAnalyst, { findingsVersion: version, releaseConfirmation: 'also checked' }, 'quarantine-card-2');
    expect(cardText(colleague.updated[0])).toMatch(/Release to PACS ordered by Bronwen Achterberg/);
    expect(await releaseJobs()).toHaveLength(1);
    const released = (await h.store.audit.readForRequest(req.requestId)).filter((e) => e.event.type === 'dicom.released');
    expect(released.map((e) => e.event.facts)).toEqual([{ codes: 'PATIENT_NAME_MISMATCH', findings: 2 }]);
    expect(await records.confirmation(req.requestId)).toBe(confirmation);
    // The redrawn channel card shows the order, not the button.
    expect(inputIds(await drawnCard())).not.toContain('releaseConfirmation');
  });

  it('show patient details on a held study: the approver gets, 1:1, what the checks found with the values to check', async () => {
    await records.recordHeld(req.requestId, 0, NAME_MISMATCH, new Date());
    await h.send(personal(analyst, { text: 'help' })); // the analyst's personal chat with the bot exists
    const before = h.connector.received.length;
    const { sent } = await h.send(channelSubmit(analyst, { verb: 'showPatientDetails', itemId: req.requestId, requestId: req.requestId, callRef: req.callRef }));
    expect(JSON.stringify(sent)).not.toContain('MAIDEN');
    const [oneToOne] = (await h.connector.waitFor(before + 1)).slice(before);
    const body = JSON.stringify(oneToOne!.body);
    expect(body).toContain('What the checks found in the images');
    expect(body).toContain('MAIDEN, Ann');
  });

  it('an out-of-date card (the findings changed) releases nothing', async () => {
    const old = await records.recordHeld(req.requestId, 0, NAME_MISMATCH, new Date());
    await records.recordHeld(req.requestId, 0, [{ ...NAME_MISMATCH[0]!, text: 'another name' }], new Date());
    const { updated } = await press(analyst, { findingsVersion: old, releaseConfirmation: 'checked' });
    expect(cardText(updated[0])).toMatch(/has changed since this card was drawn/);
    expect(await releaseJobs()).toHaveLength(0);
  });

  it('more than one patient: no Release on the card, and a forged press is refused', async () => {
    const version = await records.recordHeld(req.requestId, 0, TWO_PATIENTS, new Date());
    const card = await drawnCard();
    expect(inputIds(card)).not.toContain('releaseConfirmation');
    expect(JSON.stringify(card)).toContain('Release to PACS is not offered');
    const { sent } = await press(analyst, { findingsVersion: version, releaseConfirmation: 'looked fine' });
    expect(JSON.stringify(sent)).toMatch(/cannot be released from Teams/);
    expect(await releaseJobs()).toHaveLength(0);
    expect((await h.store.requests.getSummary(req.requestId))!.status).toBe('quarantined');
  });
});
