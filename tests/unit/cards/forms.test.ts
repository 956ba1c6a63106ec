import {
  CARD_VERBS,
  IEP_INSTITUTIONS_DATASET,
  renderCdImportForm,
  renderExportForm,
  renderImportForm,
  renderTraumaPatientForm,
  renderTraumaStudiesForm,
} from '../../../cards';
import { validateCdImportRequest, validateImportRequest, validationMessages } from '../../../domain';
import { filledImportValues, SAMPLE_STUDIES, SMALL_DIRECTORY, TODAY } from './cardSamples';
import { elementAfterInput, inputById, nodesOfType, submitData, texts, walk, type CardNode } from './cardTree';

const importForm = (extra: Partial<Parameters<typeof renderImportForm>[0]> = {}) =>
  renderImportForm({ today: TODAY, institutions: SMALL_DIRECTORY, ...extra });

/** The row containers (examRow0..19) with their visibility. */
function examRows(card: unknown): CardNode[] {
  const rows: CardNode[] = [];
  walk(card, (o) => {
    if (o.type === 'Container' && typeof o.id === 'string' && /^examRow\d+$/.test(o.id)) rows.push(o);
  });
  return rows;
}

describe('server-side validation re-render', () => {
  // Real domain errors, not hand-made ones: a form with several mistakes goes through the validator.
  const values = { ...filledImportValues(3), sNumber: 'S12', nhsNumber: '999 000 0019', 'exams[2].description': 'all imaging', requesterEmail: 'jo' };
  const result = validateImportRequest(values, { today: TODAY });
  if (result.ok) throw new Error('expected errors');
  const card = importForm({ values, errors: result.errors });

  it('shows each error directly under its field, prefixed "Error:"', () => {
    expect(result.errors.map((e) => e.field).sort()).toEqual(['exams[2].description', 'nhsNumber', 'requesterEmail', 'sNumber']);
    for (const e of result.errors) {
      const next = elementAfterInput(card, e.field);
      expect(next?.type).toBe('TextBlock');
      expect(next?.text).toBe(`Error: ${e.message}`);
      expect(next?.color).toBe('Attention');
    }
  });

  it('shows no error text under fields without errors', () => {
    for (const id of ['familyName', 'givenName', 'birthDate', 'exams[0].date', 'requesterPhone']) {
      expect(elementAfterInput(card, id)?.text ?? '').not.toMatch(/^Error/);
    }
  });

  it('keeps every value typed, unchanged, in its input', () => {
    for (const [id, value] of Object.entries(values)) {
      if (id === 'verb' || value === '') continue;
      expect([id, inputById(card, id)?.value]).toEqual([id, value]);
    }
    expect(inputById(card, 'address')?.value).toBeUndefined();
  });

  it('lists every error in a summary at the top, with the field named', () => {
    const body = card.body as CardNode[];
    const summary = body.find((b) => b.id === 'errorSummary');
    expect(summary).toBeDefined();
    const firstInput = body.findIndex((b) => typeof b.type === 'string' && b.type.startsWith('Input.'));
    expect(body.indexOf(summary as CardNode)).toBeLessThan(firstInput);
    const lines = (summary?.items as CardNode[]).map((t) => String(t.text));
    expect(lines[0]).toBe('Error: 4 answers need your attention');
    expect(lines).toContain(`• Exam 3: Type of study and body part: ${validationMessages.examBlanket}`);
    expect(lines).toContain(`• Hospital number (S number): ${validationMessages.localIdInvalid('the letter S followed by 7 digits, for example S1234567')}`);
  });

  it('a fresh form has no summary and no error text', () => {
    const fresh = importForm();
    expect((fresh.body as CardNode[]).some((b) => b.id === 'errorSummary')).toBe(false);
    expect(texts(fresh).some((t) => t.startsWith('Error'))).toBe(false);
  });

  it('keeps the formId across a re-render when it is passed back, and makes one otherwise', () => {
    const again = importForm({ values, errors: result.errors, formId: 'f-abc' });
    expect(submitData(again)[0]).toEqual({ verb: CARD_VERBS.submitImport, formId: 'f-abc' });
    const a = submitData(importForm())[0]?.formId;
    const b = submitData(importForm())[0]?.formId;
    expect(typeof a).toBe('string');
    expect(a).not.toBe(b);
  });
});

describe('exam rows', () => {
  it('shows 2 rows by default out of 20, with "Add another exam" revealing the next one', () => {
    const rows = examRows(importForm());
    expect(rows).toHaveLength(20);
    expect(rows.map((r) => r.isVisible)).toEqual([true, true, ...Array(18).fill(false)]);
    // The button under row 2 (index 1) shows row 3 and hides itself; row 1's button is hidden.
    const actionSets = nodesOfType(importForm(), 'ActionSet').filter((a) => String(a.id).startsWith('examAdd'));
    expect(actionSets).toHaveLength(19);
    const add1 = actionSets.find((a) => a.id === 'examAdd1') as CardNode;
    expect(add1.isVisible).toBe(true);
    expect(actionSets.find((a) => a.id === 'examAdd0')?.isVisible).toBe(false);
    const toggle = (add1.actions as CardNode[])[0] as CardNode;
    expect(toggle).toMatchObject({
      type: 'Action.ToggleVisibility',
      title: 'Add another exam',
      targetElements: [
        { elementId: 'examRow2', isVisible: true },
        { elementId: 'examAdd1', isVisible: false },
      ],
    });
  });

  it('the 20th row has no add button and says 20 is the most', () => {
    const last = examRows(importForm())[19] as CardNode;
    const items = last.items as CardNode[];
    expect(items.some((i) => i.type === 'ActionSet')).toBe(false);
    expect(items.map((i) => String(i.text ?? ''))).toContain('20 is the most in one request. Send another request for the rest.');
  });

  it('shows every row that holds a value or an error, and honours examRows', () => {
    expect(examRows(importForm({ values: { 'exams[6].date': '2026-01-01' } })).filter((r) => r.isVisible)).toHaveLength(7);
    expect(examRows(importForm({ errors: [{ field: 'exams[4].description', message: 'x' }] })).filter((r) => r.isVisible)).toHaveLength(5);
    expect(examRows(importForm({ examRows: 5 })).filter((r) => r.isVisible)).toHaveLength(5);
    expect(examRows(importForm({ examRows: 50 })).filter((r) => r.isVisible)).toHaveLength(20);
  });

  it('the date of birth\'s own check says what is wrong for a future date too (one errorMessage covers both checks)', () => {
    const dob = inputById(importForm(), 'birthDate');
    expect(dob?.isRequired).toBe(true);
    expect(dob?.max).toBe(TODAY);
    expect(String(dob?.errorMessage)).toMatch(/date of birth/);
    expect(String(dob?.errorMessage)).toMatch(/cannot be in the future/);
  });

  it('requires the first row only (the domain skips empty rows and needs one)', () => {
    const card = importForm();
    expect(inputById(card, 'exams[0].date')?.isRequired).toBe(true);
    expect(inputById(card, 'exams[0].description')?.isRequired).toBe(true);
    expect(inputById(card, 'exams[1].date')?.isRequired).toBe(false);
    expect(inputById(card, 'exams[0].date')?.max).toBe(TODAY);
  });

  it('CD form: description or CRIS code, so neither is required; labels say so', () => {
    const card = renderCdImportForm({ today: TODAY });
    expect(inputById(card, 'exams[0].description')?.isRequired).toBe(false);
    expect(inputById(card, 'exams[0].description')?.label).toBe('Exam 1: Full study description');
    expect(inputById(card, 'exams[0].examCode')?.label).toBe('Exam 1: CRIS exam code');
    // A CD form the card lets through with only a code is one the domain accepts.
    const submitted = {
      sNumber: 'S1234567', nhsNumber: '9990000018', familyName: 'Testpatient', givenName: 'Alex', birthDate: '1970-04-01',
      'exams[0].date': '2026-04-20', 'exams[0].examCode': 'mbrai', cdCount: '2', internalPostAddress: 'Ward 7, LRI', urgent: 'false',
      requesterName: 'Dr Jo Example', requesterEmail: 'jo@nhs.net', requesterPhone: 'x18000',
    };
    expect(validateCdImportRequest(submitted, { today: TODAY }).ok).toBe(true);
  });
});

describe('required fields and dates mirror the domain', () => {
  const card = importForm();
  it.each([
    ['sNumber', true], ['nhsNumber', false], ['familyName', true], ['givenName', true], ['birthDate', true], ['address', false],
    ['sourceOrganisation', true], ['priority', true], ['priorityReason', true], ['priorityReasonDetail', false], ['requiredBy', true],
    ['requestingClinician', true], ['consultant', true], ['department', true], ['requesterName', true], ['requesterEmail', true],
    ['requesterPhone', true], ['comments', false],
  ])('%s isRequired=%s', (id, required) => {
    expect(Boolean(inputById(card, id)?.isRequired)).toBe(required);
  });

  it('dates: birth and scan not after today, needed-by not before today', () => {
    expect(inputById(card, 'birthDate')).toMatchObject({ type: 'Input.Date', max: TODAY });
    expect(inputById(card, 'requiredBy')).toMatchObject({ type: 'Input.Date', min: TODAY });
  });

  it('every required input has an error message, and text inputs carry the domain limits', () => {
    for (const i of nodesOfType(card, 'Input.')) if (i.isRequired) expect(String(i.errorMessage ?? '')).not.toBe('');
    expect(inputById(card, 'familyName')?.maxLength).toBe(50);
    expect(inputById(card, 'comments')?.maxLength).toBe(1000);
  });

  it('export offers Blue Light and Standard only; import adds Batch', () => {
    const choices = (c: unknown) => ((inputById(c, 'priority')?.choices as CardNode[]) ?? []).map((x) => x.value);
    expect(choices(card)).toEqual(['blueLight', 'standard', 'batch']);
    expect(choices(renderExportForm({ today: TODAY, institutions: SMALL_DIRECTORY }))).toEqual(['blueLight', 'standard']);
    expect(((inputById(card, 'priorityReason')?.choices as CardNode[]) ?? []).map((x) => x.value)).toEqual([
      'blueLightEmergency', 'inpatientAdmission', 'mdtReferral', 'outpatientAppointment', 'research', 'other',
    ]);
  });
});

describe('trust picker', () => {
  it('type-ahead through Data.Query with a static fallback of the whole directory, A-Z', () => {
    const picker = inputById(importForm(), 'sourceOrganisation') as CardNode;
    expect(picker.style).toBe('filtered');
    expect(picker['choices.data']).toEqual({ type: 'Data.Query', dataset: IEP_INSTITUTIONS_DATASET });
    const titles = (picker.choices as CardNode[]).map((c) => c.title);
    expect(titles).toHaveLength(SMALL_DIRECTORY.length);
    expect(titles).toEqual([...titles].sort((a, b) => String(a).localeCompare(String(b), 'en-GB')));
    expect((picker.choices as CardNode[]).every((c) => c.title === c.value)).toBe(true);
  });

  it('keeps a chosen value that is not in the directory', () => {
    const picker = inputById(importForm({ values: { sourceOrganisation: 'Isle of Wight NHS Trust' } }), 'sourceOrganisation') as CardNode;
    expect(picker.value).toBe('Isle of Wight NHS Trust');
    expect((picker.choices as CardNode[]).map((c) => c.value)).toContain('Isle of Wight NHS Trust');
  });

  it('export picks the destination the same way', () => {
    const picker = inputById(renderExportForm({ today: TODAY, institutions: SMALL_DIRECTORY }), 'destinationOrganisation') as CardNode;
    expect(picker['choices.data']).toEqual({ type: 'Data.Query', dataset: IEP_INSTITUTIONS_DATASET });
  });
});

describe('CD form specifics', () => {
  it('cdCount is an Input.Number 1-20 and a typed number is kept as a number', () => {
    const card = renderCdImportForm({ today: TODAY, values: { cdCount: '3', urgent: 'true' } });
    expect(inputById(card, 'cdCount')).toMatchObject({ type: 'Input.Number', min: 1, max: 20, value: 3 });
    expect(inputById(card, 'urgent')).toMatchObject({ type: 'Input.Toggle', value: 'true', valueOn: 'true', valueOff: 'false' });
    expect(inputById(renderCdImportForm({ today: TODAY, values: { cdCount: 'two' } }), 'cdCount')?.value).toBeUndefined();
  });
});

describe('trauma forms', () => {
  it('step 1 asks for the local id with the configured pattern, NHS number, and reason', () => {
    const card = renderTraumaPatientForm({ localId: { pattern: /^RWE\d{6}$/, description: 'RWE followed by 6 digits, for example RWE123456', label: 'RWES number' } });
    expect(inputById(card, 'sNumber')).toMatchObject({ label: 'RWES number', isRequired: true });
    const regex = new RegExp(String(inputById(card, 'sNumber')?.regex));
    expect(regex.test('rwe 123456')).toBe(true);
    expect(regex.test('S1234567')).toBe(false);
    expect(submitData(card)).toEqual([expect.objectContaining({ verb: CARD_VERBS.traumaFindPatient })]);
  });

  it('step 2 offers the studies as an expanded multi-select, carries the identity, and confirms ED trauma', () => {
    const card = renderTraumaStudiesForm({
      today: TODAY,
      patient: { sNumber: 'S1234567', nhsNumber: '9990000018', familyName: 'Testpatient', givenName: 'Alex', birthDate: '1970-04-01' },
      studies: SAMPLE_STUDIES,
      formId: 'f-1',
    });
    const studies = inputById(card, 'studyInstanceUids') as CardNode;
    expect(studies).toMatchObject({ type: 'Input.ChoiceSet', isMultiSelect: true, style: 'expanded', isRequired: true });
    expect((studies.choices as CardNode[]).map((c) => c.value)).toEqual(SAMPLE_STUDIES.map((s) => s.studyInstanceUid));
    expect((studies.choices as CardNode[])[0]?.title).toBe('Mon 15 Jun 2026 02:41 · CT Trauma whole body with contrast · CT · 1843 images');
    expect(inputById(card, 'edTraumaConfirmed')).toMatchObject({ type: 'Input.Toggle', isRequired: true, errorMessage: validationMessages.edTraumaNotConfirmed });
    expect(inputById(card, 'attachReport')?.value).toBeUndefined();
    // Identity from PACS is shown, not asked again.
    expect(inputById(card, 'familyName')).toBeUndefined();
    const send = submitData(card).find((d) => d.verb === CARD_VERBS.submitTrauma);
    expect(send).toEqual({
      verb: 'submitTrauma', formId: 'f-1', sNumber: 'S1234567', nhsNumber: '9990000018', familyName: 'Testpatient', givenName: 'Alex',
      birthDate: '1970-04-01', destination: 'nuh',
    });
    const facts = JSON.stringify(card);
    for (const words of ['Nottingham University Hospitals', 'NUH Radiology PACS', 'Clinical emergency']) expect(facts).toContain(words);
  });

  it('step 2 asks for the name and date of birth when PACS had none; no studies means no Send', () => {
    const card = renderTraumaStudiesForm({ today: TODAY, patient: { sNumber: 'S1234567', noNhsNumberReason: 'unknown' }, studies: [] });
    expect(inputById(card, 'familyName')?.isRequired).toBe(true);
    expect(inputById(card, 'birthDate')).toMatchObject({ max: TODAY });
    expect(inputById(card, 'studyInstanceUids')).toBeUndefined();
    expect(submitData(card).map((d) => d.verb)).toEqual([CARD_VERBS.openTrauma]);
    expect(texts(card).join(' ')).toContain('No studies were found on PACS');
  });
});
