import path from 'node:path';
import { acceptedFindingsOf, findingsMatchAccepted, findingsVersion, isReleasable, RELEASABLE_CODES, type AcceptedFinding } from '../../../integrations/dicom/acceptedFindings';
import { reconcileStudy, type QuarantineCode, type ReconcileResult } from '../../../integrations/dicom';
import { EXPECTED, makeTemp, NHS, reconcileOptions, removeTemp, REQUESTED, SENDER, smallStudy } from './dicomTestKit';

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

/** The findings of a held delivery, as the worker stores them at quarantine time. */
async function heldFindings(files: readonly string[]): Promise<AcceptedFinding[]> {
  const r = await reconcileStudy(files, EXPECTED, REQUESTED, reconcileOptions());
  if (r.decision !== 'quarantine') throw new Error('expected quarantine');
  return acceptedFindingsOf(r.reasons);
}

const codesOf = (r: ReconcileResult) => (r.decision === 'quarantine' ? r.reasons.map((x) => x.code) : []);

describe('reconcile with accepted findings (a release after an analyst checked them)', () => {
  test('exactly the accepted findings: imported, with the findings it was released with', async () => {
    const s = study({ patient: { ...SENDER, name: 'MAIDEN^ALPHA' }, instances: 3 });
    const accepted = await heldFindings(s.files);
    expect(accepted.map((f) => [f.code, f.against])).toEqual([
      ['PATIENT_NAME_MISMATCH', 'pas'],
      ['PATIENT_NAME_MISMATCH', 'request'],
    ]);
    const r = await reconcileStudy(s.files, EXPECTED, REQUESTED, reconcileOptions({ acceptedFindings: accepted }));
    expect(r.decision).toBe('import');
    if (r.decision !== 'import') return;
    expect(r.instances).toHaveLength(3);
    expect(r.releasedFindings?.map((f) => f.code)).toEqual(['PATIENT_NAME_MISMATCH', 'PATIENT_NAME_MISMATCH']);
  });

  test('the same delivery downloaded again (other paths, same findings) still passes', async () => {
    const patient = { ...SENDER, birthDate: '19800110' };
    const first = study({ patient });
    const accepted = await heldFindings(first.files);
    const again = study({ patient });
    expect((await reconcileStudy(again.files, EXPECTED, REQUESTED, reconcileOptions({ acceptedFindings: accepted }))).decision).toBe('import');
  });

  test('a different value of the same field is a different finding: held again', async () => {
    const accepted = await heldFindings(study({ patient: { ...SENDER, name: 'MAIDEN^ALPHA' } }).files);
    const other = study({ patient: { ...SENDER, name: 'OTHERNAME^ALPHA' } });
    const r = await reconcileStudy(other.files, EXPECTED, REQUESTED, reconcileOptions({ acceptedFindings: accepted }));
    expect(codesOf(r)).toEqual(['PATIENT_NAME_MISMATCH', 'PATIENT_NAME_MISMATCH']);
  });

  test('an extra finding beyond the accepted ones: held again, with every reason', async () => {
    const accepted = await heldFindings(study({ patient: { ...SENDER, name: 'MAIDEN^ALPHA' } }).files);
    const worse = study({ patient: { ...SENDER, name: 'MAIDEN^ALPHA', birthDate: '19800110' } });
    const r = await reconcileStudy(worse.files, EXPECTED, REQUESTED, reconcileOptions({ acceptedFindings: accepted }));
    expect(r.decision).toBe('quarantine');
    expect(new Set(codesOf(r))).toEqual(new Set(['PATIENT_NAME_MISMATCH', 'BIRTH_DATE_MISMATCH']));
  });

  test('a finding that went away is a changed delivery: held (the analyst looks again)', async () => {
    const accepted = await heldFindings(study({ patient: { ...SENDER, name: 'MAIDEN^ALPHA', birthDate: '19800110' } }).files);
    const fewer = study({ patient: { ...SENDER, name: 'MAIDEN^ALPHA' } });
    expect((await reconcileStudy(fewer.files, EXPECTED, REQUESTED, reconcileOptions({ acceptedFindings: accepted }))).decision).toBe('quarantine');
  });

  test('a second patient added to the delivery is never released', async () => {
    const s = study({ patient: { ...SENDER, name: 'MAIDEN^ALPHA' } });
    const accepted = await heldFindings(s.files);
    const stranger = study({ patient: { ...SENDER, name: 'MAIDEN^ALPHA', id: 'RXX999', nhsNumber: NHS[3] } });
    const r = await reconcileStudy([...s.files, ...stranger.files], EXPECTED, REQUESTED, reconcileOptions({ acceptedFindings: accepted }));
    expect(codesOf(r)).toContain('MULTIPLE_PATIENTS');
  });

  test('a study nobody asked for is never released, whatever is passed as accepted', async () => {
    const s = study({ studyDate: '2026-01-20' });
    const r1 = await reconcileStudy(s.files, EXPECTED, REQUESTED, reconcileOptions());
    if (r1.decision !== 'quarantine') throw new Error('expected quarantine');
    const forged = acceptedFindingsOf(r1.reasons);
    expect(forged.map((f) => f.code)).toEqual(['STUDY_NOT_REQUESTED']);
    expect((await reconcileStudy(s.files, EXPECTED, REQUESTED, reconcileOptions({ acceptedFindings: forged }))).decision).toBe('quarantine');
  });

  test('no accepted findings: a mismatch is held as before', async () => {
    const s = study({ patient: { ...SENDER, name: 'MAIDEN^ALPHA' } });
    expect((await reconcileStudy(s.files, EXPECTED, REQUESTED, reconcileOptions({ acceptedFindings: [] }))).decision).toBe('quarantine');
  });
});

describe('which findings a person may release', () => {
  const f = (code: QuarantineCode): AcceptedFinding => ({ code, text: code });
  test.each(RELEASABLE_CODES)('%s alone is releasable', (code) => {
    expect(isReleasable([f(code)])).toBe(true);
  });
  test.each<QuarantineCode>([
    'MULTIPLE_PATIENTS',
    'STUDY_NOT_REQUESTED',
    'UNREADABLE_INSTANCE',
    'MEDIA_INCOMPLETE',
    'FIX_UP_FAILED',
    'GARBLED_IDENTITY',
    'MISSING_IDENTITY',
    'LOCAL_ID_MISMATCH',
    'REQUEST_PAS_MISMATCH',
    'PATIENT_NOT_ON_PAS',
    'NO_INSTANCES',
    'DUPLICATE_INSTANCE',
    'INCONSISTENT_STUDY',
  ])('%s is not, even beside a name mismatch', (code) => {
    expect(isReleasable([f(code)])).toBe(false);
    expect(isReleasable([f('PATIENT_NAME_MISMATCH'), f(code)])).toBe(false);
    expect(findingsMatchAccepted([f(code)], [f(code)])).toBe(false);
  });
  test('nothing found is nothing to release', () => {
    expect(isReleasable([])).toBe(false);
  });
});

describe('findingsVersion', () => {
  const a: AcceptedFinding = { code: 'PATIENT_NAME_MISMATCH', field: 'patientName', against: 'request', text: 'x' };
  const b: AcceptedFinding = { code: 'BIRTH_DATE_MISMATCH', field: 'birthDate', against: 'pas', text: 'y' };
  test('the same findings in any order and repeats give the same version; another salt or text another', () => {
    expect(findingsVersion('s1', [a, b])).toBe(findingsVersion('s1', [b, a, b]));
    expect(findingsVersion('s1', [a, b])).not.toBe(findingsVersion('s2', [a, b]));
    expect(findingsVersion('s1', [a, b])).not.toBe(findingsVersion('s1', [a, { ...b, text: 'z' }]));
    expect(findingsVersion('s1', [a])).toMatch(/^[0-9a-f]{20}$/);
  });
});
