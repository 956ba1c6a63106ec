import fc from 'fast-check';
import { DEFAULT_LOCAL_ID_PATTERN, normaliseLocalPatientId } from '../../../domain/localPatientId';

describe('local patient id (S number)', () => {
  it('accepts S + 7 digits in any case, stored upper-case', () => {
    fc.assert(
      fc.property(fc.constantFrom('S', 's'), fc.stringMatching(/^\d{7}$/), fc.constantFrom('', ' ', '  '), (s, digits, pad) => {
        expect(normaliseLocalPatientId(`${pad}${s}${digits}${pad}`)).toBe(`S${digits}`);
      }),
    );
  });

  it('refuses anything that is not exactly S + 7 digits', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), (text) => {
        const compact = text.replace(/\s+/g, '').toUpperCase();
        expect(normaliseLocalPatientId(text) !== undefined).toBe(/^S[0-9]{7}$/.test(compact));
      }),
      { numRuns: 5000 },
    );
    for (const bad of ['S123456', 'S12345678', '1234567', 'T1234567', 'S123456A', 'SS1234567', 'S1234567X']) {
      expect(normaliseLocalPatientId(bad)).toBeUndefined();
    }
  });

  it('takes a configured pattern, matched in full and case-insensitively', () => {
    const rwes = /RWE\d{6}/;
    expect(normaliseLocalPatientId('rwe123456', rwes)).toBe('RWE123456');
    expect(normaliseLocalPatientId('XRWE123456', rwes)).toBeUndefined();
    expect(normaliseLocalPatientId('RWE1234567', rwes)).toBeUndefined();
    expect(normaliseLocalPatientId('S1234567', rwes)).toBeUndefined();
  });

  it('gives the same answer every time even for a global (stateful) pattern', () => {
    const global = /S\d{7}/g;
    const answers = [1, 2, 3, 4].map(() => normaliseLocalPatientId('S1234567', global));
    expect(answers).toEqual(['S1234567', 'S1234567', 'S1234567', 'S1234567']);
    expect(DEFAULT_LOCAL_ID_PATTERN.test('S1234567')).toBe(true);
  });
});
