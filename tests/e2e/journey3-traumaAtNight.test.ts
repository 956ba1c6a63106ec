import { demoPatient } from '../../sandbox/demo';
import { SEED_STUDIES, seedUid } from '../../sandbox/seed/demoStudies';
import { scanForCanary } from './support/canary';
import { callRefIn } from './support/forms';
import { eventually, Journey, textOf } from './support/journey';
import { deleteStudy, instanceCount, simDeliveries } from './support/realSystems';
import { startStack, type E2eStack } from './support/stack';
import { nextLondon } from './support/times';

jest.setTimeout(240_000);

/**
 * Journey 3 (issue #8): trauma at 02:00 on a phone. The on-call radiologist types "trauma" on a 390x844 screen, picks
 * two of the patient's four recent studies and sends (guideline Appendix 4: any hour, only relevant imaging, no
 * approval). Only those two reach the NUH node, at clinical-emergency priority; the channel gets the FYI card.
 */
describe('journey 3: trauma at 02:00 on a phone', () => {
  let stack: E2eStack;
  const patient = demoPatient('traumaPatient');
  const studies = SEED_STUDIES.filter((s) => s.patientKey === patient.key);
  const picked = studies.filter((s) => s.key === 'trauma-ct-head' || s.key === 'trauma-ct-cspine');
  const at = nextLondon(2, () => true);

  beforeAll(async () => {
    stack = await startStack('journey3', { users: ['radiologist', 'analyst'], clock: at });
    // The NUH node is the remote trust's Orthanc here: clear what an earlier run of this journey sent there.
    for (const s of studies) await deleteStudy(stack.remoteOrthancUrl, seedUid(s.key));
  }, 180_000);
  afterAll(async () => {
    await stack?.stop();
  });

  it('sends only the two picked studies to NUH at clinical-emergency priority, with an FYI to the channel', async () => {
    expect(studies).toHaveLength(4);
    const j = new Journey(stack);
    const analyst = await j.open('analyst', { channel: true });
    const radiologist = await j.open('radiologist', { viewport: { width: 390, height: 844 } }, 'on-call radiologist opens Teams on a phone at 02:00');

    await j.step('radiologist types "trauma" and finds the patient by hospital number', async () => {
      const card = await radiologist.say('trauma');
      expect(await textOf(card)).toContain('Trauma transfer to Nottingham (1 of 2)');
      await card.getByLabel('Hospital number (S number)').fill(patient.sNumber);
      await card.getByLabel('NHS number (if known)').fill(patient.nhsNumber!);
      await radiologist.press(card, "Find the patient's studies");
      await radiologist.waitForCard(['Trauma transfer to Nottingham (2 of 2)', 'CT HEAD TRAUMA'], 30_000);
    });

    const callRef = await j.step('radiologist picks two of the four recent studies and sends', async () => {
      const card = await radiologist.waitForCard(['Trauma transfer to Nottingham (2 of 2)']);
      const text = await textOf(card);
      for (const s of studies) expect(text).toContain(s.description);
      for (const s of picked) await card.getByRole('checkbox', { name: new RegExp(`· ${s.description} ·`) }).check();
      await card.getByRole('checkbox', { name: /trauma patient in the Emergency Department/ }).check();
      await radiologist.press(card, 'Send to Nottingham now');
      const sent = await radiologist.waitForCard([/ITB-\d{4}-\d{6}/, /Trauma/], 30_000);
      return callRefIn(await textOf(sent))!;
    });

    await j.step('the channel gets the FYI card, and no approval is asked', async () => {
      const fyi = await analyst.waitForCard([callRef, /trauma/i], 30_000);
      expect(await fyi.getByRole('button', { name: 'Approve' }).count()).toBe(0);
      for (const c of await analyst.cards().all()) expect(await textOf(c)).not.toContain('Approval needed');
    });

    await j.step('only the two picked studies reach the NUH node, at clinical-emergency priority', async () => {
      const deliveries = await eventually(
        'the IEP simulator delivered the trauma transfer',
        () => simDeliveries(stack.sim.controlUrl),
        (d) => d.some((x) => x.deliveryNode === 'NUH Radiology PACS'),
        120_000,
      );
      const toNuh = deliveries.filter((d) => d.deliveryNode === 'NUH Radiology PACS');
      expect(toNuh).toHaveLength(1);
      expect(toNuh[0]!.priority).toBe('Clinical emergency');
      expect([...(toNuh[0]!.studyInstanceUids as string[])].sort()).toEqual(picked.map((s) => seedUid(s.key)).sort());
      for (const s of studies) {
        const want = picked.includes(s) ? s.instances : 0;
        await eventually(`NUH holds ${want} images of ${s.description}`, () => instanceCount(stack.remoteOrthancUrl, seedUid(s.key)), (n) => n === want, 20_000);
      }
    });

    await j.step('radiologist sees the transfer delivered', async () => {
      await radiologist.waitForCard([callRef, /Now (Completed|IEP: Delivered)/], 60_000);
    });
  });

  it('leaves no patient identifier in logs, job payloads, raw Redis values or error messages (canary)', async () => {
    const report = await scanForCanary(stack, [patient]);
    expect(report.hits).toEqual([]);
  });
});
