import { validateTraumaRequest, validationMessages as m } from '../../../domain/validation';
import { ctx, errorFor, traumaForm } from './formFixtures';

describe('validateTraumaRequest', () => {
  it('accepts a complete form: destination NUH, studies from a multi-select, report attached', () => {
    const result = validateTraumaRequest(traumaForm(), ctx);
    expect(result).toEqual({
      ok: true,
      value: {
        kind: 'trauma',
        patient: { sNumber: 'S1234567', nhsNumber: '9990000018', familyName: 'Testpatient', givenName: 'Alex', birthDate: '1970-04-01' },
        destination: { id: 'nuh', organisation: 'Nottingham University Hospitals', deliveryNode: 'NUH Radiology PACS' },
        studyInstanceUids: ['1.2.826.0.1.3680043.8.498.1', '1.2.826.0.1.3680043.8.498.2'],
        attachReport: true,
        edTraumaConfirmed: true,
      },
    });
  });

  it('needs a reason when there is no NHS number, and does not ask for an address', () => {
    const without = validateTraumaRequest(traumaForm({ nhsNumber: '' }), ctx);
    expect(errorFor(without, 'noNhsNumberReason')).toBe(m.noNhsNumberReasonNeeded);
    expect(errorFor(without, 'address')).toBeUndefined();
    const withReason = validateTraumaRequest(traumaForm({ nhsNumber: '', noNhsNumberReason: 'Unknown patient, major trauma' }), ctx);
    expect(withReason.ok && withReason.value.noNhsNumberReason).toBe('Unknown patient, major trauma');
  });

  it('uses the configured local id pattern (the RWES number) and its description', () => {
    const rwes = { ...ctx, localIdPattern: /RWE\d{6}/, localIdDescription: 'RWE followed by 6 digits, for example RWE123456' };
    expect(validateTraumaRequest(traumaForm({ sNumber: 'rwe123456' }), rwes).ok).toBe(true);
    expect(errorFor(validateTraumaRequest(traumaForm(), rwes), 'sNumber')).toBe(m.localIdInvalid(rwes.localIdDescription));
  });

  it('needs at least one well-formed study UID, and removes duplicates', () => {
    expect(errorFor(validateTraumaRequest(traumaForm({ studyInstanceUids: '' }), ctx), 'studyInstanceUids')).toBe(m.studiesMissing);
    expect(errorFor(validateTraumaRequest(traumaForm({ studyInstanceUids: ['1.2.03'] }), ctx), 'studyInstanceUids')).toBe(m.studyUidInvalid);
    expect(errorFor(validateTraumaRequest(traumaForm({ studyInstanceUids: `1.${'2'.repeat(64)}` }), ctx), 'studyInstanceUids')).toBe(m.studyUidInvalid);
    const dup = validateTraumaRequest(traumaForm({ studyInstanceUids: ['1.2.3', '1.2.3'] }), ctx);
    expect(dup.ok && dup.value.studyInstanceUids).toEqual(['1.2.3']);
  });

  it('is for ED trauma patients only (2.1c) and knows only its listed destinations', () => {
    expect(errorFor(validateTraumaRequest(traumaForm({ edTraumaConfirmed: 'false' }), ctx), 'edTraumaConfirmed')).toBe(m.edTraumaNotConfirmed);
    expect(errorFor(validateTraumaRequest(traumaForm({ edTraumaConfirmed: undefined }), ctx), 'edTraumaConfirmed')).toBe(m.edTraumaNotConfirmed);
    expect(errorFor(validateTraumaRequest(traumaForm({ destination: 'leeds' }), ctx), 'destination')).toBe(m.destinationUnknown);
    expect(errorFor(validateTraumaRequest(traumaForm({ attachReport: 'maybe' }), ctx), 'attachReport')).toBe(m.toggleInvalid);
  });

  it('still checks the NHS number and date of birth', () => {
    expect(errorFor(validateTraumaRequest(traumaForm({ nhsNumber: '9990000000' }), ctx), 'nhsNumber')).toBe(m.nhsNumberCheckDigit);
    expect(errorFor(validateTraumaRequest(traumaForm({ birthDate: '2030-01-01' }), ctx), 'birthDate')).toBe(m.birthDateInFuture);
  });
});
