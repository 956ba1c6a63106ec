import { validateImportRequest, validationMessages as m } from '../../../domain/validation';
import { ctx, errorFor, importForm } from './formFixtures';

describe('validateImportRequest', () => {
  it('accepts a complete form and returns the typed request', () => {
    const result = validateImportRequest(importForm(), ctx);
    expect(result).toEqual({
      ok: true,
      value: {
        kind: 'import',
        patient: { sNumber: 'S1234567', nhsNumber: '9990000018', familyName: 'Testpatient', givenName: 'Alex', birthDate: '1970-04-01' },
        exams: [
          { date: '2026-05-02', description: 'CT head', examCode: 'CCTHE' },
          { date: '2026-05-03', description: 'X-ray left wrist' },
        ],
        sourceOrganisation: 'Kettering General Hospital NHS Foundation Trust',
        priority: 'standard',
        priorityReason: 'outpatientAppointment',
        requiredBy: '2026-06-30',
        clinician: { requestingClinician: 'Dr Jo Example', consultant: 'Dr Sam Consultant', department: 'Orthopaedics' },
        requester: { name: 'Dr Jo Example', email: 'jo.example@nhs.example', phone: 'ext 18000' },
      },
    });
  });

  it('accepts exams as a nested array too', () => {
    const form = importForm({ 'exams[0].date': '', 'exams[0].description': '', 'exams[0].examCode': '', 'exams[1].date': '', 'exams[1].description': '' });
    const result = validateImportRequest({ ...form, exams: [{ date: '2026-01-05', description: 'CT chest' }] }, ctx);
    expect(result.ok && result.value.exams).toEqual([{ date: '2026-01-05', description: 'CT chest' }]);
  });

  it('refuses a form that is not an object', () => {
    expect(validateImportRequest('hello', ctx)).toEqual({ ok: false, errors: [{ field: 'form', message: m.formMissing }] });
    expect(validateImportRequest(null, ctx).ok).toBe(false);
  });

  it('reports every problem at once, each against its own input id', () => {
    const result = validateImportRequest({}, ctx);
    expect(result.ok).toBe(false);
    const fields = result.ok ? [] : result.errors.map((e) => e.field);
    expect(fields).toEqual(
      expect.arrayContaining(['sNumber', 'familyName', 'givenName', 'birthDate', 'address', 'exams', 'sourceOrganisation', 'priority',
        'priorityReason', 'requiredBy', 'requestingClinician', 'consultant', 'department', 'requesterName', 'requesterEmail', 'requesterPhone']),
    );
    expect(fields).not.toContain('nhsNumber'); // optional
  });

  it('explains an invalid NHS number (check digit) and a wrong-length one', () => {
    expect(errorFor(validateImportRequest(importForm({ nhsNumber: '999 000 0019' }), ctx), 'nhsNumber')).toBe(m.nhsNumberCheckDigit);
    expect(errorFor(validateImportRequest(importForm({ nhsNumber: '99900001' }), ctx), 'nhsNumber')).toBe(m.nhsNumberFormat);
  });

  it('asks for the address when there is no NHS number, and not otherwise', () => {
    const without = validateImportRequest(importForm({ nhsNumber: '', address: '' }), ctx);
    expect(errorFor(without, 'address')).toBe(m.addressNeededWithoutNhsNumber);
    const withAddress = validateImportRequest(importForm({ nhsNumber: ' ', address: '1 Test Street\r\nLeicester\r\nLE1 5WW' }), ctx);
    expect(withAddress.ok && withAddress.value.patient).toEqual(
      expect.objectContaining({ address: '1 Test Street\nLeicester\nLE1 5WW' }),
    );
    expect(withAddress.ok && 'nhsNumber' in withAddress.value.patient).toBe(false);
  });

  it('explains a bad S number', () => {
    expect(errorFor(validateImportRequest(importForm({ sNumber: 'S12345' }), ctx), 'sNumber')).toBe(
      m.localIdInvalid('the letter S followed by 7 digits, for example S1234567'),
    );
  });

  it('refuses a future date of birth, an age over 130, and a non-date', () => {
    expect(errorFor(validateImportRequest(importForm({ birthDate: '2026-06-16' }), ctx), 'birthDate')).toBe(m.birthDateInFuture);
    expect(errorFor(validateImportRequest(importForm({ birthDate: '1895-06-15' }), ctx), 'birthDate')).toBe(m.birthDateTooOld);
    expect(validateImportRequest(importForm({ birthDate: '1895-06-16' }), ctx).ok).toBe(true); // 130, 131 tomorrow
    expect(errorFor(validateImportRequest(importForm({ birthDate: '2026-02-30' }), ctx), 'birthDate')).toBe(m.dateInvalid);
    expect(validateImportRequest(importForm({ birthDate: '2026-06-15', 'exams[0].date': '2026-06-15', 'exams[1].date': '2026-06-15' }), ctx).ok).toBe(true);
  });

  it('refuses "all imaging" and friends with the guideline words, against the right row', () => {
    for (const vague of ['All imaging', 'all studies please', 'Everything', 'any previous scans', 'ALL IMAGES', 'whole imaging history']) {
      const result = validateImportRequest(importForm({ 'exams[1].description': vague }), ctx);
      expect(errorFor(result, 'exams[1].description')).toBe(m.examBlanket);
    }
    expect(m.examBlanket).toContain('It is essential to state each examination and date of scan required');
  });

  it('needs at least one exam, each with date and type; dates not in the future nor before birth', () => {
    const none = importForm({ 'exams[0].date': '', 'exams[0].description': '', 'exams[0].examCode': '', 'exams[1].date': '', 'exams[1].description': '' });
    expect(errorFor(validateImportRequest(none, ctx), 'exams')).toBe(m.examsMissing);
    expect(errorFor(validateImportRequest(importForm({ 'exams[2].examCode': 'XCHES' }), ctx), 'exams[2].date')).toBe(m.examDateMissing);
    expect(errorFor(validateImportRequest(importForm({ 'exams[2].examCode': 'XCHES' }), ctx), 'exams[2].description')).toBe(m.examDescriptionMissing);
    expect(errorFor(validateImportRequest(importForm({ 'exams[1].date': '2026-06-16' }), ctx), 'exams[1].date')).toBe(m.examDateInFuture);
    expect(errorFor(validateImportRequest(importForm({ 'exams[0].date': '1969-12-31' }), ctx), 'exams[0].date')).toBe(m.examDateBeforeBirth);
  });

  it('limits the number of exams', () => {
    const many: Record<string, string> = {};
    for (let i = 0; i < 21; i++) {
      many[`exams[${i}].date`] = '2026-01-01';
      many[`exams[${i}].description`] = `CT scan ${i}`;
    }
    expect(errorFor(validateImportRequest(importForm(many), ctx), 'exams')).toBe(m.examsTooMany(20));
  });

  it('allows Blue Light only with the emergency reason, and that reason only with Blue Light', () => {
    expect(errorFor(validateImportRequest(importForm({ priority: 'blueLight', priorityReason: 'mdtReferral' }), ctx), 'priority')).toBe(m.blueLightWrongReason);
    expect(errorFor(validateImportRequest(importForm({ priority: 'standard', priorityReason: 'blueLightEmergency' }), ctx), 'priorityReason')).toBe(
      m.blueLightReasonNotBlueLight,
    );
    expect(validateImportRequest(importForm({ priority: 'blueLight', priorityReason: 'blueLightEmergency' }), ctx).ok).toBe(true);
  });

  it('lets imports be Batch (overnight) and lists the three choices when the priority is missing', () => {
    expect(validateImportRequest(importForm({ priority: 'batch', priorityReason: 'research' }), ctx).ok).toBe(true);
    expect(errorFor(validateImportRequest(importForm({ priority: '' }), ctx), 'priority')).toBe(m.priorityMissing('Blue Light, Standard or Batch (overnight)'));
    expect(errorFor(validateImportRequest(importForm({ priority: 'urgent' }), ctx), 'priority')).toBe(m.priorityMissing('Blue Light, Standard or Batch (overnight)'));
  });

  it('needs a few words when the reason is Other', () => {
    expect(errorFor(validateImportRequest(importForm({ priorityReason: 'other' }), ctx), 'priorityReasonDetail')).toBe(m.priorityReasonDetailMissing);
    const ok = validateImportRequest(importForm({ priorityReason: 'other', priorityReasonDetail: 'Second opinion' }), ctx);
    expect(ok.ok && ok.value.priorityReasonDetail).toBe('Second opinion');
  });

  it('needs a date required by, not in the past', () => {
    expect(errorFor(validateImportRequest(importForm({ requiredBy: '' }), ctx), 'requiredBy')).toBe(m.requiredByMissing);
    expect(errorFor(validateImportRequest(importForm({ requiredBy: '2026-06-14' }), ctx), 'requiredBy')).toBe(m.requiredByInPast);
    expect(validateImportRequest(importForm({ requiredBy: '2026-06-15' }), ctx).ok).toBe(true);
  });

  it('needs the source trust in full, and the clinician, consultant, department and contact details', () => {
    expect(errorFor(validateImportRequest(importForm({ sourceOrganisation: 'KGH' }), ctx), 'sourceOrganisation')).toBe(m.organisationInFull);
    expect(errorFor(validateImportRequest(importForm({ consultant: '  ' }), ctx), 'consultant')).toBe(m.consultantMissing);
    expect(errorFor(validateImportRequest(importForm({ department: '' }), ctx), 'department')).toBe(m.departmentMissing);
    expect(errorFor(validateImportRequest(importForm({ requestingClinician: undefined }), ctx), 'requestingClinician')).toBe(m.clinicianMissing);
    expect(errorFor(validateImportRequest(importForm({ requesterEmail: 'jo.example' }), ctx), 'requesterEmail')).toBe(m.requesterEmailInvalid);
    expect(errorFor(validateImportRequest(importForm({ requesterPhone: 'call me' }), ctx), 'requesterPhone')).toBe(m.requesterPhoneInvalid);
    for (const phone of ['0116 496 0123', '+44 116 496 0123', 'x18000', 'bleep 4321', '07700 900123']) {
      expect(validateImportRequest(importForm({ requesterPhone: phone }), ctx).ok).toBe(true);
    }
  });

  it('cleans free text (control characters, bidi overrides) and limits its length', () => {
    const result = validateImportRequest(importForm({ comments: 'Please\u0007 call\u202e first\r\nThanks' }), ctx);
    expect(result.ok && result.value.comments).toBe('Please call first\nThanks');
    expect(errorFor(validateImportRequest(importForm({ comments: 'x'.repeat(1001) }), ctx), 'comments')).toBe(m.textTooLong(1000, 1001));
    expect(errorFor(validateImportRequest(importForm({ familyName: 'Smith<script>' }), ctx), 'familyName')).toBe(m.nameCharacters);
  });

  it('never echoes what was typed in a message', () => {
    const typed = { nhsNumber: '999 000 0019', sNumber: 'Q7654321', familyName: 'Zz9', birthDate: '2099-01-01' };
    const result = validateImportRequest(importForm(typed), ctx);
    const text = result.ok ? '' : result.errors.map((e) => e.message).join(' ');
    for (const value of Object.values(typed)) expect(text).not.toContain(value);
  });
});
