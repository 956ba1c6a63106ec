import fs from 'node:fs';
import path from 'node:path';
import {
  DicomFileError,
  DicomRewriteConfigError,
  importStudy,
  logSafeReasons,
  reconcileStudy,
  type QuarantineDecision,
  type ReconcileResult,
} from '../../../integrations/dicom';
import { EXPECTED, filesUnder, importOptions, makeTemp, NHS, reconcileOptions, removeTemp, REQUESTED, SENDER, smallStudy } from './dicomTestKit';

let dir: string;
beforeAll(() => {
  dir = makeTemp();
});
afterAll(() => removeTemp(dir));

let n = 0;
function study(opts: Parameters<typeof smallStudy>[1] = {}) {
  n += 1;
  return smallStudy(path.join(dir, `st${n}`), opts);
}

function quarantined(r: ReconcileResult): QuarantineDecision {
  if (r.decision !== 'quarantine') throw new Error('expected quarantine, got import');
  return r;
}
const codes = (r: ReconcileResult) => quarantined(r).reasons.map((x) => [x.code, x.field ?? null, x.against ?? null]);

describe('reconcileStudy: import only when every check passes', () => {
  test('the expected patient, requested exam, readable instances: import', async () => {
    const s = study({ instances: 4 });
    const r = await reconcileStudy(s.files, EXPECTED, REQUESTED, reconcileOptions());
    expect(r.decision).toBe('import');
    if (r.decision !== 'import') return;
    expect(r.instances.map((i) => i.path).sort()).toEqual([...s.files].sort());
    expect(r.studies).toEqual([expect.objectContaining({ studyInstanceUid: s.studyInstanceUid, studyDate: '2026-01-15', modalities: ['CT'], instances: 4, matchedExam: REQUESTED[0] })]);
    expect(r.excludedStudies).toEqual([]);
    expect(r.missingExams).toEqual([]);
  });

  test('names match after normalisation (case, accents, middle names in the header)', async () => {
    const s = study({ patient: { ...SENDER, name: 'Testpatient^Alpha Maria^^Mrs' } });
    expect((await reconcileStudy(s.files, EXPECTED, REQUESTED, reconcileOptions())).decision).toBe('import');
  });
});

describe('reconcileStudy: each safety rule quarantines', () => {
  test('PAS does not know the patient (guideline 2.7d)', async () => {
    expect(codes(await reconcileStudy(study().files, EXPECTED, REQUESTED, reconcileOptions({ pas: null })))).toEqual([['PATIENT_NOT_ON_PAS', null, null]]);
  });
  test('the request and PAS disagree', async () => {
    const r = await reconcileStudy(study().files, EXPECTED, REQUESTED, reconcileOptions({ pas: { ...EXPECTED, birthDate: '1980-01-02' } }));
    expect(codes(r)).toEqual([
      ['REQUEST_PAS_MISMATCH', null, null],
      ['BIRTH_DATE_MISMATCH', 'birthDate', 'pas'],
    ]);
  });
  test.each([
    ['family name', { name: 'TESTPATIENTS^ALPHA' }, 'PATIENT_NAME_MISMATCH', 'patientName'],
    ['given name', { name: 'TESTPATIENT^ALFA' }, 'PATIENT_NAME_MISMATCH', 'patientName'],
    ['birth date', { birthDate: '19800110' }, 'BIRTH_DATE_MISMATCH', 'birthDate'],
    ['NHS number in Other Patient IDs', { nhsNumber: NHS[1] }, 'NHS_NUMBER_MISMATCH', 'nhsNumber'],
    ['NHS number as Patient ID', { id: NHS[2], issuer: 'NHS', nhsNumber: undefined }, 'NHS_NUMBER_MISMATCH', 'nhsNumber'],
  ])('a %s that differs from the request and PAS', async (_what, patient, code, field) => {
    const r = await reconcileStudy(study({ patient: { ...SENDER, ...patient } }).files, EXPECTED, REQUESTED, reconcileOptions());
    expect(codes(r)).toEqual([
      [code, field, 'request'],
      [code, field, 'pas'],
    ]);
    expect(quarantined(r).reasons[0]?.instances).toBe(3);
  });
  test('a UHL id (our issuer) in the header that is not the expected S number', async () => {
    const other = { OtherPatientIDsSequence: [{ PatientID: 'S7654321', IssuerOfPatientID: 'UHL' }] };
    const r = await reconcileStudy(study({ overrides: other }).files, EXPECTED, REQUESTED, reconcileOptions());
    expect(codes(r)).toEqual([
      ['LOCAL_ID_MISMATCH', 'localPatientId', 'request'],
      ['LOCAL_ID_MISMATCH', 'localPatientId', 'pas'],
    ]);
  });
  test('one instance of another patient inside a study', async () => {
    const r = await reconcileStudy(
      study({ instances: 5, instanceOverrides: (i) => (i === 3 ? { PatientName: 'OTHERPATIENT^BETA' } : undefined) }).files,
      EXPECTED,
      REQUESTED,
      reconcileOptions(),
    );
    expect(codes(r)).toEqual([
      ['PATIENT_NAME_MISMATCH', 'patientName', 'request'],
      ['PATIENT_NAME_MISMATCH', 'patientName', 'pas'],
      ['MULTIPLE_PATIENTS', null, null],
    ]);
    expect(quarantined(r).reasons[0]?.instances).toBe(1);
  });
  test('two patients on one CD, even when each matches on name and birth date', async () => {
    const a = study();
    const b = study({ patient: { ...SENDER, id: 'RXX999' } });
    expect(codes(await reconcileStudy([...a.files, ...b.files], EXPECTED, REQUESTED, reconcileOptions()))).toEqual([['MULTIPLE_PATIENTS', null, null]]);
  });
  test('missing identity: no name, no birth date, no patient id', async () => {
    for (const [omit, field] of [
      ['PatientName', 'patientName'],
      ['PatientBirthDate', 'birthDate'],
      ['PatientID', 'patientId'],
    ] as const) {
      const r = await reconcileStudy(study({ omit: [omit] }).files, EXPECTED, REQUESTED, reconcileOptions());
      expect(codes(r)).toEqual([['MISSING_IDENTITY', field, null]]);
    }
  });
  test('garbled identity: text that cannot be decoded', async () => {
    const r = await reconcileStudy(study({ overrides: { SpecificCharacterSet: 'ISO_IR 999' } }).files, EXPECTED, REQUESTED, reconcileOptions());
    expect(codes(r)).toEqual([
      ['GARBLED_IDENTITY', 'patientName', null],
      ['GARBLED_IDENTITY', 'patientId', null],
      ['GARBLED_IDENTITY', 'nhsNumber', null],
    ]);
  });
  test.each([
    ['date', [{ date: '2026-01-16', modality: 'CT' }]],
    ['modality', [{ date: '2026-01-15', modality: 'MR' }]],
    ['nothing requested', []],
  ])('a study that was not requested (%s)', async (_what, exams) => {
    const r = await reconcileStudy(study().files, EXPECTED, exams, reconcileOptions());
    expect(codes(r)).toEqual([['STUDY_NOT_REQUESTED', null, null]]);
  });
  test('unreadable instances: truncated, not DICOM, deflated', async () => {
    const s = study({ instances: 2 });
    fs.truncateSync(s.files[0] as string, 700);
    const junk = path.join(dir, 'junk.dcm');
    fs.writeFileSync(junk, 'this is not an image');
    const deflated = study({ instances: 1, syntax: 'deflated' }).files;
    const r = quarantined(await reconcileStudy([...s.files, junk, ...deflated], EXPECTED, REQUESTED, reconcileOptions()));
    expect(r.fileErrors.map((e) => [path.basename(e.path), e.code])).toEqual([
      ['IM000001.dcm', 'TRUNCATED'],
      ['junk.dcm', 'NOT_DICOM'],
      ['IM000001.dcm', 'UNSUPPORTED_TRANSFER_SYNTAX'],
    ]);
    expect(r.reasons.every((x) => x.code === 'UNREADABLE_INSTANCE')).toBe(true);
  });
  test('odd-length pixel data is unfit for PACS', async () => {
    const r = quarantined(await reconcileStudy(study({ pixelDataLength: 511 }).files, EXPECTED, REQUESTED, reconcileOptions()));
    expect(r.fileErrors.map((e) => e.code)).toEqual(['ODD_LENGTH_PIXEL_DATA', 'ODD_LENGTH_PIXEL_DATA', 'ODD_LENGTH_PIXEL_DATA']);
  });
  test('media errors from the CD (a DICOMDIR naming a missing file)', async () => {
    const missing = new DicomFileError('FILE_NOT_FOUND', 'a DICOMDIR record names a file that is not on the CD', { path: '/cd/DICOM/IM9' });
    expect(codes(await reconcileStudy(study().files, EXPECTED, REQUESTED, reconcileOptions({ mediaErrors: [missing] })))).toEqual([['MEDIA_INCOMPLETE', null, null]]);
  });
  test('the same instance twice', async () => {
    const s = study({ instances: 1 });
    const copy = path.join(dir, 'copy.dcm');
    fs.copyFileSync(s.files[0] as string, copy);
    expect(codes(await reconcileStudy([...s.files, copy], EXPECTED, REQUESTED, reconcileOptions()))).toEqual([['DUPLICATE_INSTANCE', null, null]]);
  });
  test('instances of one study disagreeing on its date', async () => {
    const s = study({ instances: 2, instanceOverrides: (i) => (i === 1 ? { StudyDate: '20260116' } : undefined) });
    expect(codes(await reconcileStudy(s.files, EXPECTED, REQUESTED, reconcileOptions()))).toEqual([['INCONSISTENT_STUDY', null, null]]);
  });
  test('an empty delivery', async () => {
    expect(codes(await reconcileStudy([], EXPECTED, REQUESTED, reconcileOptions()))).toEqual([['NO_INSTANCES', null, null]]);
  });
  test('every finding is reported, not just the first', async () => {
    const s = study({ patient: { ...SENDER, birthDate: '19800110', nhsNumber: NHS[1] } });
    const r = await reconcileStudy(s.files, EXPECTED, [{ date: '2025-01-01' }], reconcileOptions({ pas: null }));
    expect(codes(r).map((c) => c[0])).toEqual(['PATIENT_NOT_ON_PAS', 'BIRTH_DATE_MISMATCH', 'NHS_NUMBER_MISMATCH', 'STUDY_NOT_REQUESTED']);
  });
});

describe('requested exams decide what is kept', () => {
  test('studies nobody asked for are left out (listed), requested ones imported, missing exams reported', async () => {
    const ct = study({ instances: 2 });
    const mr = study({ instances: 2, modality: 'MR', studyDate: '2025-06-01' });
    const exams = [REQUESTED[0] as { date: string; modality: string }, { date: '2024-03-03', modality: 'US' }];
    const r = await reconcileStudy([...ct.files, ...mr.files], EXPECTED, exams, reconcileOptions());
    if (r.decision !== 'import') throw new Error(JSON.stringify(logSafeReasons(r.reasons)));
    expect(r.instances.map((i) => i.studyInstanceUid)).toEqual([ct.studyInstanceUid, ct.studyInstanceUid]);
    expect(r.excludedStudies.map((s) => s.studyInstanceUid)).toEqual([mr.studyInstanceUid]);
    expect(r.missingExams).toEqual([{ date: '2024-03-03', modality: 'US' }]);
  });
  test("with unrequestedStudies: 'quarantine' the whole delivery is held instead", async () => {
    const ct = study();
    const mr = study({ modality: 'MR', studyDate: '2025-06-01' });
    const r = await reconcileStudy([...ct.files, ...mr.files], EXPECTED, REQUESTED, reconcileOptions({ unrequestedStudies: 'quarantine' }));
    expect(codes(r)).toEqual([['STUDY_NOT_REQUESTED', null, null]]);
    expect(quarantined(r).reasons[0]?.studyInstanceUids).toEqual([mr.studyInstanceUid]);
  });
  test('an exam without a modality matches on date alone', async () => {
    expect((await reconcileStudy(study().files, EXPECTED, [{ date: '2026-01-15' }], reconcileOptions())).decision).toBe('import');
  });
});

describe('reasons: analyst text says what differs; the log-safe view holds no patient values', () => {
  test('text names both values; logSafeReasons has codes and counts only', async () => {
    const r = quarantined(await reconcileStudy(study({ patient: { ...SENDER, birthDate: '19800110' } }).files, EXPECTED, REQUESTED, reconcileOptions()));
    expect(r.reasons[0]?.text).toBe('Date of birth in the images is 1980-01-10 but the request says 1980-01-01.');
    const safe = JSON.stringify(logSafeReasons(r.reasons));
    expect(safe).toBe(JSON.stringify([
      { code: 'BIRTH_DATE_MISMATCH', field: 'birthDate', against: 'request', instances: 3 },
      { code: 'BIRTH_DATE_MISMATCH', field: 'birthDate', against: 'pas', instances: 3 },
    ]));
    for (const value of ['1980', 'TESTPATIENT', 'ALPHA', SENDER.id, NHS[0], EXPECTED.sNumber]) expect(safe).not.toContain(value);
  });
  test('error messages of per-file failures carry no header values', async () => {
    const s = study({ instances: 1 });
    fs.truncateSync(s.files[0] as string, 1500);
    const r = quarantined(await reconcileStudy(s.files, EXPECTED, REQUESTED, reconcileOptions()));
    for (const value of ['TESTPATIENT', SENDER.id, NHS[0], '19800101']) expect(r.fileErrors[0]?.message).not.toContain(value);
  });
});

describe('importStudy: all or nothing', () => {
  test('import: every instance rewritten into <outDir>/<study>/<sop>.dcm', async () => {
    const s = study({ instances: 4 });
    const outDir = path.join(dir, `out${n}`);
    const r = await importStudy(s.files, EXPECTED, REQUESTED, importOptions(outDir));
    if (r.decision !== 'import') throw new Error(JSON.stringify(logSafeReasons(r.reasons)));
    expect(filesUnder(outDir).sort()).toEqual(s.sopInstanceUids.map((u) => path.join(outDir, s.studyInstanceUid, `${u}.dcm`)).sort());
    expect(r.bytesIn).toBe(s.bytes);
  });
  test('quarantine: nothing is written', async () => {
    const outDir = path.join(dir, `q${n}`);
    const r = await importStudy(study({ patient: { ...SENDER, name: 'WRONG^PATIENT' } }).files, EXPECTED, REQUESTED, importOptions(outDir));
    expect(r.decision).toBe('quarantine');
    expect(filesUnder(outDir)).toEqual([]);
  });
  test('a file swapped after the identity check: the rewrite refuses it, removes what it wrote, and quarantines', async () => {
    const s = study({ instances: 4 });
    const other = study({ instances: 1, patient: { ...SENDER, name: 'OTHERPATIENT^BETA' } });
    const outDir = path.join(dir, `swap${n}`);
    let swapped = false;
    const r = await importStudy(s.files, EXPECTED, REQUESTED, {
      ...importOptions(outDir),
      fixUpConcurrency: 1,
      rewrite: {
        ...importOptions(outDir).rewrite,
        // Runs during the rewrite of the first instance: swap the last file for another patient's.
        accession: {
          kind: 'replace',
          accessionFor: () => {
            if (!swapped) fs.copyFileSync(other.files[0] as string, s.files[3] as string);
            swapped = true;
            return 'RWE1';
          },
        },
      },
    });
    expect(swapped).toBe(true);
    const q = quarantined(r);
    expect(q.reasons.map((x) => x.code)).toEqual(['FIX_UP_FAILED']);
    expect(q.fileErrors.map((e) => e.code)).toEqual(['IDENTITY_CHANGED']);
    expect(filesUnder(outDir)).toEqual([]);
  });
  test('bad settings throw before anything is read', async () => {
    const outDir = path.join(dir, `cfg${n}`);
    await expect(importStudy(study().files, EXPECTED, REQUESTED, importOptions(outDir, { ourIssuer: '' }))).rejects.toBeInstanceOf(DicomRewriteConfigError);
    expect(fs.existsSync(outDir)).toBe(false);
  });
});
