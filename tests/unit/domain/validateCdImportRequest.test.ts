import { validateCdImportRequest, validationMessages as m } from '../../../domain/validation';
import { ctx, cdForm, errorFor } from './formFixtures';

describe('validateCdImportRequest', () => {
  it('accepts a complete form; a study may be named by CRIS code alone', () => {
    const result = validateCdImportRequest(cdForm(), ctx);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value).toEqual(
      expect.objectContaining({
        kind: 'cdImport',
        exams: [{ date: '2026-04-20', examCode: 'MBRAI' }],
        cdCount: 2,
        internalPostAddress: 'Ward 7, Leicester Royal Infirmary',
        urgent: false,
      }),
    );
  });

  it('needs a description or a code for each study', () => {
    const result = validateCdImportRequest(cdForm({ 'exams[0].examCode': '' , 'exams[0].date': '2026-04-20' }), ctx);
    expect(errorFor(result, 'exams[0].description')).toBe(m.cdStudyDescriptionOrCode);
    expect(validateCdImportRequest(cdForm({ 'exams[0].examCode': '', 'exams[0].description': 'MRI brain' }), ctx).ok).toBe(true);
  });

  it('needs the number of CDs (1-20) and the internal post address', () => {
    for (const bad of ['', '0', '21', '1.5', 'two']) {
      expect(errorFor(validateCdImportRequest(cdForm({ cdCount: bad }), ctx), 'cdCount')).toBe(m.cdCountInvalid(20));
    }
    expect(validateCdImportRequest(cdForm({ cdCount: 3 }), ctx).ok).toBe(true);
    expect(errorFor(validateCdImportRequest(cdForm({ internalPostAddress: ' ' }), ctx), 'internalPostAddress')).toBe(m.internalPostAddressMissing);
  });

  it('records urgency from the toggle, and asks for the address without an NHS number', () => {
    const urgent = validateCdImportRequest(cdForm({ urgent: 'true' }), ctx);
    expect(urgent.ok && urgent.value.urgent).toBe(true);
    expect(errorFor(validateCdImportRequest(cdForm({ nhsNumber: '' }), ctx), 'address')).toBe(m.addressNeededWithoutNhsNumber);
  });
});
