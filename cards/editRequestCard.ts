import { TEXT_LIMITS, validationMessages as m, type LocalDate, type RequestStatus } from '../domain';
import { EXAM_CODE_RULE } from './clientRules';
import { examRowViews } from './examRows';
import { escapeCardText } from './escape';
import { errorSummary, fieldView, fieldViews, inputValue, newFormId, type FormState } from './formFields';
import { IEP_INSTITUTIONS_DATASET, institutionChoices, type InstitutionChoice } from './institutions';
import { renderTemplate, type AdaptiveCard } from './render';
import { CARD_VERBS } from './verbs';

/** The edit-and-re-send card's data: the request's editable values (or what was typed) and the errors. */
export interface EditRequestCardData extends FormState {
  requestId: string;
  callRef: string;
  kind: 'import' | 'export';
  /** iepDeclined, iepFailed or iepPurged. */
  status: RequestStatus;
  /** Why it failed or was declined (IEP's words or our code): shown escaped. */
  failureReason: string;
  /** Today in London: the min of "needed by" and the max of scan dates. */
  today: LocalDate;
  institutions: readonly InstitutionChoice[];
  /** Per-render nonce (keep it on a re-render): with the card id it makes Save idempotent. */
  formId?: string;
  /** The failure card this edit came from (a hint): updated in place once re-sent. */
  failureCardId?: string;
}

/**
 * Edit and re-send (guideline 2.5b; Appendix 1 step 3): the parts of a declined or failed import/export that a decline
 * is usually about, prefilled from the stored request: the exams, the other organisation, the date needed by, and the
 * requesting clinician, consultant and department. No patient identifiers: they cannot be edited and this card is
 * posted in the channel. Submits `{ verb: "saveAndResend", requestId, callRef, formId, failureCardId, ...inputs }`.
 */
export function renderEditRequestCard(data: EditRequestCardData): AdaptiveCard {
  const pickerId = data.kind === 'import' ? 'sourceOrganisation' : 'destinationOrganisation';
  const declined = data.status === 'iepDeclined';
  const picker = fieldView(pickerId, data);
  return renderTemplate('editRequest', {
    title: `Edit and re-send: ${escapeCardText(data.callRef)}`,
    intro: 'Change what the decline or failure was about, then save: the request is sent again on IEP and the requester is told.',
    summary: errorSummary(data.errors),
    reasonHeading: declined ? 'Reason given by the sending trust' : 'What went wrong',
    reason: escapeCardText(data.failureReason || 'No reason was recorded.'),
    patientNote: "The patient's details cannot be changed here. If the patient is wrong, cancel this request and ask for a new one.",
    today: data.today,
    f: fieldViews(['exams', 'requiredBy', 'requestingClinician', 'consultant', 'department'], data),
    exams: examRowViews(data, { descriptionRequired: true }),
    examsIntro: "Each examination with its date and type/body part. 'All imaging' is not accepted.",
    examsFullText: 'That is the most in one request. Send another request for the rest.',
    examDescriptionPlaceholder: 'e.g. CT head',
    organisationHeading: data.kind === 'import' ? 'Where the images are' : 'Where the images go',
    picker: {
      ...picker,
      dataset: IEP_INSTITUTIONS_DATASET,
      choices: institutionChoices(data.institutions, inputValue(data.values?.[pickerId])),
      errorMessage: m.organisationMissing(data.kind === 'import' ? 'trust or hospital the images come from' : 'organisation the images go to'),
      hint: 'Names as IEP lists them. Sites show their trust in brackets.',
    },
    limits: TEXT_LIMITS,
    rules: { examCode: EXAM_CODE_RULE },
    messages: {
      examDateMissing: m.examDateMissing,
      examDescriptionMissing: m.examDescriptionMissing,
      requiredByMissing: m.requiredByMissing,
      clinicianMissing: m.clinicianMissing,
      consultantMissing: m.consultantMissing,
      departmentMissing: m.departmentMissing,
    },
    verb: CARD_VERBS.saveAndResend,
    requestId: data.requestId,
    callRef: data.callRef,
    formId: data.formId ?? newFormId(),
    failureCardId: data.failureCardId ?? '',
  });
}
