import { NOTE_MAX, SUMMARY_MAX, freeTextProblems, requestIdProblems } from '../../../integrations/servicedesk/freeTextGuard';
import { CANARY_MARKERS, DEMO_PATIENTS } from '../../../sandbox/demo';

describe('free text sent to the service desk', () => {
  it('accepts a summary without patient identifiers, with dates, call refs and phone extensions', () => {
    for (const ok of [
      'IEP import from Nottingham University Hospitals: 2 exams, required by 2026-02-03',
      'Blue Light export to Kettering General Hospital, contact x17001, see ITB-2026-000042',
      'CD import: 3 CDs, collect Wednesday from LRI Radiology Reception, call 0116 258 8000',
    ]) {
      expect(freeTextProblems('summary', ok, SUMMARY_MAX)).toEqual([]);
    }
  });

  it.each(DEMO_PATIENTS.flatMap((p) => [[`S number of ${p.key}`, `images for ${p.sNumber} please`] as const]))('refuses the %s', (_l, text) => {
    expect(freeTextProblems('summary', text, SUMMARY_MAX)).toEqual(['summary: looks like it holds an S number (no patient data may go to the service desk)']);
  });

  it.each(['9998765366', '999 876 5366', '999-876-5366', 'NHS no:9998765366.'])('refuses an NHS number written as %j', (text) => {
    expect(freeTextProblems('note', text, NOTE_MAX)).toContain('note: looks like it holds an NHS number (no patient data may go to the service desk)');
  });

  it('names the field and the problem but never quotes the text', () => {
    const text = `${CANARY_MARKERS.join(' ')} ${'x'.repeat(300)}`;
    const problems = freeTextProblems('summary', text, SUMMARY_MAX);
    expect(problems).toEqual(expect.arrayContaining(['summary: longer than 200 characters']));
    for (const m of CANARY_MARKERS) expect(problems.join(' ')).not.toContain(m);
  });

  it('refuses empty text', () => {
    expect(freeTextProblems('note', '   ', NOTE_MAX)).toEqual(['note: empty']);
  });

  it('accepts UUID and ULID request ids and refuses anything that could break a key or an OData literal', () => {
    expect(requestIdProblems('3f2b8c1e-9d4a-4e7b-8a1c-5d6e7f8a9b0c')).toEqual([]);
    expect(requestIdProblems('01HZX3K9Q4R8T2V6W0Y5Z7A1B3')).toEqual([]);
    for (const bad of ["a'b", 'a b', '', '-lead', 'x'.repeat(129), 'a/b', 'a)b']) expect(requestIdProblems(bad)).toHaveLength(1);
  });
});
