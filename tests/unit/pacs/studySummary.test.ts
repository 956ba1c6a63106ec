import { fromDicomJson, fromNaturalized } from '../../../integrations/pacs/studySummary';

/** A QIDO-RS match as Orthanc 1.10's DICOMweb plugin sends it (PS3.18 F.2). */
const orthancMatch = {
  '00080005': { vr: 'CS', Value: ['ISO_IR 100'] },
  '00080020': { vr: 'DA', Value: ['20260302'] },
  '00080030': { vr: 'TM', Value: ['101500.123'] },
  '00080050': { vr: 'SH', Value: ['A1B2C3'] },
  '00080061': { vr: 'CS', Value: ['CT', 'SR'] },
  '00081030': { vr: 'LO', Value: ['CT HEAD'] },
  '00081190': { vr: 'UR', Value: ['http://127.0.0.1:8042/dicom-web/studies/1.2.3'] },
  '00100010': { vr: 'PN', Value: [{ Alphabetic: 'TESTPATIENT^ALPHA' }] },
  '00100020': { vr: 'LO', Value: ['S1234567'] },
  '00100030': { vr: 'DA', Value: ['19610412'] },
  '0020000D': { vr: 'UI', Value: ['1.2.3'] },
  '00201206': { vr: 'IS', Value: [2] },
  '00201208': { vr: 'IS', Value: [40] },
};

describe('fromDicomJson (QIDO-RS)', () => {
  it('reads a study-level match', () => {
    expect(fromDicomJson(orthancMatch)).toEqual({
      studyInstanceUid: '1.2.3',
      studyDate: '2026-03-02',
      studyTime: '10:15:00',
      accessionNumber: 'A1B2C3',
      studyDescription: 'CT HEAD',
      modalities: ['CT', 'SR'],
      patientId: 'S1234567',
      patientName: 'TESTPATIENT^ALPHA',
      patientBirthDate: '1961-04-12',
      numberOfSeries: 2,
      numberOfInstances: 40,
    });
  });

  it('accepts lower-case tags, IS as strings, a backslash-joined modality list and a bare HHMM time', () => {
    const s = fromDicomJson({
      '0020000d': { vr: 'UI', Value: ['1.2.3'] },
      '00080030': { vr: 'TM', Value: ['0930'] },
      '00080061': { vr: 'CS', Value: ['CT\\MR'] },
      '00201208': { vr: 'IS', Value: [' 12 '] },
    });
    expect(s).toEqual({ studyInstanceUid: '1.2.3', studyTime: '09:30', modalities: ['CT', 'MR'], numberOfInstances: 12 });
  });

  it('drops values it cannot read rather than guess (old-style dates, negative counts, empty strings)', () => {
    const s = fromDicomJson({
      '0020000D': { vr: 'UI', Value: ['1.2.3'] },
      '00080020': { vr: 'DA', Value: ['2026.03.02'] },
      '00201208': { vr: 'IS', Value: [-1] },
      '00080050': { vr: 'SH', Value: ['   '] },
      '00100010': { vr: 'PN' },
    });
    expect(s).toEqual({ studyInstanceUid: '1.2.3', modalities: [] });
  });

  it('is undefined without a valid Study Instance UID', () => {
    expect(fromDicomJson({ '00100020': { vr: 'LO', Value: ['S1'] } })).toBeUndefined();
    expect(fromDicomJson({ '0020000D': { vr: 'UI', Value: ['not-a-uid'] } })).toBeUndefined();
  });
});

describe('fromNaturalized (C-FIND via dcmjs)', () => {
  it('reads keywords, trailing padding and PN in either form', () => {
    expect(
      fromNaturalized({
        StudyInstanceUID: '1.2.3\0',
        StudyDate: '20260302',
        PatientName: [{ Alphabetic: 'TESTPATIENT^BETA' }],
        ModalitiesInStudy: ['CT'],
        NumberOfStudyRelatedInstances: '4',
        AccessionNumber: 'RX1 ',
      }),
    ).toEqual({
      studyInstanceUid: '1.2.3',
      studyDate: '2026-03-02',
      patientName: 'TESTPATIENT^BETA',
      modalities: ['CT'],
      numberOfInstances: 4,
      accessionNumber: 'RX1',
    });
    expect(fromNaturalized({ StudyInstanceUID: '1.2', PatientName: 'ALPHA^ONE=ideographic' })?.patientName).toBe('ALPHA^ONE');
  });
});
