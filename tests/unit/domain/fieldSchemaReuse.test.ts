import { toLocalDate } from '../../../domain/localDate';
import { validateImportRequest } from '../../../domain/validation';
import { birthDate, localIdField, requiredText } from '../../../domain/validation/fields';
import { importForm } from './formFixtures';

/**
 * The field schemas are built once per distinct arguments and reused (domain/validation/fields.ts, for the bot's
 * latency). Reuse must never leak one call's settings into another's: a different "today" or id pattern gets its
 * own schema and its own answer, in any order.
 */
describe('field schemas reused across calls', () => {
  it('gives the same schema for the same arguments and a different one for different arguments', () => {
    const a = requiredText({ missing: 'Enter it.', max: 10 });
    expect(requiredText({ missing: 'Enter it.', max: 10 })).toBe(a);
    expect(requiredText({ missing: 'Enter it.', max: 11 })).not.toBe(a);
    expect(requiredText({ missing: 'Enter that.', max: 10 })).not.toBe(a);
    expect(requiredText({ missing: 'Enter it.', max: 10, multiline: true })).not.toBe(a);
    expect(localIdField(/^RWE\d{6}$/i, 'RWE and 6 digits')).not.toBe(localIdField(/^RWE\d{7}$/i, 'RWE and 6 digits'));
  });

  it('judges a date of birth against the today it is given, whatever came before', () => {
    const dob = '2026-06-20';
    expect(birthDate(toLocalDate('2026-06-15')).safeParse(dob).success).toBe(false);
    expect(birthDate(toLocalDate('2026-06-25')).safeParse(dob).success).toBe(true);
    expect(birthDate(toLocalDate('2026-06-15')).safeParse(dob).success).toBe(false);
  });

  it('checks the local patient id against the pattern of each call, alternating', () => {
    const rwe = { today: toLocalDate('2026-06-15'), localIdPattern: /^RWE\d{6}$/i, localIdDescription: 'RWE followed by 6 digits' };
    const plain = { today: toLocalDate('2026-06-15') };
    for (let i = 0; i < 3; i += 1) {
      expect(validateImportRequest(importForm({ sNumber: 'rwe123456' }), rwe).ok).toBe(true);
      const refused = validateImportRequest(importForm({ sNumber: 'rwe123456' }), plain);
      expect(refused.ok).toBe(false);
      if (!refused.ok) expect(refused.errors.map((e) => e.field)).toEqual(['sNumber']);
      expect(validateImportRequest(importForm(), plain).ok).toBe(true);
      const wrong = validateImportRequest(importForm(), rwe);
      expect(wrong.ok).toBe(false);
      if (!wrong.ok) expect(wrong.errors[0]?.message).toContain('RWE followed by 6 digits');
    }
  });
});
