import { demoPatient, demoUser } from '../../sandbox/demo';
import { remotePatientId, SEED_STUDIES, seedUid } from '../../sandbox/seed/demoStudies';
import { scanForCanary } from './support/canary';
import { callRefIn, fillRequestForm, patientEntry } from './support/forms';
import { eventually, Journey, textOf } from './support/journey';
import { deleteStudy, instanceCount, instancesOf, instanceTags, risMessages, segment } from './support/realSystems';
import { startStack, type E2eStack } from './support/stack';
import { addDays, londonAt, londonDate, nextLondon, seedDate } from './support/times';

jest.setTimeout(240_000);

/**
 * Journey 6 (issue #8): out of hours (guideline 2.9). A standard import on Saturday at 21:00 is accepted with "will be
 * processed from Sunday 08:00", waits, and starts when the shared clock reaches Sunday 08:00. The patient is the
 * canary, so the whole import path (PAS, IEP, DICOM engine, PACS, RIS, notices) is scanned for leaks afterwards.
 */
describe('journey 6: out of hours', () => {
  let stack: E2eStack;
  const patient = demoPatient('canary');
  const study = SEED_STUDIES.find((s) => s.patientKey === patient.key)!;
  const saturday = nextLondon(21, (weekday) => weekday === 6);
  const sunday8 = londonAt(addDays(londonDate(saturday), 1), 8);

  beforeAll(async () => {
    stack = await startStack('journey6', { users: ['clinician', 'analyst'], clock: saturday });
    await deleteStudy(stack.config.pacs.restUrl, seedUid(study.key));
  }, 180_000);
  afterAll(async () => {
    await stack?.stop();
  });

  const iepRequestsMade = () => stack.sim.calls.filter((c) => c.method === 'POST' && /\/requests$/.test(c.url.split('?')[0]!)).length;

  it('accepts a standard import on Saturday 21:00 for Sunday 08:00, and starts it then', async () => {
    const j = new Journey(stack);
    const analyst = await j.open('analyst', { channel: true });
    const clinician = await j.open('clinician');

    const callRef = await j.step('on Saturday at 21:00 the clinician sends a standard import', async () => {
      const form = await clinician.say('request images from Kettering');
      await fillRequestForm(clinician.page, form, {
        patient: patientEntry(patient),
        exams: [{ date: seedDate(study.daysAgo), description: 'CT head' }],
        priority: 'Standard',
        neededBy: addDays(londonDate(saturday), 7),
        requester: demoUser('clinician'),
      });
      await clinician.press(form, 'Send request');
      const confirmation = await clinician.waitForCard([/ITB-\d{4}-\d{6}/, 'Sunday 08:00']);
      expect(await textOf(confirmation)).toContain('Your request is accepted and will be processed from Sunday 08:00.');
      return callRefIn(await textOf(confirmation))!;
    });

    await j.step('the analyst approves; nothing is asked of IEP while the desk is closed', async () => {
      const card = await analyst.waitForCard([`Approval needed: ${callRef}`]);
      await analyst.press(card, 'Approve');
      await analyst.waitForCard([callRef, /Approved/]);
      await new Promise((r) => setTimeout(r, 4_000));
      expect(iepRequestsMade()).toBe(0);
    });

    await j.step('the clock reaches Sunday 08:00 and the import starts', async () => {
      await stack.setClock(sunday8);
      await eventually('an IEP request was made', async () => iepRequestsMade(), (n) => n === 1, 60_000);
    });

    await j.step('the clinician is told it completed', async () => {
      await clinician.waitForCard([`${callRef} · Import`, 'Now Completed'], 150_000);
    });

    await j.step('UHL PACS and CRIS hold it under the S number', async () => {
      const pacs = stack.config.pacs.restUrl;
      const uid = seedUid(study.key);
      await eventually('UHL PACS holds the study', () => instanceCount(pacs, uid), (n) => n === study.instances, 10_000);
      const tags = await instanceTags(pacs, (await instancesOf(pacs, uid))[0]!);
      expect(tags.PatientID).toBe(patient.sNumber);
      expect(tags.OtherPatientIDsSequence?.map((o) => o.PatientID)).toContain(remotePatientId(patient));
      const mine = (await risMessages(stack.ris.controlUrl)).filter((m) => m.hl7.includes(callRef));
      expect(mine).toHaveLength(1);
      expect(segment(mine[0]!.hl7, 'OBR')![7]!.slice(0, 8)).toBe(seedDate(study.daysAgo).replace(/-/g, ''));
    });
  });

  it('leaves no patient identifier in logs, job payloads, raw Redis values or error messages (canary)', async () => {
    const report = await scanForCanary(stack, [patient]);
    expect(report.scanned.jobs).toBeGreaterThan(0);
    expect(report.hits).toEqual([]);
  });
});
