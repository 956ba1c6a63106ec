import type { Locator } from 'playwright-core';
import type { CallRef } from '../../domain';
import { demoPatient, demoUser } from '../../sandbox/demo';
import { SEED_STUDIES } from '../../sandbox/seed/demoStudies';
import { recordShownError, scanForCanary } from './support/canary';
import { callRefIn, fillRequestForm, patientEntry, type RequestEntry } from './support/forms';
import { Journey, textOf, type TeamsPage } from './support/journey';
import { startStack, type E2eStack } from './support/stack';
import { addDays, londonDate, nextOfficeHours, seedDate } from './support/times';

jest.setTimeout(240_000);

/**
 * Journey 4 (issue #8): mistakes and refusals. Each mistake gets an inline error under its field with what was typed
 * kept, and issues no call reference and logs nothing with the service desk; a channel member who is not an approver
 * pressing Approve is refused; a clinician not on the on-call list typing "trauma" is refused kindly. The patient is
 * the canary (sandbox/demo CANARY_MARKERS), so the error messages are scanned for it too.
 */
describe('journey 4: mistakes and refusals', () => {
  let stack: E2eStack;
  const patient = demoPatient('canary');
  const study = SEED_STUDIES.find((s) => s.patientKey === 'canary')!;
  const at = nextOfficeHours();
  const valid = (): RequestEntry => ({
    patient: patientEntry(patient),
    exams: [{ date: seedDate(study.daysAgo), description: 'CT head' }],
    priority: 'Standard',
    neededBy: addDays(londonDate(at), 10),
    requester: demoUser('clinician'),
  });

  beforeAll(async () => {
    stack = await startStack('journey4', { users: ['clinician', 'nonApprover'], clock: at });
  }, 180_000);
  afterAll(async () => {
    await stack?.stop();
  });

  /** Nothing was stored or logged with the service desk: no request, no call reference sequence, no desk record. */
  async function nothingLogged(): Promise<void> {
    expect(await stack.redis.exists(`${stack.prefix}:callref:seq`)).toBe(0);
    expect(await stack.redis.keys(`${stack.prefix}:servicedesk:*`)).toEqual([]);
    expect(await stack.redis.zcard(`${stack.prefix}:requests:all`)).toBe(0);
  }

  async function errorUnder(card: Locator, message: string | RegExp): Promise<string> {
    const text = await textOf(card);
    const m = typeof message === 'string' ? (text.includes(message) ? message : undefined) : message.exec(text)?.[0];
    if (!m) throw new Error(`the form shows no error ${String(message)}`);
    recordShownError(m);
    return m;
  }

  async function openForm(clinician: TeamsPage, what: string, title: string): Promise<Locator> {
    const card = await clinician.say(what);
    expect(await textOf(card)).toContain(title);
    return card;
  }

  it('answers each mistake inline with the values kept, and refuses the wrong people', async () => {
    const j = new Journey(stack);
    const clinician = await j.open('clinician');

    await j.step('an invalid NHS number is refused under its field, values kept, no call reference', async () => {
      const form = await openForm(clinician, 'request images from Kettering', 'Request images from another hospital');
      const entry = valid();
      entry.patient.nhsNumber = `${patient.nhsNumber!.slice(0, 9)}${(Number(patient.nhsNumber!.slice(9)) + 1) % 10}`;
      await fillRequestForm(clinician.page, form, entry);
      await clinician.press(form, 'Send request');
      const card = clinician.cards().last();
      await clinician.waitForCard(['This NHS number is not valid'], 20_000);
      await errorUnder(card, 'This NHS number is not valid: its last digit does not match the others.');
      await expect(card.getByLabel('NHS number (if known)').inputValue()).resolves.toBe(entry.patient.nhsNumber);
      await expect(card.getByLabel('Family name (surname)').inputValue()).resolves.toBe(patient.familyName);
      expect(callRefIn(await textOf(card))).toBeUndefined();
      await nothingLogged();
    });

    await j.step('a date of birth in the future is refused under its field, value kept', async () => {
      const form = await openForm(clinician, 'request images from Kettering', 'Request images from another hospital');
      const entry = valid();
      entry.patient.birthDate = addDays(londonDate(at), 3);
      await fillRequestForm(clinician.page, form, entry);
      await clinician.press(form, 'Send request');
      const card = clinician.cards().last();
      // The card's own rule (max = today) answers before the bot does; the bot's message if it gets that far.
      await clinician.waitForCard([/cannot be in the future/], 20_000);
      // The card's own check (max = today) or the bot's: either way the words say the date is in the future.
      await errorUnder(card, /The date of birth cannot be in the future\.|Enter the patient's date of birth; it cannot be in the future\./);
      expect(await card.getByLabel('Date of birth').inputValue()).not.toBe('');
      await expect(card.getByLabel('Hospital number (S number)').inputValue()).resolves.toBe(patient.sNumber);
      await nothingLogged();
    });

    await j.step('"all imaging" as the exam is refused under the exam, value kept', async () => {
      const form = await openForm(clinician, 'request images from Kettering', 'Request images from another hospital');
      const entry = valid();
      entry.exams = [{ date: seedDate(study.daysAgo), description: 'all imaging' }];
      await fillRequestForm(clinician.page, form, entry);
      await clinician.press(form, 'Send request');
      const card = clinician.cards().last();
      await clinician.waitForCard(["'All imaging' will not be accepted"], 20_000);
      await errorUnder(card, "It is essential to state each examination and date of scan required. 'All imaging' will not be accepted");
      await expect(card.getByLabel('Exam 1: Type of study and body part').inputValue()).resolves.toBe('all imaging');
      await nothingLogged();
    });

    await j.step('an export without the receiving site contact is refused under those fields, values kept', async () => {
      const form = await openForm(clinician, 'send images to Nottingham', 'Send UHL images to another organisation');
      const entry = valid();
      entry.priority = 'Standard';
      await fillRequestForm(clinician.page, form, entry);
      await clinician.press(form, 'Send request');
      const card = clinician.cards().last();
      await clinician.waitForCard(['Enter the name of the contact at the receiving site.'], 20_000);
      await errorUnder(card, 'Enter the name of the contact at the receiving site.');
      await expect(card.getByLabel('Your e-mail').inputValue()).resolves.toBe(demoUser('clinician').email);
      await expect(card.getByLabel('NHS number (if known)').inputValue()).resolves.toBe(patient.nhsNumber);
      await nothingLogged();
    });

    await j.step('a clinician not on the on-call list typing "trauma" is refused kindly', async () => {
      const card = await clinician.say('trauma');
      const text = await textOf(card);
      recordShownError(text);
      expect(text).toContain("Sorry, you can't start a trauma transfer");
      expect(text).toMatch(/on-call radiologists/);
      expect(text).toMatch(/use "import" or "export"/);
    });

    const nonApprover = await j.open('nonApprover', { channel: true }, 'a channel member with no role opens the IEP requests channel');

    const callRef = await j.step('clinician sends a valid import, which waits for approval', async () => {
      const form = await openForm(clinician, 'request images from Kettering', 'Request images from another hospital');
      await fillRequestForm(clinician.page, form, valid());
      await clinician.press(form, 'Send request');
      const confirmation = await clinician.waitForCard([/Call reference/i, /ITB-\d{4}-\d{6}/]);
      return callRefIn(await textOf(confirmation))!;
    });

    await j.step('a non-approver pressing Approve is refused, and the request still waits', async () => {
      const card = await nonApprover.waitForCard([`Approval needed: ${callRef}`]);
      const before = await nonApprover.cards().count();
      await nonApprover.press(card, 'Approve');
      await nonApprover.waitForCard(["Sorry, you can't approve this request", 'Only the service-desk analysts can approve'], 20_000).then(async (c) => recordShownError(await textOf(c)));
      expect(await nonApprover.cards().count()).toBeGreaterThanOrEqual(before);
      const store = stack.workers.deps!.store;
      const id = await store.requests.findByCallRef(callRef as CallRef);
      expect((await store.requests.getSummary(id!))?.status).toBe('awaitingApproval');
      const denied = (await store.audit.readForRequest(id!, { count: 100 })).filter((e) => e.event.type === 'access.denied');
      expect(denied.length).toBeGreaterThanOrEqual(1);
    });
  });

  it('leaves no patient identifier in logs, job payloads, raw Redis values or error messages (canary)', async () => {
    const report = await scanForCanary(stack, [patient]);
    expect(report.scanned.errorMessages).toBeGreaterThan(0);
    expect(report.hits).toEqual([]);
  });
});
