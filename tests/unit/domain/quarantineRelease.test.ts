import { notificationKey, QUARANTINE_RELEASED_WHY, suspiciousAuditFacts } from '../../../domain';

describe('quarantine release in the domain', () => {
  it('a second quarantine card of one request (held again after a release) has its own notice key; the first keeps the old key', () => {
    const first = { topic: 'quarantined' as const, requestId: 'r1', status: 'quarantined' as const };
    expect(notificationKey(first)).toBe('channel:quarantined:r1:quarantined');
    expect(notificationKey({ ...first, occurrence: 'abc' })).toBe('channel:quarantined:r1:quarantined:abc');
    expect(notificationKey({ ...first, occurrence: 'def' })).not.toBe(notificationKey({ ...first, occurrence: 'abc' }));
  });
  it('the released why and the dicom.released facts carry no patient data', () => {
    expect(suspiciousAuditFacts({ why: QUARANTINE_RELEASED_WHY })).toEqual([]);
    expect(suspiciousAuditFacts({ codes: 'BIRTH_DATE_MISMATCH PATIENT_NAME_MISMATCH', findings: 3 })).toEqual([]);
  });
});
