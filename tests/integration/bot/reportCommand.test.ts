import { approve, submitRequest } from '../../../app';
import { createLogger } from '../../../config/logger';
import type { RequestStatus } from '../../../domain';
import { createAnalystWork, type RunningAnalystWork } from '../../../workers/analystWork';
import { testConfig } from '../../support/config';
import { analyst, clinician } from '../app/actors';
import { OPEN_HOURS } from '../app/appHarness';
import { formValues } from '../app/forms';
import { cardText, personal, startBotHarness, type BotHarness } from './botHarness';

const SYSTEM = { type: 'system' as const, component: 'test' };
const minutes = (n: number) => new Date(OPEN_HOURS.getTime() + n * 60_000);

/** The analysts' `report` command (guideline section 4), over the real store and workers/report.ts. */
describe('"report": the compliance report card for analysts', () => {
  let h: BotHarness;
  let running: RunningAnalystWork;

  beforeEach(async () => {
    h = await startBotHarness('report');
    running = createAnalystWork(h.redis, testConfig({ REDIS_PREFIX: h.prefix }), { notifier: h.notifier, logger: createLogger({ level: 'silent' }) });
    h.deps.work = running.work;
    const submitted = [];
    for (const desc of ['CT head', 'CT chest']) {
      const out = await submitRequest(h.deps, clinician, 'import', formValues('personal-submit-import', { 'exams[0].description': desc }), `k-${desc}`);
      if (out.outcome !== 'accepted') throw new Error(JSON.stringify(out));
      await approve(h.deps, analyst, out.requestId, `approve-${desc}`);
      submitted.push(out.requestId);
    }
    const walk = async (id: string, steps: Array<[RequestStatus, number, string]>) => {
      for (const [to, at, reason] of steps) await h.store.requests.transition(id, to, { actor: SYSTEM, at: minutes(at), reason });
    };
    await walk(submitted[0]!, [['iepNew', 5, 'IEP request created'], ['iepDeclined', 30, 'declined by the sending organisation (studyNotHeld)']]);
    await walk(submitted[1]!, [
      ['iepNew', 5, 'IEP request created'],
      ['onIep', 40, 'IEP status On IEP'],
      ['iepDownloading', 50, 'downloading'],
      ['iepDelivered', 70, 'delivered'],
      ['registeredOnRis', 80, 'RIS'],
      ['completed', 90, 'requester told'],
    ]);
  });
  afterEach(async () => {
    await running.close();
    await h.close();
  });

  it('an analyst gets the figures for the period they typed', async () => {
    const { sent } = await h.send(personal(analyst, { text: 'report 2026-03-01 2026-03-31' }));
    const text = cardText(sent[0]);
    expect(text).toContain('Compliance report: Sun 1 Mar 2026 to Tue 31 Mar 2026');
    expect(text).toMatch(/"title":"Requests","value":"2"/);
    expect(text).toMatch(/"title":"Turnaround, median","value":"1 h 30 min"/);
    expect(text).toMatch(/"title":"Kettering General Hospital","value":"2"/);
    expect(text).toMatch(/"title":"studyNotHeld","value":"1"/);
    expect(text).not.toMatch(/Hartwell|S1234567|9992345675/i);
  });

  it('a period without requests, and "report" alone (the last 30 days up to today)', async () => {
    const none = await h.send(personal(analyst, { text: 'report 2026-01-01 2026-01-31' }));
    expect(cardText(none.sent[0])).toMatch(/"title":"Requests","value":"0"/);
    const recent = await h.send(personal(analyst, { text: 'Report' }));
    expect(cardText(recent.sent[0])).toContain('Compliance report: Tue 10 Feb 2026 to Wed 11 Mar 2026');
    expect(cardText(recent.sent[0])).toMatch(/"title":"Requests","value":"2"/);
  });

  it('dates it cannot use are explained, not guessed', async () => {
    for (const typed of ['report 2026-03-31 2026-03-01', 'report last month', 'report 2025-01-01 2026-03-31']) {
      const { sent } = await h.send(personal(analyst, { text: typed }));
      expect(sent[0]!.text).toMatch(/Type report for the last 30 days, or report 2026-11-01 2026-11-30/);
    }
  });

  it('a clinician is refused kindly (a card saying why) and the refusal is audited', async () => {
    const { sent } = await h.send(personal(clinician, { text: 'report' }));
    expect(cardText(sent[0])).toMatch(/Sorry, you can't see the compliance report/);
    const denied = (await h.store.audit.readForRequest('no-request')).map((e) => e.event).filter((e) => e.type === 'access.denied');
    expect(denied).toEqual([expect.objectContaining({ actor: expect.objectContaining({ aadObjectId: clinician.aadObjectId }), facts: { action: 'complianceReport', roles: 'requester' } })]);
  });
});
