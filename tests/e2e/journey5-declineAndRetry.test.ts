import { demoPatient, demoUser } from '../../sandbox/demo';
import { declineText } from '../../sandbox/iep-simulator/declineReasons';
import { remotePatientId, SEED_STUDIES, seedUid } from '../../sandbox/seed/demoStudies';
import { scanForCanary } from './support/canary';
import { callRefIn, fillRequestForm, patientEntry } from './support/forms';
import { eventually, Journey, textOf } from './support/journey';
import { deleteStudy, instanceCount, instancesOf, instanceTags, risMessages, segment } from './support/realSystems';
import { startStack, type E2eStack } from './support/stack';
import { addDays, londonDate, nextOfficeHours, seedDate } from './support/times';

jest.setTimeout(300_000);

/** How the Playground's date picker (Fluent) shows a YYYY-MM-DD value, e.g. "September 16, 2026". */
function shownDate(date: string): string {
  return new Date(`${date}T12:00:00Z`).toLocaleDateString('en-US', { month: 'long', day: 'numeric', year: 'numeric', timeZone: 'UTC' });
}

/**
 * Journey 5 (issue #8): decline and retry. The clinician gives the wrong date for the scan, so the sending trust's
 * archive holds no such study and the IEP simulator declines the request in its own words ("The requested study does
 * not exist at this organisation.", guideline 2.5a) - the decline comes from the simulator searching its archive, not
 * from an armed fault, so only a corrected request can succeed. The clinician and the channel see that reason; the
 * analyst presses "Edit and re-send" on the channel's failure card (guideline 2.5b), corrects the exam date, saves,
 * and the second run completes into UHL PACS and CRIS with the same call reference.
 */
describe('journey 5: decline and retry', () => {
  let stack: E2eStack;
  const patient = demoPatient('ameliaHartwell');
  const study = SEED_STUDIES.find((s) => s.key === 'hartwell-ct-head')!;
  const analystUser = demoUser('analyst');
  const at = nextOfficeHours();
  const trustWords = declineText('studyNotHeld');
  // The scan was acquired on seedDate(daysAgo); the clinician remembers it a day late.
  const rightDate = seedDate(study.daysAgo);
  const wrongDate = addDays(rightDate, 1);

  beforeAll(async () => {
    stack = await startStack('journey5', { users: ['clinician', 'analyst'], clock: at });
    await deleteStudy(stack.config.pacs.restUrl, seedUid(study.key));
  }, 180_000);
  afterAll(async () => {
    await stack?.stop();
  });

  it('shows the sending trust\'s reason to both sides; the analyst edits and re-sends it, and it completes', async () => {
    const j = new Journey(stack);
    const analyst = await j.open('analyst', { channel: true });
    const clinician = await j.open('clinician');

    const callRef = await j.step('clinician sends a standard import from Kettering with the wrong scan date', async () => {
      const form = await clinician.say('request images from Kettering');
      await fillRequestForm(clinician.page, form, {
        patient: patientEntry(patient),
        exams: [{ date: wrongDate, description: 'CT head' }],
        priority: 'Standard',
        neededBy: addDays(londonDate(at), 7),
        requester: demoUser('clinician'),
      });
      await clinician.press(form, 'Send request');
      const ref = callRefIn(await textOf(await clinician.waitForCard([/Call reference/i, /ITB-\d{4}-\d{6}/])));
      if (!ref) throw new Error('the confirmation shows no call reference');
      return ref;
    });

    await j.step('analyst approves in the channel', async () => {
      const card = await analyst.waitForCard([`Approval needed: ${callRef}`]);
      await analyst.press(card, 'Approve');
      await analyst.waitForCard([callRef, /Approved/i]);
    });

    await j.step('the clinician sees the decline in the sending trust\'s words', async () => {
      const card = await clinician.waitForCard([`${callRef} · Import`, `The sending trust declined the request: "${trustWords}"`, 'The service desk will rework it with you'], 90_000);
      expect(await textOf(card)).not.toMatch(/studyNotHeld/);
    });

    const failureCard = await j.step('the channel\'s failure card shows the sending trust\'s reason', async () => {
      const card = await analyst.waitForCard([`Declined: ${callRef}`, 'Reason given by the sending trust', trustWords, 'Edit and re-send'], 60_000);
      expect(await textOf(card)).not.toMatch(/studyNotHeld/);
      return card;
    });

    const editCard = await j.step('analyst presses "Edit and re-send" and gets the request to edit, without the patient', async () => {
      await analyst.press(failureCard, 'Edit and re-send');
      // The analyst reworks the request with the trust's own words in front of them, not our code.
      const card = await analyst.waitForCard([`Edit and re-send: ${callRef}`, 'Reason given by the sending trust', trustWords, 'Save and re-send']);
      expect(await textOf(card)).not.toMatch(/studyNotHeld/);
      await expect(card.getByLabel('Exam 1: Date of scan').inputValue()).resolves.toBe(shownDate(wrongDate));
      await expect(card.getByLabel('Exam 1: Type of study and body part').inputValue()).resolves.toBe('CT head');
      // The edit card is posted in the channel: no patient identifiers on it (they cannot be edited).
      const text = await textOf(card);
      for (const id of [patient.sNumber, patient.familyName, patient.nhsNumber ?? patient.sNumber, patient.birthDate]) expect(text.toLowerCase()).not.toContain(id.toLowerCase());
      return card;
    });

    await j.step('analyst corrects the scan date and the description, and saves', async () => {
      await editCard.getByLabel('Exam 1: Date of scan').fill(rightDate);
      await editCard.getByLabel('Exam 1: Type of study and body part').fill('CT head non-contrast');
      await analyst.press(editCard, 'Save and re-send');
      const edited = new RegExp(`Edited and re-sent by ${analystUser.displayName} at \\d\\d:\\d\\d`);
      // The edit card is replaced, and the failure card it came from updated in place, by the decided failure card.
      const decided = [`Declined: ${callRef}`, trustWords, edited, 'Changed: exams.'];
      await analyst.waitForCard(decided);
      await eventually(
        'the edit card and the failure card both say who re-sent it',
        async () => {
          const texts = await Promise.all((await analyst.cards().all()).map((c) => textOf(c).catch(() => '')));
          return texts.filter((t) => decided.every((p) => (typeof p === 'string' ? t.includes(p) : p.test(t)))).length;
        },
        (n) => n === 2,
        15_000,
      );
      expect(await analyst.cards().getByRole('button', { name: 'Save and re-send' }).count()).toBe(0);
    });

    await j.step('clinician is told the images are available, with the same call reference', async () => {
      await clinician.waitForCard([`${callRef} · Import`, 'Now Completed'], 150_000);
    });

    await j.step('UHL PACS holds the study under the S number, the sending trust\'s id kept', async () => {
      const pacs = stack.config.pacs.restUrl;
      const uid = seedUid(study.key);
      await eventually(`UHL PACS holds ${study.key}`, () => instanceCount(pacs, uid), (n) => n === study.instances, 20_000);
      for (const id of await instancesOf(pacs, uid)) {
        const tags = await instanceTags(pacs, id);
        expect(tags.PatientID).toBe(patient.sNumber);
        expect(tags.OtherPatientIDsSequence?.map((o) => o.PatientID)).toContain(remotePatientId(patient));
      }
    });

    await j.step('CRIS holds exactly one entry for the exam, dated when it was acquired', async () => {
      const mine = (await risMessages(stack.ris.controlUrl)).filter((m) => m.hl7.includes(callRef));
      expect(mine).toHaveLength(1);
      const hl7 = mine[0]!.hl7;
      expect(segment(hl7, 'OBR')![7]!.slice(0, 8)).toBe(rightDate.replace(/-/g, ''));
      expect(segment(hl7, 'OBR')![19]).toBe(callRef);
      expect(segment(hl7, 'PID')![3]).toContain(patient.sNumber);
      expect(mine[0]!.answeredWith).toBe('AA');
    });
  });

  it('leaves no patient identifier in logs, job payloads, raw Redis values or error messages (canary)', async () => {
    const report = await scanForCanary(stack, [patient]);
    expect(report.scanned.logLines + report.scanned.jobs + report.scanned.redisValues).toBeGreaterThan(0);
    expect(report.hits).toEqual([]);
  });
});
