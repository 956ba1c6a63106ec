import {
  MAX_CDS_PER_REQUEST,
  MAX_EXAMS_PER_REQUEST,
  PRIORITY_LABELS,
  PRIORITY_REASON_LABELS,
  PRIORITY_REASONS,
  TEXT_LIMITS,
  prioritiesFor,
  validationMessages as m,
  type LocalDate,
} from '../domain';
import {
  CONTACT_PHONE_RULE,
  EXAM_CODE_RULE,
  EXTERNAL_PHONE_RULE,
  NHS_NUMBER_RULE,
  emailRule,
  localIdRule,
  type LocalIdFormat,
} from './clientRules';
import { examRowViews } from './examRows';
import { errorSummary, fieldView, fieldViews, inputValue, newFormId, type FormState } from './formFields';
import { IEP_INSTITUTIONS_DATASET, institutionChoices, type InstitutionChoice } from './institutions';
import { renderTemplate, type AdaptiveCard } from './render';
import { CARD_VERBS } from './verbs';

/** What every request form renderer takes besides the last submission (values + errors). */
export interface RequestFormOptions extends FormState {
  /** Today in London (domain londonLocalDate(now)): the max of scan and birth dates, the min of "needed by". */
  today: LocalDate;
  /** The configured local id format (config.localIdPattern); default the S number. */
  localId?: LocalIdFormat;
  /** Exam rows visible at first (default 2); rows holding values or errors are always shown. */
  examRows?: number;
  /** Nonce for the Submit's data; a fresh one when omitted. Pass the old one on a re-render to keep it. */
  formId?: string;
}

/** Import and export forms also take the IEP institution directory for their trust picker. */
export interface TrustFormOptions extends RequestFormOptions {
  institutions: readonly InstitutionChoice[];
}

const PATIENT_FIELDS = ['sNumber', 'nhsNumber', 'familyName', 'givenName', 'birthDate', 'address'];
const PRIORITY_FIELDS = ['priority', 'priorityReason', 'priorityReasonDetail', 'requiredBy'];
const CLINICIAN_FIELDS = ['requestingClinician', 'consultant', 'department'];
const REQUESTER_FIELDS = ['requesterName', 'requesterEmail', 'requesterPhone'];
const EXPORT_FIELDS = ['siteContactName', 'siteContactPosition', 'siteContactPhone', 'siteContactEmail', 'additionalInstructions'];
const CD_FIELDS = ['cdCount', 'internalPostAddress', 'urgent'];

/** "Blue Light, Standard or Batch (overnight)", as the domain's priority message words it. */
function priorityChoicesText(kind: 'import' | 'export'): string {
  const labels = prioritiesFor(kind).map((p) => PRIORITY_LABELS[p].replace(' (emergency only)', ''));
  return labels.length > 1 ? `${labels.slice(0, -1).join(', ')} or ${labels[labels.length - 1]}` : (labels[0] ?? '');
}

/** The parts every form binds: header, error summary, patient block, exam rows, limits, messages and rules. */
function commonView(opts: RequestFormOptions, kind: 'import' | 'export' | 'cdImport', extraFields: readonly string[]) {
  const cd = kind === 'cdImport';
  const labels: Record<string, string> = {
    ...(opts.localId?.label ? { sNumber: opts.localId.label } : {}),
    ...(cd ? { 'exams.description': 'Full study description', 'exams.examCode': 'CRIS exam code' } : {}),
  };
  return {
    today: opts.today,
    formId: opts.formId ?? newFormId(),
    summary: errorSummary(opts.errors, labels),
    f: { ...fieldViews([...PATIENT_FIELDS, ...REQUESTER_FIELDS, 'comments', 'exams', ...extraFields], opts, labels) },
    exams: examRowViews(opts, { shown: opts.examRows, descriptionRequired: !cd, labels }),
    examsIntro: cd
      ? 'Each study on the disc(s): its date, and the full study description or the CRIS exam code.'
      : "Each examination with its date and type/body part. 'All imaging' is not accepted.",
    examsFullText: `${MAX_EXAMS_PER_REQUEST} is the most in one request. Send another request for the rest.`,
    examDescriptionPlaceholder: 'e.g. CT head',
    limits: TEXT_LIMITS,
    rules: {
      sNumber: localIdRule(opts.localId),
      nhsNumber: NHS_NUMBER_RULE,
      examCode: EXAM_CODE_RULE,
      requesterEmail: emailRule(m.requesterEmailInvalid),
      requesterPhone: CONTACT_PHONE_RULE,
      siteContactEmail: emailRule(m.siteContactEmailInvalid),
      siteContactPhone: EXTERNAL_PHONE_RULE,
    },
    messages: {
      familyNameMissing: m.familyNameMissing,
      givenNameMissing: m.givenNameMissing,
      birthDateMissing: m.birthDateCardCheck,
      examDateMissing: m.examDateMissing,
      examDescriptionMissing: cd ? m.cdStudyDescriptionOrCode : m.examDescriptionMissing,
      priorityMissing: kind === 'cdImport' ? '' : m.priorityMissing(priorityChoicesText(kind)),
      priorityReasonMissing: m.priorityReasonMissing,
      requiredByMissing: m.requiredByMissing,
      clinicianMissing: m.clinicianMissing,
      consultantMissing: m.consultantMissing,
      departmentMissing: m.departmentMissing,
      requesterNameMissing: m.requesterNameMissing,
      siteContactNameMissing: m.siteContactNameMissing,
      siteContactPositionMissing: m.siteContactPositionMissing,
      cdCountInvalid: m.cdCountInvalid(MAX_CDS_PER_REQUEST),
      internalPostAddressMissing: m.internalPostAddressMissing,
    },
  };
}

/** The priority block: the kind's priorities (export has no Batch) and Appendix 3's reasons. */
function priorityView(kind: 'import' | 'export') {
  return {
    priorities: prioritiesFor(kind).map((p) => ({ title: PRIORITY_LABELS[p], value: p })),
    reasons: PRIORITY_REASONS.map((r) => ({ title: PRIORITY_REASON_LABELS[r], value: r })),
    // guideline 2.3a: Blue Light is for a patient due in theatre within hours or arriving by ambulance; target 4 hours.
    blueLightHint:
      kind === 'import'
        ? 'Blue Light: only for emergency admission or surgery in the next 12 hours (target: images within 4 hours). Batch runs overnight.'
        : 'Blue Light: only for emergency admission or surgery in the next 12 hours.',
  };
}

/** The trust picker: Data.Query type-ahead plus the whole directory as static choices. */
function pickerView(id: 'sourceOrganisation' | 'destinationOrganisation', opts: TrustFormOptions) {
  const field = fieldView(id, opts);
  const value = inputValue(opts.values?.[id]);
  return {
    ...field,
    dataset: IEP_INSTITUTIONS_DATASET,
    choices: institutionChoices(opts.institutions, value),
    errorMessage: m.organisationMissing(id === 'sourceOrganisation' ? 'trust or hospital the images come from' : 'organisation the images go to'),
    hint: 'Names as IEP lists them. Sites show their trust in brackets.',
  };
}

/**
 * The import form (guideline 2.3, Appendix 2): patient, exams, source trust, priority, clinician, requester, comments.
 * Submits `{ verb: "submitImport", formId, ...inputs }`; pass that to validateImportRequest, and on errors call this
 * again with `values` = the submission and `errors` = result.errors.
 */
export function renderImportForm(opts: TrustFormOptions): AdaptiveCard {
  return renderTemplate('importForm', {
    ...commonView(opts, 'import', [...PRIORITY_FIELDS, ...CLINICIAN_FIELDS]),
    title: 'Request images from another hospital',
    intro: 'For images held by another trust (import through IEP). The service desk logs it and gives you a call reference.',
    verb: CARD_VERBS.submitImport,
    picker: pickerView('sourceOrganisation', opts),
    ...priorityView('import'),
  });
}

/** The export form (guideline 2.6, Appendix 3). Submits `{ verb: "submitExport", ... }` for validateExportRequest. */
export function renderExportForm(opts: TrustFormOptions): AdaptiveCard {
  return renderTemplate('exportForm', {
    ...commonView(opts, 'export', [...PRIORITY_FIELDS, ...CLINICIAN_FIELDS, ...EXPORT_FIELDS]),
    title: 'Send UHL images to another organisation',
    intro: 'For UHL images going to another organisation (export through IEP). Name the organisation in full.',
    verb: CARD_VERBS.submitExport,
    picker: pickerView('destinationOrganisation', opts),
    ...priorityView('export'),
  });
}

/** The CD upload form (Appendices 5 and 6). Submits `{ verb: "submitCdImport", ... }` for validateCdImportRequest. */
export function renderCdImportForm(opts: RequestFormOptions): AdaptiveCard {
  const view = commonView(opts, 'cdImport', CD_FIELDS);
  const count = view.f.cdCount;
  // Input.Number takes a number; a non-number typed earlier is dropped (its error still shows).
  const countValue = count && count.value !== null && /^\d+$/.test(count.value.trim()) ? Number(count.value) : null;
  return renderTemplate('cdImportForm', {
    ...view,
    f: { ...view.f, cdCount: { ...count, value: countValue } },
    title: 'Upload images from a CD',
    intro: 'Fill this in for every CD. Incomplete forms or unlabelled CDs are not processed.',
    verb: CARD_VERBS.submitCdImport,
    maxCds: MAX_CDS_PER_REQUEST,
    // Appendix 5: collection days and sites; urgent CDs by arrangement.
    collectionText:
      'CDs are collected on Wednesdays from Radiology Reception at LRI, GH and LGH. Urgent CDs are taken to County Hall by arrangement with the service desk.',
  });
}
