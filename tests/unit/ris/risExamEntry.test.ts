import { RisEntryInvalidError } from '../../../integrations/ris/errors';
import { parseRisExamEntry } from '../../../integrations/ris/risExamEntry';
import { examEntry } from './fixtures';

function invalid(mutate: (e: ReturnType<typeof examEntry>) => void): RisEntryInvalidError {
  const e = examEntry();
  mutate(e);
  try {
    parseRisExamEntry(e);
  } catch (err) {
    if (err instanceof RisEntryInvalidError) return err;
    throw err;
  }
  throw new Error('expected RisEntryInvalidError');
}

describe('parseRisExamEntry', () => {
  it('accepts the synthetic fixture entry unchanged', () => {
    expect(parseRisExamEntry(examEntry())).toEqual(examEntry());
  });

  it.each([
    ['an S number without the S', (e: ReturnType<typeof examEntry>) => { e.patient.sNumber = '1234567'; }, 'patient.sNumber'],
    ['an NHS number failing Modulus 11', (e: ReturnType<typeof examEntry>) => { e.patient.nhsNumber = '9990000019'; }, 'patient.nhsNumber'],
    ['a birth date that is not a calendar date', (e: ReturnType<typeof examEntry>) => { e.patient.birthDate = '1970-02-30'; }, 'patient.birthDate'],
    ['an acquisition date in DICOM form', (e: ReturnType<typeof examEntry>) => { e.acquisitionDate = '20240305'; }, 'acquisitionDate'],
    ['a time of 24:00', (e: ReturnType<typeof examEntry>) => { e.acquisitionTime = '24:00'; }, 'acquisitionTime'],
    ['an empty exam code', (e: ReturnType<typeof examEntry>) => { e.examCode = ''; }, 'examCode'],
    ['a lone surrogate in the name', (e: ReturnType<typeof examEntry>) => { e.patient.familyName = 'TEST\ud800'; }, 'patient.familyName'],
    ['an accession number with a space', (e: ReturnType<typeof examEntry>) => { e.accessionNumber = 'RWE 1'; }, 'accessionNumber'],
  ])('rejects %s as a permanent error naming the field', (_name, mutate, path) => {
    const err = invalid(mutate);
    expect(err.retryable).toBe(false);
    expect(err.code).toBe('RIS_ENTRY_INVALID');
    expect(err.fields.some((f) => f.startsWith(`${path}:`))).toBe(true);
    expect(err.message).toContain('IEP-2024-000123');
  });

  it('never puts the rejected values in the error', () => {
    const err = invalid((e) => {
      e.patient.sNumber = 'X9990000026';
      e.patient.nhsNumber = '9990000019';
      e.patient.birthDate = '1970-13-01';
      e.patient.familyName = 'TEST\ud800PATIENT';
    });
    const everything = JSON.stringify({ ...err, message: err.message });
    for (const secret of ['X9990000026', '9990000019', '1970-13-01', 'PATIENT']) expect(everything).not.toContain(secret);
  });

  it('leaves out a call reference that is itself invalid rather than quoting it', () => {
    const err = invalid((e) => { e.callRef = 'TESTPATIENT Alice'; });
    expect(err.message).not.toContain('Alice');
    expect(err.callRef).toBeUndefined();
  });
});
