import type { Browser, Page } from 'playwright-core';
import {
  CARD_VERBS,
  renderApprovalCard,
  renderCdImportForm,
  renderImportForm,
  renderMyRequestsCard,
  renderTraumaStudiesForm,
} from '../../../cards';
import { validateCdImportRequest, validateImportRequest, validateTraumaRequest } from '../../../domain';
import { launchChromium, screenshot } from '../../support/browser';
import { SAMPLE_STUDIES, SMALL_DIRECTORY, TODAY } from '../../unit/cards/cardSamples';
import { button, control, executedActions, isShown, openCardPage, renderCard } from './cardHarness';

/**
 * People using the cards in the renderer: typing, ticking, adding exam rows, submitting. What a card submits goes
 * through the domain validators, so the ids and value formats are checked end to end, not just named the same.
 */
describe('using the cards in the adaptivecards renderer', () => {
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    browser = await launchChromium();
    page = await openCardPage(browser, 360);
  }, 30_000);
  afterAll(async () => {
    await browser?.close();
  });

  const submitted = async () => (await executedActions(page)).filter((a) => a.type === 'Action.Submit');

  it('"Add another exam" reveals the next row without a round trip, keeping what was typed', async () => {
    await renderCard(page, renderImportForm({ today: TODAY, institutions: SMALL_DIRECTORY }));
    await control(page, 'exams[1].description').fill('MRI knee');
    expect(await isShown(page, 'examRow2')).toBe(false);
    await button(page, 'Add another exam').click();
    expect(await isShown(page, 'examRow2')).toBe(true);
    expect(await isShown(page, 'examAdd1')).toBe(false);
    expect(await isShown(page, 'examAdd2')).toBe(true);
    await button(page, 'Add another exam').click();
    expect(await isShown(page, 'examRow3')).toBe(true);
    await expect(control(page, 'exams[1].description').inputValue()).resolves.toBe('MRI knee');
    expect(await submitted()).toEqual([]);
  });

  it('refuses to submit an empty form and shows the field messages', async () => {
    await renderCard(page, renderImportForm({ today: TODAY, institutions: SMALL_DIRECTORY }));
    await button(page, 'Send request').click();
    expect(await submitted()).toEqual([]);
    await expect(page.locator('#card').innerText()).resolves.toContain('Enter the hospital number');
  });

  it('refuses a malformed hospital number on the phone, before any round trip', async () => {
    await renderCard(page, renderImportForm({ today: TODAY, institutions: SMALL_DIRECTORY }));
    await control(page, 'sNumber').fill('S12');
    await button(page, 'Send request').click();
    expect(await submitted()).toEqual([]);
  });

  it('a form filled in the renderer submits { verb, formId, ...inputs } that the domain accepts', async () => {
    await renderCard(page, renderImportForm({ today: TODAY, institutions: SMALL_DIRECTORY, formId: 'f-e2e', values: { sourceOrganisation: 'Kettering General Hospital' } }));
    const fill = async (id: string, value: string) => control(page, id).fill(value);
    await fill('sNumber', 's123 4567');
    await fill('nhsNumber', '999 000 0018');
    await fill('familyName', 'Testpatient');
    await fill('givenName', 'Alex');
    await fill('birthDate', '1970-04-01');
    await fill('exams[0].date', '2026-05-02');
    await fill('exams[0].description', 'CT head');
    await fill('exams[0].examCode', 'ccthe');
    await page.locator('[id="priority"]').getByText('Standard', { exact: true }).click();
    await control(page, 'priorityReason').selectOption('outpatientAppointment');
    await fill('requiredBy', '2026-06-30');
    await fill('requestingClinician', 'Dr Jo Example');
    await fill('consultant', 'Dr Sam Consultant');
    await fill('department', 'Orthopaedics');
    await fill('requesterName', 'Dr Jo Example');
    await fill('requesterEmail', 'jo.example@nhs.net');
    await fill('requesterPhone', 'ext 18000');
    await screenshot(page, 'cards', 'import-filled-360');
    await button(page, 'Send request').click();
    const [submit] = await submitted();
    expect(submit?.data).toMatchObject({ verb: CARD_VERBS.submitImport, formId: 'f-e2e', sNumber: 's123 4567', sourceOrganisation: 'Kettering General Hospital', 'exams[0].date': '2026-05-02' });
    const result = validateImportRequest(submit?.data, { today: TODAY });
    expect(result.ok ? [] : result.errors).toEqual([]);
  });

  it('CD form: a count over 20 is refused by the card itself', async () => {
    await renderCard(page, renderCdImportForm({ today: TODAY }));
    await control(page, 'cdCount').fill('25');
    await button(page, 'Send CD request').click();
    expect(await submitted()).toEqual([]);
  });

  it('CD form filled with a CRIS code only goes through', async () => {
    await renderCard(page, renderCdImportForm({ today: TODAY }));
    for (const [id, v] of Object.entries({
      sNumber: 'S1234567', familyName: 'Testpatient', givenName: 'Alex', birthDate: '1970-04-01', address: '1 Test Street, Leicester',
      'exams[0].date': '2026-04-20', 'exams[0].examCode': 'MBRAI', cdCount: '2', internalPostAddress: 'Ward 7, LRI',
      requesterName: 'Dr Jo Example', requesterEmail: 'jo@nhs.net', requesterPhone: '0116 496 0123',
    })) await control(page, id).fill(v);
    await page.locator('[id="urgent"]').getByText('Urgent: I will arrange', { exact: false }).click();
    await button(page, 'Send CD request').click();
    const [submit] = await submitted();
    expect(submit?.data.urgent).toBe('true');
    const result = validateCdImportRequest(submit?.data, { today: TODAY });
    expect(result.ok ? result.value.urgent : result.errors).toBe(true);
  });

  it('trauma step 2: picks studies and confirms on a phone; the submission passes validateTraumaRequest', async () => {
    const card = renderTraumaStudiesForm({
      today: TODAY,
      patient: { sNumber: 'S1234567', nhsNumber: '9990000018', familyName: 'Testpatient', givenName: 'Alex', birthDate: '1970-04-01' },
      studies: SAMPLE_STUDIES,
    });
    await renderCard(page, card);
    await button(page, 'Send to Nottingham now').click();
    expect(await submitted()).toEqual([]); // nothing picked, not confirmed
    await page.getByText('CT Trauma whole body with contrast', { exact: false }).click();
    await page.getByText('XR Chest AP', { exact: false }).click();
    await page.getByText('This is a trauma patient in the Emergency Department').click();
    const box = await button(page, 'Send to Nottingham now').boundingBox();
    expect(box?.height).toBeGreaterThanOrEqual(44); // a thumb-sized target on a phone
    await button(page, 'Send to Nottingham now').click();
    const [submit] = await submitted();
    expect(submit?.data.verb).toBe(CARD_VERBS.submitTrauma);
    const result = validateTraumaRequest(submit?.data, { today: TODAY });
    expect(result.ok ? result.value.studyInstanceUids : result.errors).toEqual([SAMPLE_STUDIES[0]?.studyInstanceUid, SAMPLE_STUDIES[1]?.studyInstanceUid]);
  });

  it('trauma step 2: "Start again" works on an untouched card (it does not run the form\'s checks)', async () => {
    await renderCard(page, renderTraumaStudiesForm({ today: TODAY, patient: { sNumber: 'S1234567' }, studies: SAMPLE_STUDIES }));
    await button(page, 'Start again').click();
    expect((await submitted()).map((a) => a.data)).toEqual([{ verb: CARD_VERBS.openTrauma }]);
  });

  it('approval: Reject needs a reason, and an empty question in "Needs information" does not block it', async () => {
    await renderCard(page, renderApprovalCard({
      requestId: 'req-1', callRef: 'ITB-2026-000123', kind: 'import', priority: 'standard', requestedBy: 'Dr Jo Example', examCount: 1,
      status: 'awaitingApproval', submittedAt: '2026-06-15T12:40:00Z',
    }));
    await button(page, 'Reject').click();
    await button(page, 'Reject request').click();
    expect(await submitted()).toEqual([]);
    await control(page, 'reason').fill('Patient not registered on PAS');
    await button(page, 'Reject request').click();
    expect((await submitted()).map((a) => a.data)).toEqual([
      { verb: CARD_VERBS.reject, requestId: 'req-1', callRef: 'ITB-2026-000123', reason: 'Patient not registered on PAS' },
    ]);
    // Approve is not held up by the show cards' required inputs either.
    await renderCard(page, renderApprovalCard({
      requestId: 'req-1', callRef: 'ITB-2026-000123', kind: 'import', priority: 'standard', requestedBy: 'Dr Jo Example', examCount: 1,
      status: 'awaitingApproval', submittedAt: '2026-06-15T12:40:00Z',
    }));
    await button(page, 'Approve').click();
    expect((await submitted()).map((a) => a.data.verb)).toEqual([CARD_VERBS.approve]);
  });

  it('my requests: tapping a row opens its status even with text left in the lookup box', async () => {
    await renderCard(page, renderMyRequestsCard({
      requests: [{ requestId: 'req-2', callRef: 'ITB-2026-000124', kind: 'export', status: 'onIep', updatedAt: '2026-06-14T09:12:00Z' }],
    }));
    await control(page, 'callRefQuery').fill('abc');
    await page.getByText('ITB-2026-000124').click();
    const [tap] = await submitted();
    expect(tap?.data).toMatchObject({ verb: CARD_VERBS.showStatus, requestId: 'req-2', callRef: 'ITB-2026-000124' });
  });
});
