import fc from 'fast-check';
import { PacsInvalidQueryError } from '../../../integrations/pacs';
import { checkStudyUid, isDicomUid, toStudyMatch } from '../../../integrations/pacs/studyQuery';
import { findIdentifier } from '../../../integrations/pacs/dimse/studyFind';
import { qidoParams } from '../../../integrations/pacs/dicomweb/qidoSearch';

describe('toStudyMatch', () => {
  it('turns local dates into a DICOM range (PS3.4 C.2.2.2.5), open at either end, one date when both are equal', () => {
    expect(toStudyMatch({ patientId: 'S1234567', studyDateFrom: '2026-01-05', studyDateTo: '2026-02-01' }).studyDate).toBe('20260105-20260201');
    expect(toStudyMatch({ patientId: 'S1234567', studyDateFrom: '2026-01-05' }).studyDate).toBe('20260105-');
    expect(toStudyMatch({ patientId: 'S1234567', studyDateTo: '2026-01-05' }).studyDate).toBe('-20260105');
    expect(toStudyMatch({ patientId: 'S1234567', studyDateFrom: '2026-01-05', studyDateTo: '2026-01-05' }).studyDate).toBe('20260105');
  });

  it('trims and keeps only the keys given', () => {
    expect(toStudyMatch({ patientId: ' S1234567 ', modality: 'CT' })).toEqual({ patientId: 'S1234567', modality: 'CT' });
    expect(toStudyMatch({ accessionNumber: 'RX123' })).toEqual({ accessionNumber: 'RX123' });
  });

  it.each([
    [{}, 'patient ID, accession number or Study Instance UID'],
    [{ modality: 'CT', studyDateFrom: '2026-01-01' }, 'patient ID, accession number or Study Instance UID'],
    [{ patientId: 'S1*' }, 'patientId'],
    [{ patientId: 'S1?' }, 'patientId'],
    [{ patientId: 'S1\\S2' }, 'patientId'],
    [{ patientId: 'x'.repeat(65) }, 'patientId'],
    [{ accessionNumber: 'A'.repeat(17) }, 'accessionNumber'],
    [{ studyInstanceUid: '1.02.3' }, 'studyInstanceUid'],
    [{ patientId: 'S1', studyDateFrom: '2026-02-30' }, 'studyDateFrom'],
    [{ patientId: 'S1', studyDateTo: '05/01/2026' }, 'studyDateTo'],
    [{ patientId: 'S1', studyDateFrom: '2026-03-02', studyDateTo: '2026-03-01' }, 'start date is after the end date'],
    [{ patientId: 'S1', modality: 'ct' }, 'modality'],
    [{ patientId: 'S1', unexpected: 'x' } as never, 'query'],
  ])('refuses %j naming %s', (query, naming) => {
    expect(() => toStudyMatch(query)).toThrow(PacsInvalidQueryError);
    expect(() => toStudyMatch(query)).toThrow(naming);
  });

  it('never echoes the refused value in the message (it may be a patient identifier)', () => {
    fc.assert(
      // Ids shaped like real ones (letters then digits): a plain random string such as "ent" can occur in the message's
      // own words, which made this property fail now and then without any echo.
      fc.property(fc.stringMatching(/^[A-Z]{1,3}[0-9]{5,12}$/), (id) => {
        const value = `${id}*`;
        try {
          toStudyMatch({ patientId: value, studyDateFrom: id });
        } catch (err) {
          expect(err).toBeInstanceOf(PacsInvalidQueryError);
          expect((err as Error).message).not.toContain(id.trim());
          return;
        }
        throw new Error('accepted a wildcard');
      }),
    );
  });

  it('carries the call reference into the error', () => {
    expect(() => toStudyMatch({}, { callRef: 'ITB-2026-000123' })).toThrow(/ITB-2026-000123/);
  });
});

describe('UIDs (PS3.5 9.1)', () => {
  it.each(['1.2.840.10008.1.2', '2.25.104132649395474518883475117132660775471', '0.0'])('accepts %s', (uid) => expect(isDicomUid(uid)).toBe(true));
  it.each(['', '1.02', '1..2', '.1', '1.', '1.2.a', `1.${'2'.repeat(63)}`])('refuses %j', (uid) => expect(isDicomUid(uid)).toBe(false));
  it('checkStudyUid trims a good UID and refuses a bad one', () => {
    expect(checkStudyUid(' 1.2.3 ')).toBe('1.2.3');
    expect(() => checkStudyUid('../../etc/passwd')).toThrow(PacsInvalidQueryError);
  });
});

describe('the same match on both wires', () => {
  const match = toStudyMatch({ patientId: 'S1234567', accessionNumber: 'RX1', studyDateFrom: '2026-01-01', studyDateTo: '2026-01-31', modality: 'MR' });

  it('QIDO-RS query parameters use attribute keywords (PS3.18 8.3.4.1)', () => {
    expect(qidoParams(match)).toEqual({ PatientID: 'S1234567', AccessionNumber: 'RX1', StudyDate: '20260101-20260131', ModalitiesInStudy: 'MR' });
  });

  it('the C-FIND identifier carries the same matching keys and asks for the return keys empty', () => {
    const id = findIdentifier(match);
    expect(id).toMatchObject({ PatientID: 'S1234567', AccessionNumber: 'RX1', StudyDate: '20260101-20260131', ModalitiesInStudy: 'MR', StudyInstanceUID: '' });
    for (const k of ['StudyTime', 'StudyDescription', 'PatientName', 'PatientBirthDate', 'NumberOfStudyRelatedSeries', 'NumberOfStudyRelatedInstances']) {
      expect(id[k]).toBe('');
    }
  });
});
