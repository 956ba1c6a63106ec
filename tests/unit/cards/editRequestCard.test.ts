import { CARD_VERBS, renderEditRequestCard } from '../../../cards';
import { PATIENT_IDENTIFIER_FIELDS } from '../../../domain';
import { HOSTILE_TEXT, SMALL_DIRECTORY, TODAY } from './cardSamples';
import { actionTitles, elementAfterInput, inputById, inputIds, submitData, texts } from './cardTree';

const base = {
  requestId: 'req-1',
  callRef: 'ITB-2026-000123',
  kind: 'import' as const,
  status: 'iepDeclined' as const,
  failureReason: 'declined by the sending organisation (studyNotHeld)',
  today: TODAY,
  institutions: SMALL_DIRECTORY,
};

describe('edit and re-send card (guideline 2.5b, Appendix 1 step 3)', () => {
  it('offers only what a decline is about, prefilled, and never a patient identifier', () => {
    const card = renderEditRequestCard({
      ...base,
      values: { 'exams[0].date': '2026-05-01', 'exams[0].description': 'CT head', sourceOrganisation: 'Kettering General Hospital', requiredBy: '2026-06-30', requestingClinician: 'Dr Jo Example', consultant: 'Dr Sam Consultant', department: 'Neurology' },
    });
    const ids = inputIds(card);
    for (const f of PATIENT_IDENTIFIER_FIELDS) expect(ids).not.toContain(f);
    expect(ids.filter((i) => !i.startsWith('exams['))).toEqual(['sourceOrganisation', 'requiredBy', 'requestingClinician', 'consultant', 'department']);
    expect(inputById(card, 'exams[0].description')?.value).toBe('CT head');
    expect(inputById(card, 'sourceOrganisation')?.value).toBe('Kettering General Hospital');
    expect(inputById(card, 'requiredBy')).toMatchObject({ value: '2026-06-30', min: TODAY, isRequired: true });
    expect(texts(card)).toEqual(expect.arrayContaining(['Edit and re-send: ITB-2026-000123', 'Reason given by the sending trust', 'declined by the sending organisation \\(studyNotHeld\\)']));
  });

  it('"Save and re-send" carries the verb, the request, the form nonce and the failure card it came from', () => {
    const card = renderEditRequestCard({ ...base, values: {}, formId: 'f-1', failureCardId: 'failure-card-7' });
    expect(actionTitles(card)).toEqual(['Save and re-send']);
    expect(submitData(card).filter((d) => d.verb === CARD_VERBS.saveAndResend)).toEqual([
      { verb: CARD_VERBS.saveAndResend, requestId: 'req-1', callRef: 'ITB-2026-000123', formId: 'f-1', failureCardId: 'failure-card-7' },
    ]);
  });

  it('an export edits the destination; errors sit under their fields, values kept; hostile reason text is escaped', () => {
    const card = renderEditRequestCard({
      ...base,
      kind: 'export',
      status: 'iepFailed',
      failureReason: HOSTILE_TEXT,
      values: { 'exams[0].description': 'all imaging', destinationOrganisation: 'Somewhere New Hospital' },
      errors: [{ field: 'exams[0].description', message: "'All imaging' will not be accepted." }],
    });
    expect(inputIds(card)).toContain('destinationOrganisation');
    expect(inputIds(card)).not.toContain('sourceOrganisation');
    expect(inputById(card, 'exams[0].description')?.value).toBe('all imaging');
    expect(elementAfterInput(card, 'exams[0].description')).toMatchObject({ text: "Error: 'All imaging' will not be accepted.", color: 'Attention' });
    // A value no longer in the directory is kept as a choice, so the re-rendered card does not lose it.
    const choices = inputById(card, 'destinationOrganisation')?.choices as Array<{ value: string }>;
    expect(choices.map((c) => c.value)).toContain('Somewhere New Hospital');
    expect(texts(card)).toContain('What went wrong');
    expect(texts(card).join('\n')).not.toContain('[click](https://evil.example/x)');
  });
});
