import fc from 'fast-check';
import { toLocalDate, type NhsNumber } from '../../../domain';
import type { IepClient, IepInstitution } from '../../../integrations/iep';
import { engineExamsOf, iepExamsOf, iepPatientOf, iepPollDelayMs, modalityOf, resolveInstitution } from '../../../workers/iepMapping';
import { PermanentStepError } from '../../../workers/stepOutcome';

const patient = { sNumber: 'S1234567', nhsNumber: '9990000018' as NhsNumber, familyName: 'TESTPATIENT', givenName: 'Alex Jo', birthDate: toLocalDate('1970-01-31') };

describe('mapping a request for IEP and the DICOM engine', () => {
  it('modalityOf reads the modality a description starts with, and guesses nothing else', () => {
    expect(modalityOf('CT head')).toBe('CT');
    expect(modalityOf('MRI lumbar spine')).toBe('MR');
    expect(modalityOf('mr knee')).toBe('MR');
    expect(modalityOf('Ultrasound abdomen')).toBe('US');
    expect(modalityOf('PET-CT')).toBe('PT');
    expect(modalityOf('X-ray chest')).toBeUndefined(); // CR or DX: not guessed
    expect(modalityOf('Chest CT')).toBeUndefined(); // not at the start
    expect(modalityOf(undefined)).toBeUndefined();
  });

  it('exam lines for IEP carry date, description, modality when sure, and code when known', () => {
    expect(iepExamsOf([{ date: toLocalDate('2026-01-10'), description: 'CT head', examCode: 'CTHEAD' }, { date: toLocalDate('2026-01-11'), description: 'X-ray chest' }])).toEqual([
      { studyDate: '2026-01-10', description: 'CT head', modality: 'CT', examCode: 'CTHEAD' },
      { studyDate: '2026-01-11', description: 'X-ray chest' },
    ]);
    expect(engineExamsOf([{ date: '2026-01-10', description: 'MRI brain' }, { date: '2026-01-12' }])).toEqual([{ date: '2026-01-10', modality: 'MR' }, { date: '2026-01-12' }]);
  });

  it('the IEP patient: our S number only on transfers, the address as lines, the no-NHS-number reason only without one', () => {
    expect(iepPatientOf(patient, { withLocalId: false })).toEqual({ nhsNumber: '9990000018', familyName: 'TESTPATIENT', givenNames: ['Alex', 'Jo'], birthDate: '1970-01-31' });
    expect(iepPatientOf(patient, { withLocalId: true })).toMatchObject({ patientId: 'S1234567' });
    const { nhsNumber: _n, ...none } = patient;
    expect(iepPatientOf({ ...none, address: '1 Street\n\n Leicester ' }, { withLocalId: true, noNhsNumberReason: 'unknown patient' })).toEqual({
      patientId: 'S1234567',
      noNhsNumberReason: 'unknown patient',
      familyName: 'TESTPATIENT',
      givenNames: ['Alex', 'Jo'],
      birthDate: '1970-01-31',
      address: { lines: ['1 Street', 'Leicester'] },
    });
    expect(iepPatientOf(patient, { withLocalId: true, noNhsNumberReason: 'x' })).not.toHaveProperty('noNhsNumberReason');
  });

  it('re-checks IEP often at first and less as a step drags on; Blue Light and trauma stay frequent', () => {
    expect(iepPollDelayMs(0, false, 30_000, 600_000)).toBe(30_000);
    expect(iepPollDelayMs(20 * 60_000, false, 30_000, 600_000)).toBe(300_000);
    expect(iepPollDelayMs(10 * 3600_000, false, 30_000, 600_000)).toBe(600_000);
    expect(iepPollDelayMs(10 * 3600_000, true, 30_000, 600_000)).toBe(60_000);
    fc.assert(
      fc.property(fc.nat(), fc.boolean(), (since, urgent) => {
        const d = iepPollDelayMs(since, urgent, 30_000, 600_000);
        return d >= 30_000 && d <= 600_000;
      }),
    );
  });

  describe('resolveInstitution', () => {
    const directory: IepInstitution[] = [
      { id: 'nuh', name: 'Nottingham University Hospitals', deliveryNodes: ['NUH Radiology PACS'] },
      { id: 'nuh-qmc', name: "Queen's Medical Centre [Nottingham University Hospitals]", deliveryNodes: [] },
      { id: 'kgh', name: 'Kettering General Hospital', deliveryNodes: ['KGH PACS'] },
    ];
    // An in-memory directory: this is a unit test of our choice rule, not of the IEP client.
    const iep = { searchInstitutions: async (name: string) => directory.filter((i) => i.name.toLowerCase().includes(name.toLowerCase())) } as unknown as IepClient;

    it('takes the exact name (case and spaces aside), or the only match', async () => {
      expect((await resolveInstitution(iep, 'nottingham  university hospitals', undefined)).id).toBe('nuh');
      expect((await resolveInstitution(iep, 'Kettering', undefined)).id).toBe('kgh');
    });

    it('refuses to guess between several, or when there is none: permanent, for an analyst', async () => {
      await expect(resolveInstitution(iep, 'Nottingham', undefined)).rejects.toBeInstanceOf(PermanentStepError);
      await expect(resolveInstitution(iep, 'Nowhere General', undefined)).rejects.toMatchObject({ code: 'ORGANISATION_NOT_ON_IEP' });
      await expect(resolveInstitution(iep, undefined, undefined)).rejects.toMatchObject({ code: 'NO_ORGANISATION' });
    });
  });
});
