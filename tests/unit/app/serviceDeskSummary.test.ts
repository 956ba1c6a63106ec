import { serviceDeskPriorityOf, serviceDeskSummaryOf } from '../../../app/serviceDeskSummary';
import { expectedFor, nextStepFor, outOfHoursNote, blueLightOutOfHoursNote } from '../../../app/messages';
import { validateCdImportRequest, validateImportRequest, validateTraumaRequest, type LocalDate, type TransferRequest } from '../../../domain';
import { SUMMARY_MAX } from '../../../integrations/servicedesk';
import fs from 'node:fs';
import path from 'node:path';

const today = '2026-03-11' as LocalDate;
const fixture = (name: string) => (JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'fixtures', 'teams', `${name}.json`), 'utf8')) as { value: Record<string, unknown> }).value;
function ok<T>(r: { ok: true; value: T } | { ok: false; errors: unknown }): T {
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.value;
}

describe('what goes to the service desk (guideline 2.7a) carries no patient data', () => {
  const imp = ok(validateImportRequest(fixture('personal-submit-import'), { today })) as TransferRequest;
  const cd = ok(validateCdImportRequest({ ...fixture('personal-submit-import'), cdCount: '3', internalPostAddress: 'Ward 7', urgent: 'true' }, { today })) as TransferRequest;
  const trauma = ok(
    validateTraumaRequest(
      { sNumber: 'S3456789', nhsNumber: '9997037014', familyName: 'Okonkwo-Bray', givenName: 'Tobias', birthDate: '1999-07-21', studyInstanceUids: '1.2.3', edTraumaConfirmed: 'true' },
      { today },
    ),
  ) as TransferRequest;

  it('summarises kind, organisation, counts and dates only', () => {
    expect(serviceDeskSummaryOf(imp)).toBe('IEP import from Kettering General Hospital: 2 exams, required by 2026-03-20');
    expect(serviceDeskSummaryOf(cd)).toBe('CD import: 3 CDs, 2 studies, urgent (County Hall)');
    expect(serviceDeskSummaryOf(trauma)).toBe('Trauma transfer to Nottingham University Hospitals: 1 study');
    for (const r of [imp, cd, trauma]) {
      const s = serviceDeskSummaryOf(r);
      expect(s.length).toBeLessThanOrEqual(SUMMARY_MAX);
      expect(s).not.toMatch(/S\d{7}|\d{10}|Hartwell|Okonkwo|1958|1999-07-21/i);
    }
  });

  it('priority: the form\'s; trauma is a clinical emergency (Appendix 4 step 15); CDs standard', () => {
    expect(serviceDeskPriorityOf(imp)).toBe('standard');
    expect(serviceDeskPriorityOf(trauma)).toBe('clinicalEmergency');
    expect(serviceDeskPriorityOf(cd)).toBe('standard');
  });

  it('confirmation texts follow the guideline: Blue Light 4 hours, Batch overnight, CD Wednesdays / County Hall, trauma fallback CD', () => {
    expect(expectedFor('import', 'blueLight', undefined)).toMatch(/4 hours/);
    expect(expectedFor('import', 'batch', undefined)).toMatch(/overnight/);
    expect(expectedFor('import', 'standard', '2026-03-20')).toMatch(/2026-03-20/);
    expect(expectedFor('cdImport', undefined, undefined, false)).toMatch(/Wednesdays/);
    expect(expectedFor('cdImport', undefined, undefined, true)).toMatch(/County Hall/);
    expect(expectedFor('trauma', undefined, undefined)).toMatch(/burn a CD/);
    expect(nextStepFor('trauma')).toMatch(/NUH Radiology PACS/);
    expect(outOfHoursNote('Sunday 08:00')).toMatch(/processed from Sunday 08:00/);
    expect(blueLightOutOfHoursNote('Sunday 08:00', true)).toMatch(/on-call radiologist can send the images now/);
  });
});
