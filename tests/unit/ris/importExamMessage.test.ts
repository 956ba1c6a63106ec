import { Message } from 'node-hl7-client';
import { buildImportExamMessage, IMPORT_EXAM_SEGMENTS } from '../../../integrations/ris/importExamMessage';
import { messageControlIdFor } from '../../../integrations/ris/messageControlId';
import { examEntry, hl7Fixture } from './fixtures';

const NOW = new Date('2024-03-06T09:00:00Z');

/** MSH-7 `YYYYMMDDHHMMSS+ZZZZ` back to an instant. */
function tsToDate(ts: string): Date {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})([+-])(\d{2})(\d{2})$/.exec(ts);
  if (!m) throw new Error(`not a TS with offset: ${ts}`);
  const [, y, mo, d, h, mi, s, sign, oh, om] = m as unknown as string[];
  const offsetMin = (Number(oh) * 60 + Number(om)) * (sign === '+' ? 1 : -1);
  return new Date(Date.UTC(+y!, +mo! - 1, +d!, +h!, +mi!, +s!) - offsetMin * 60_000);
}

describe('buildImportExamMessage (ORM^O01 v2.4 for one imported exam)', () => {
  const entry = examEntry();
  const text = buildImportExamMessage(entry, { now: NOW });
  const msg = new Message({ text });

  it('matches the contract fixture byte for byte (MSH-7 compared as an instant, since it carries the local offset)', () => {
    const expected = hl7Fixture('orm-o01-import.hl7', messageControlIdFor(entry.examId));
    const msh7 = msg.get('MSH.7').toString();
    expect(tsToDate(msh7).getTime()).toBe(NOW.getTime());
    expect(text).toBe(expected.replace('20240306090000+0000', msh7));
  });

  it('carries exactly the documented segments, CR-separated', () => {
    expect(text.split('\r').map((s) => s.slice(0, 3))).toEqual([...IMPORT_EXAM_SEGMENTS]);
    expect(text).not.toMatch(/\n/);
  });

  it('maps the S number and the NHS number to PID-3 repetitions, name to PID-5, birth date to PID-7', () => {
    const reps = msg.get('PID.3').toArray();
    expect(reps.map((r) => [r.get(0).toString(), r.get(3).toString(), r.get(4).toString()])).toEqual([
      ['S1234567', 'UHL', 'MR'],
      ['9990000018', 'NHS', 'NH'],
    ]);
    expect([msg.get('PID.5.1').toString(), msg.get('PID.5.2').toString()]).toEqual(['TESTPATIENT', 'Alice']);
    expect(msg.get('PID.7').toString()).toBe('19700131');
  });

  it('uses the acquisition date and time as the event date, not the day it was sent (guideline 2.3f)', () => {
    expect(msg.get('OBR.7').toString()).toBe('20240305142209');
    const dateOnly = new Message({ text: buildImportExamMessage(examEntry({ acquisitionTime: undefined }), { now: NOW }) });
    expect(dateOnly.get('OBR.7').toString()).toBe('20240305');
  });

  it('puts the referring hospital exam code in OBR-4, ids in ORC/OBR, accession in OBR-18 and the call ref in OBR-19', () => {
    expect(msg.get('OBR.4.1').toString()).toBe('CCHAPC');
    expect(msg.get('OBR.4.2').toString()).toBe('CT Chest, abdomen & pelvis with contrast');
    expect([msg.get('ORC.1').toString(), msg.get('ORC.2').toString(), msg.get('ORC.3').toString(), msg.get('ORC.5').toString()]).toEqual([
      'NW', 'ITB-ORD-000123-1', 'RWE-F-88231', 'CM',
    ]);
    expect([msg.get('OBR.2').toString(), msg.get('OBR.3').toString()]).toEqual(['ITB-ORD-000123-1', 'RWE-F-88231']);
    expect(msg.get('OBR.18').toString()).toBe('RWE24000123');
    expect(msg.get('OBR.19').toString()).toBe('IEP-2024-000123');
  });

  it('leaves the NHS repetition out when the patient has no NHS number', () => {
    const noNhs = examEntry();
    delete noNhs.patient.nhsNumber;
    const m = new Message({ text: buildImportExamMessage(noNhs, { now: NOW }) });
    expect(m.get('PID.3').toArray()).toHaveLength(1);
    expect(m.get('PID.3.1').toString()).toBe('S1234567');
  });

  it('takes MSH-3..6 and MSH-11 from options (the sandbox sends T)', () => {
    const m = new Message({
      text: buildImportExamMessage(entry, {
        now: NOW, sendingApplication: 'ITB-SANDBOX', sendingFacility: 'RWE', receivingApplication: 'CRISTEST', receivingFacility: 'RWE', processingId: 'T',
      }),
    });
    expect(['MSH.3', 'MSH.4', 'MSH.5', 'MSH.6', 'MSH.11'].map((p) => m.get(p).toString())).toEqual(['ITB-SANDBOX', 'RWE', 'CRISTEST', 'RWE', 'T']);
  });
});

describe('messageControlIdFor', () => {
  it('is the same for the same exam (so a resend after a crash reuses it) and 20 characters (MSH-10 ST length)', () => {
    expect(messageControlIdFor('exam-7f3c2a')).toBe(messageControlIdFor('exam-7f3c2a'));
    expect(messageControlIdFor('exam-7f3c2a')).toMatch(/^ITB[0-9A-F]{17}$/);
  });

  it('differs between exams, so each imported exam is its own CRIS entry (guideline 2.3f)', () => {
    const ids = new Set(Array.from({ length: 10_000 }, (_, i) => messageControlIdFor(`exam-${i}`)));
    expect(ids.size).toBe(10_000);
  });
});
