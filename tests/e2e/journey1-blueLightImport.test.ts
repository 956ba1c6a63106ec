import { demoPatient, demoUser } from '../../sandbox/demo';
import { remotePatientId, SEED_STUDIES, seedUid } from '../../sandbox/seed/demoStudies';
import { callRefIn, fillRequestForm, patientEntry } from './support/forms';
import { eventually, Journey, textOf } from './support/journey';
import { deleteStudy, instanceCount, instancesOf, instanceTags, risMessages, segment } from './support/realSystems';
import { startStack, type E2eStack } from './support/stack';
import { addDays, londonDate, nextOfficeHours, seedDate } from './support/times';
import { scanForCanary } from './support/canary';

jest.setTimeout(240_000);

/**
 * Journey 1 (issue #8): Blue Light import, end to end. A clinician asks in personal chat for images from Kettering,
 * an analyst approves in the channel, the studies land in UHL PACS under the S number with the sender's id kept, CRIS
 * gets one entry per exam dated when it was acquired (guideline 2.3f), and the clinician is told with the same call ref.
 */
describe('journey 1: Blue Light import, end to end', () => {
  let stack: E2eStack;
  const patient = demoPatient('dhruvPatelkar');
  const studies = SEED_STUDIES.filter((s) => s.patientKey === patient.key);
  const at = nextOfficeHours();

  beforeAll(async () => {
    stack = await startStack('journey1', { users: ['clinician', 'analyst'], clock: at });
    for (const s of studies) await deleteStudy(stack.config.pacs.restUrl, seedUid(s.key));
  }, 180_000);
  afterAll(async () => {
    await stack?.stop();
  });

  it('imports the two exams into UHL PACS and CRIS, and tells the clinician with the same call reference', async () => {
    const j = new Journey(stack);
    const analyst = await j.open('analyst', { channel: true });
    const clinician = await j.open('clinician');

    const form = await j.step('clinician types "request images from Kettering"', async () => {
      const card = await clinician.say('request images from Kettering');
      expect(await textOf(card)).toContain('Request images from another hospital');
      await expect(card.getByRole('combobox', { name: 'Trust or hospital the images come from' }).inputValue()).resolves.toBe('Kettering General Hospital');
      return card;
    });

    const callRef = await j.step('clinician fills the import form for two exams at Blue Light and sends it', async () => {
      expect(studies).toHaveLength(2);
      await fillRequestForm(clinician.page, form, {
        patient: patientEntry(patient),
        exams: studies.map((s) => ({ date: seedDate(s.daysAgo), description: s.description })),
        priority: 'Blue Light (emergency only)',
        neededBy: addDays(londonDate(at), 1),
        requester: demoUser('clinician'),
      });
      await clinician.press(form, 'Send request');
      const confirmation = await clinician.waitForCard([/Call reference/i, /ITB-\d{4}-\d{6}/]);
      const ref = callRefIn(await textOf(confirmation));
      if (!ref) throw new Error('the confirmation shows no call reference');
      return ref;
    });

    await j.step('analyst approves in the channel', async () => {
      const card = await analyst.waitForCard([`Approval needed: ${callRef}`, 'Blue Light']);
      expect(await textOf(card)).toContain('Exams 2');
      await analyst.press(card, 'Approve');
      await analyst.waitForCard([callRef, /Approved/i]);
    });

    await j.step('clinician is told the images are available, with the same call reference', async () => {
      await clinician.waitForCard([`${callRef} · Import`, 'Now Completed'], 150_000);
    });

    await j.step('UHL PACS holds both studies under the S number, the sending trust\'s id kept', async () => {
      const pacs = stack.config.pacs.restUrl;
      for (const s of studies) {
        const uid = seedUid(s.key);
        await eventually(`UHL PACS holds ${s.key}`, () => instanceCount(pacs, uid), (n) => n === s.instances, 10_000);
        for (const id of await instancesOf(pacs, uid)) {
          const tags = await instanceTags(pacs, id);
          expect(tags.PatientID).toBe(patient.sNumber);
          expect(tags.OtherPatientIDsSequence?.map((o) => o.PatientID)).toContain(remotePatientId(patient));
          expect(JSON.stringify(tags.OriginalAttributesSequence ?? [])).toContain(remotePatientId(patient));
        }
      }
    });

    await j.step('CRIS holds exactly one entry per exam, dated when it was acquired', async () => {
      const mine = (await risMessages(stack.ris.controlUrl)).filter((m) => m.hl7.includes(callRef));
      expect(mine).toHaveLength(studies.length);
      const byDate = mine.map((m) => segment(m.hl7, 'OBR')![7]!.slice(0, 8)).sort();
      expect(byDate).toEqual(studies.map((s) => seedDate(s.daysAgo).replace(/-/g, '')).sort());
      for (const m of mine) {
        expect(segment(m.hl7, 'PID')![3]).toContain(patient.sNumber);
        expect(segment(m.hl7, 'OBR')![19]).toBe(callRef);
        expect(m.answeredWith).toBe('AA');
      }
    });
  });

  it('leaves no patient identifier in logs, job payloads, raw Redis values or error messages (canary)', async () => {
    const report = await scanForCanary(stack, [patient]);
    expect(report.scanned.logLines + report.scanned.jobs + report.scanned.redisValues).toBeGreaterThan(0);
    expect(report.hits).toEqual([]);
  });
});
