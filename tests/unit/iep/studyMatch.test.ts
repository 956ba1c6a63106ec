import fc from 'fast-check';
import { answersExam, findRequestedStudies, isRequestedPatient, type RequestedExam } from '../../../sandbox/iep-simulator/studyMatch';
import { fromDicomDate, splitPersonName } from '../../../sandbox/iep-simulator/orthancArchive';
import { study } from './memoryArchive';

const amelia = { familyName: 'Hartwell', birthDate: '1958-03-14', nhsNumber: '9992345675' };

describe('finding the requested patient at the sending trust', () => {
  it('needs the date of birth to match', () => {
    expect(isRequestedPatient(amelia, study())).toBe(true);
    expect(isRequestedPatient(amelia, study({ patient: { birthDate: '1958-03-15' } }))).toBe(false);
  });

  it('trusts the NHS number over the name when both sides have one', () => {
    expect(isRequestedPatient(amelia, study({ patient: { familyName: 'SOMEONE-ELSE' } }))).toBe(true);
    expect(isRequestedPatient(amelia, study({ patient: { nhsNumber: '9994691341' } }))).toBe(false);
  });

  it('falls back to the patient id, then the family name (ignoring case, spaces and hyphens)', () => {
    const noNhs = { patient: { nhsNumber: undefined } };
    expect(isRequestedPatient({ ...amelia, nhsNumber: undefined, patientId: 'RXX001', familyName: 'X' }, study(noNhs))).toBe(true);
    expect(isRequestedPatient({ familyName: 'hart-well', birthDate: '1958-03-14' }, study(noNhs))).toBe(true);
    expect(isRequestedPatient({ familyName: 'Hartley', birthDate: '1958-03-14' }, study(noNhs))).toBe(false);
    // Some trusts file the NHS number as the Patient ID.
    expect(isRequestedPatient({ ...amelia, familyName: 'X' }, study({ patient: { nhsNumber: undefined, patientId: '9992345675' } }))).toBe(true);
  });
});

describe('matching exam lines', () => {
  const ct = study({ studyDate: '2026-01-10', modalities: ['CT', 'SR'], accessionNumber: 'ACC1' });
  it.each<[string, RequestedExam, boolean]>([
    ['same date', { studyDate: '2026-01-10' }, true],
    ['other date', { studyDate: '2026-01-11' }, false],
    ['inside a range', { dateFrom: '2026-01-01', dateTo: '2026-01-31' }, true],
    ['range ends the day before', { dateFrom: '2026-01-01', dateTo: '2026-01-09' }, false],
    ['modality present, any case', { studyDate: '2026-01-10', modality: 'ct' }, true],
    ['modality absent', { studyDate: '2026-01-10', modality: 'MR' }, false],
    ['accession matches', { studyDate: '2026-01-10', accessionNumber: 'ACC1' }, true],
    ['accession differs', { studyDate: '2026-01-10', accessionNumber: 'ACC2' }, false],
  ])('%s', (_name, exam, expected) => {
    expect(answersExam(exam, ct)).toBe(expected);
  });

  it('returns each matching study once, in date order, and nothing for another patient', () => {
    const a = study({ studyDate: '2026-01-12' });
    const b = study({ studyDate: '2026-01-05', modalities: ['MR'] });
    const other = study({ studyDate: '2026-01-12', patient: { nhsNumber: '9994691341' } });
    const exams = [{ dateFrom: '2026-01-01', dateTo: '2026-01-31' }, { studyDate: '2026-01-12' }];
    expect(findRequestedStudies(amelia, exams, [a, other, b, a]).map((s) => s.studyInstanceUid)).toEqual([b.studyInstanceUid, a.studyInstanceUid]);
  });

  it('property: every study returned is the patient\'s and answers an exam line; none is left out or repeated', () => {
    const dates = fc.constantFrom('2026-01-01', '2026-01-10', '2026-01-20', '2026-02-01');
    const arbStudy = fc.record({ date: dates, modality: fc.constantFrom('CT', 'MR', 'CR'), same: fc.boolean() });
    const arbExam = fc.record({ studyDate: fc.option(dates, { nil: undefined }), modality: fc.option(fc.constantFrom('CT', 'MR'), { nil: undefined }) });
    fc.assert(
      fc.property(fc.array(arbStudy, { maxLength: 12 }), fc.array(arbExam, { minLength: 1, maxLength: 4 }), (specs, exams) => {
        const candidates = specs.map((s) => study({ studyDate: s.date, modalities: [s.modality], patient: s.same ? {} : { nhsNumber: '9994691341' } }));
        const found = findRequestedStudies(amelia, exams, candidates);
        const expected = candidates.filter((c) => isRequestedPatient(amelia, c) && exams.some((e) => answersExam(e, c)));
        expect(new Set(found.map((f) => f.studyInstanceUid))).toEqual(new Set(expected.map((e) => e.studyInstanceUid)));
        expect(found).toHaveLength(expected.length);
      }),
      { numRuns: 500 },
    );
  });
});

describe('reading DICOM values from Orthanc', () => {
  it('turns DA into ISO dates and PN into family and given names', () => {
    expect(fromDicomDate('19580314')).toBe('1958-03-14');
    expect(fromDicomDate('1958')).toBeUndefined();
    expect(fromDicomDate(undefined)).toBeUndefined();
    expect(splitPersonName('HARTWELL^AMELIA^ROSE')).toEqual({ familyName: 'HARTWELL', givenNames: ['AMELIA', 'ROSE'] });
    expect(splitPersonName('HARTWELL^AMELIA=ideographic')).toEqual({ familyName: 'HARTWELL', givenNames: ['AMELIA'] });
    expect(splitPersonName(undefined)).toEqual({ familyName: '', givenNames: [] });
  });
});
