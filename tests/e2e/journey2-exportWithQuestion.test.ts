import { demoPatient, demoUser } from '../../sandbox/demo';
import { SEED_STUDIES, seedUid } from '../../sandbox/seed/demoStudies';
import { scanForCanary } from './support/canary';
import { callRefIn, fillRequestForm, patientEntry } from './support/forms';
import { eventually, Journey, textOf } from './support/journey';
import { deleteStudy, instanceCount, simDeliveries } from './support/realSystems';
import { startStack, type E2eStack } from './support/stack';
import { addDays, londonDate, nextOfficeHours, seedDate } from './support/times';

jest.setTimeout(240_000);

/**
 * Journey 2 (issue #8): export with a question. A clinician asks to send a study to Nottingham University Hospitals;
 * the analyst chooses "Needs information" and asks which scan; the clinician answers in chat; the analyst approves;
 * the remote Orthanc (NUH's node) receives exactly that study and the clinician is told.
 */
describe('journey 2: export with a question', () => {
  let stack: E2eStack;
  const patient = demoPatient('export');
  const studies = SEED_STUDIES.filter((s) => s.patientKey === patient.key);
  const chosen = studies.find((s) => s.key === 'mcallister-ct-chest')!;
  const at = nextOfficeHours();

  beforeAll(async () => {
    stack = await startStack('journey2', { users: ['clinician', 'analyst'], clock: at });
    for (const s of studies) await deleteStudy(stack.remoteOrthancUrl, seedUid(s.key));
  }, 180_000);
  afterAll(async () => {
    await stack?.stop();
  });

  it('sends exactly the study the clinician named to NUH after the question is answered', async () => {
    const j = new Journey(stack);
    const analyst = await j.open('analyst', { channel: true });
    const clinician = await j.open('clinician');

    const callRef = await j.step('clinician asks to send images to Nottingham University Hospitals', async () => {
      const form = await clinician.say('send images to Nottingham');
      expect(await textOf(form)).toContain('Send UHL images to another organisation');
      await fillRequestForm(clinician.page, form, {
        patient: patientEntry(patient),
        exams: [{ date: seedDate(chosen.daysAgo), description: 'CT chest' }],
        priority: 'Standard',
        neededBy: addDays(londonDate(at), 7),
        requester: demoUser('clinician'),
      });
      await form.getByLabel('Site contact: name').fill('Dr Site Contact');
      await form.getByLabel('Site contact: position').fill('Consultant radiologist');
      await form.getByLabel('Site contact: full phone number').fill('0115 496 0000');
      await form.getByLabel('Site contact: e-mail').fill('site.contact@nuh-demo.example');
      await clinician.press(form, 'Send request');
      const confirmation = await clinician.waitForCard([/Call reference/i, /ITB-\d{4}-\d{6}/]);
      return callRefIn(await textOf(confirmation))!;
    });

    await j.step('analyst chooses "Needs information" and asks which scan', async () => {
      const card = await analyst.waitForCard([`Approval needed: ${callRef}`]);
      await analyst.press(card, 'Needs information');
      await card.getByLabel('Your question to the requester').fill('Which scan do you need sent: the CT chest or the MR knee?');
      await analyst.press(card, 'Send question');
      await analyst.waitForCard([callRef, /Needs information|Waiting for the requester/i]);
    });

    await j.step('clinician answers in chat', async () => {
      const question = await clinician.waitForCard(['Which scan do you need sent'], 30_000);
      await question.getByLabel('Your answer').fill(`The CT chest of ${londonDate(new Date(Date.parse(seedDate(chosen.daysAgo))))} only.`);
      await clinician.press(question, 'Send answer');
      await analyst.waitForCard([callRef, 'The CT chest of'], 30_000);
    });

    await j.step('analyst approves', async () => {
      const card = await analyst.waitForCard([callRef, 'The CT chest of']);
      await analyst.press(card, 'Approve');
      await analyst.waitForCard([callRef, /Approved/]);
    });

    await j.step('the clinician is told it was delivered', async () => {
      await clinician.waitForCard([`${callRef} · Export`, /Now (Completed|IEP: Delivered)/], 150_000);
    });

    await j.step("NUH's node received exactly that study", async () => {
      const deliveries = await eventually('IEP delivered the export', () => simDeliveries(stack.sim.controlUrl), (d) => d.some((x) => x.deliveryNode === 'NUH Radiology PACS'), 60_000);
      const toNuh = deliveries.filter((d) => d.deliveryNode === 'NUH Radiology PACS');
      expect(toNuh).toHaveLength(1);
      expect(toNuh[0]!.studyInstanceUids).toEqual([seedUid(chosen.key)]);
      for (const s of studies) {
        const want = s === chosen ? s.instances : 0;
        await eventually(`NUH holds ${want} images of ${s.description}`, () => instanceCount(stack.remoteOrthancUrl, seedUid(s.key)), (n) => n === want, 20_000);
      }
    });
  });

  it('leaves no patient identifier in logs, job payloads, raw Redis values or error messages (canary)', async () => {
    const report = await scanForCanary(stack, [patient]);
    expect(report.hits).toEqual([]);
  });
});
