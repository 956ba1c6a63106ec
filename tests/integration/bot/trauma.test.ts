import fs from 'node:fs';
import path from 'node:path';
import { DicomWebPacsClient } from '../../../integrations/pacs';
import { generateStudy } from '../../../sandbox/dicom-generator/generateStudy';
import { testVarDir, uhlOrthanc } from '../../support/services';
import { clinician, radiologist } from '../app/actors';
import { cardOf, cardText, inputIds, personal, startBotHarness, type BotHarness } from './botHarness';

/** A local id no other suite uses: "S" + 7 digits, the trauma appendix's RWES number in our sandbox. */
function uniqueSNumber(): string {
  return `S${String(Math.floor(1_000_000 + Math.random() * 8_999_999))}`;
}

/**
 * Trauma (guideline 2.1c, 2.8, Appendix 4) through the bot against the real UHL Orthanc: step 1 finds the patient's
 * studies on PACS, step 2 sends the picked ones at clinical-emergency priority with no approval, and a UID that is not
 * this patient's is refused.
 */
describe('trauma transfer through the bot, studies listed from the real PACS (Orthanc)', () => {
  let h: BotHarness;
  let pacs: DicomWebPacsClient;
  let sNumber: string;
  let studies: string[];
  let otherPatientsStudy: string;
  let dir: string;

  beforeAll(async () => {
    h = await startBotHarness('trauma');
    pacs = new DicomWebPacsClient({ kind: 'dicomweb', baseUrl: uhlOrthanc().dicomWebUrl });
    h.deps.pacs = pacs;
    h.setNow(new Date('2026-03-11T02:40:00Z')); // 02:40 on a Wednesday: out of hours, trauma goes anyway (2.8)
    dir = fs.mkdtempSync(path.join(testVarDir(), 'bot-trauma-'));
    sNumber = uniqueSNumber();
    const patient = { id: sNumber, name: 'OKONKWO-BRAY^TOBIAS', birthDate: '1999-07-21', sex: 'M' as const, nhsNumber: '9997037014' };
    const made = [
      generateStudy({ outDir: path.join(dir, 'ct'), patient, studyDate: '2026-03-11', modality: 'CT', instances: 2, rows: 32, cols: 32, overrides: { StudyDescription: 'CT head trauma' } }),
      generateStudy({ outDir: path.join(dir, 'cr'), patient, studyDate: '2026-03-10', modality: 'CR', instances: 1, rows: 32, cols: 32, overrides: { StudyDescription: 'XR chest' } }),
    ];
    const other = generateStudy({ outDir: path.join(dir, 'other'), patient: { ...patient, id: uniqueSNumber(), name: 'SOMEONE^ELSE' }, studyDate: '2026-03-09', modality: 'CT', instances: 1, rows: 32, cols: 32 });
    for (const s of [...made, other]) {
      const stored = await pacs.storeFiles(s.files);
      expect(stored.failed).toEqual([]);
    }
    studies = made.map((s) => s.studyInstanceUid);
    otherPatientsStudy = other.studyInstanceUid;
  });
  afterAll(async () => {
    await pacs.close();
    await h.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('step 1 lists this patient\'s studies, newest first, with name and date of birth from PACS to check (step 10)', async () => {
    const { updated } = await h.send(personal(radiologist, { value: { verb: 'traumaFindPatient', formId: 't1', sNumber: sNumber.toLowerCase(), nhsNumber: '999 703 7014' }, replyToId: 'trauma-1' }));
    const card = cardOf(updated[0]);
    expect(inputIds(card)).toEqual(expect.arrayContaining(['studyInstanceUids', 'attachReport', 'edTraumaConfirmed']));
    const text = JSON.stringify(card);
    expect(text.indexOf('CT head trauma')).toBeLessThan(text.indexOf('XR chest'));
    expect(text).toContain('OKONKWO-BRAY, TOBIAS');
    expect(text).not.toContain(otherPatientsStudy);
  });

  it('step 1 refuses a number with no studies on PACS, on the number field', async () => {
    const { updated } = await h.send(personal(radiologist, { value: { verb: 'traumaFindPatient', formId: 't2', sNumber: uniqueSNumber(), nhsNumber: '9997037014' }, replyToId: 'trauma-2' }));
    expect(cardText(updated[0])).toMatch(/PACS has no studies for this hospital number/);
  });

  it('step 2 sends the picked studies straight away: no approval, clinical emergency, the channel gets an FYI', async () => {
    const values = {
      verb: 'submitTrauma',
      formId: 't3',
      sNumber,
      nhsNumber: '9997037014',
      familyName: 'OKONKWO-BRAY',
      givenName: 'TOBIAS',
      birthDate: '1999-07-21',
      destination: 'nuh',
      studyInstanceUids: studies[0],
      attachReport: 'true',
      edTraumaConfirmed: 'true',
    };
    const { updated } = await h.send(personal(radiologist, { value: values, replyToId: 'trauma-3' }));
    const text = cardText(updated[0]);
    expect(text).toMatch(/ITB-2026-\d{6}/);
    expect(text).toContain('Clinical emergency');
    const [sent] = await h.store.requests.listByRequester(radiologist.aadObjectId);
    expect(sent).toMatchObject({ kind: 'trauma', status: 'logged', lane: 'clinicalEmergency', examCount: 1 });
    expect(h.flows.started).toEqual([{ requestId: sent!.id, lane: 'clinicalEmergency' }]);
    expect(h.notifier.channel).toContainEqual(expect.objectContaining({ topic: 'traumaSent', requestId: sent!.id }));
  });

  it('step 2 refuses a study that is not this patient\'s (card data is only a hint)', async () => {
    const values = { verb: 'submitTrauma', formId: 't4', sNumber, nhsNumber: '9997037014', familyName: 'OKONKWO-BRAY', givenName: 'TOBIAS', birthDate: '1999-07-21', studyInstanceUids: `${studies[1]},${otherPatientsStudy}`, edTraumaConfirmed: 'true' };
    const { updated } = await h.send(personal(radiologist, { value: values, replyToId: 'trauma-4' }));
    expect(cardText(updated[0])).toMatch(/not in this patient's PACS record/);
    expect(await h.store.requests.listByRequester(radiologist.aadObjectId)).toHaveLength(1);
  });

  it('steps 1 and 2 from someone who is not on call are refused', async () => {
    const one = await h.send(personal(clinician, { value: { verb: 'traumaFindPatient', sNumber, nhsNumber: '9997037014' } }));
    expect(cardText(one.sent[0])).toMatch(/Sorry, you can't/);
    const two = await h.send(personal(clinician, { value: { verb: 'submitTrauma', sNumber, studyInstanceUids: studies[0], edTraumaConfirmed: 'true' } }));
    expect(cardText(two.sent[0])).toMatch(/Sorry, you can't send a trauma transfer/);
  });
});
