import type { FieldError } from '../domain';

/**
 * What a form re-render needs from the last submission: the values the user typed (the Action.Submit data as Teams sent
 * it, `verb` and all) and the domain's errors (validateXRequest). Every form renderer takes this, so a card sent back
 * with errors keeps what was typed and shows each message under its field.
 */
export interface FormState {
  values?: Readonly<Record<string, unknown>>;
  errors?: readonly FieldError[];
}

/** One input's view: what the template binds for its value and the error under it. null means "leave it out". */
export interface FieldView {
  id: string;
  label: string;
  value: string | null;
  error: string | null;
  hasError: boolean;
}

/** Words for each input id, shared by the inputs' labels and the error summary at the top of a form. */
export const FIELD_LABELS: Readonly<Record<string, string>> = {
  sNumber: 'Hospital number (S number)',
  nhsNumber: 'NHS number (if known)',
  noNhsNumberReason: 'Reason there is no NHS number',
  familyName: 'Family name (surname)',
  givenName: 'Given name (first name)',
  birthDate: 'Date of birth',
  address: 'Address (needed if there is no NHS number)',
  exams: 'Examinations',
  sourceOrganisation: 'Trust or hospital the images come from',
  destinationOrganisation: 'Organisation the images go to',
  siteContactName: 'Site contact: name',
  siteContactPosition: 'Site contact: position',
  siteContactPhone: 'Site contact: full phone number',
  siteContactEmail: 'Site contact: e-mail',
  priority: 'Priority',
  priorityReason: 'Reason for the priority',
  priorityReasonDetail: 'Reason in your words (needed for "Other")',
  requiredBy: 'Date the images are needed by',
  requestingClinician: 'Requesting clinician',
  consultant: 'Consultant responsible',
  department: 'Department',
  requesterName: 'Your name',
  requesterEmail: 'Your e-mail',
  requesterPhone: 'Your phone, extension or bleep',
  comments: 'Comments (optional)',
  additionalInstructions: 'Additional instructions (optional)',
  cdCount: 'Number of CDs',
  internalPostAddress: 'Internal post address for returning the CDs',
  urgent: 'Urgent CD',
  destination: 'Destination',
  studyInstanceUids: 'Studies to send (only relevant imaging)',
  attachReport: 'Attach the report to each study',
  edTraumaConfirmed: 'This is a trauma patient in the Emergency Department',
  clinicalNote: 'Note for the receiving team (optional)',
  answer: 'Your answer',
  question: 'Question',
  reason: 'Reason',
  callRefQuery: 'Call reference',
  matchCallRef: 'Call reference of the request',
  form: 'The form',
};

/** Labels of the three inputs of an exam row. */
export const EXAM_ROW_LABELS = {
  date: 'Date of scan',
  description: 'Type of study and body part',
  examCode: 'Exam code (if known)',
} as const;

const EXAM_ROW_ID = /^exams\[(\d{1,2})\]\.(date|description|examCode)$/;

/** The label of any input id, including exam rows ("Exam 2: Date of scan"); the id itself when unknown. */
export function labelOf(field: string, overrides: Readonly<Record<string, string>> = {}): string {
  const own = overrides[field] ?? FIELD_LABELS[field];
  if (own !== undefined) return own;
  const m = EXAM_ROW_ID.exec(field);
  if (m) return `Exam ${Number(m[1]) + 1}: ${(overrides[`exams.${m[2]}`] ?? EXAM_ROW_LABELS[m[2] as keyof typeof EXAM_ROW_LABELS])}`;
  return field;
}

/**
 * A submitted value as the string an Input's `value` takes: toggles "true"/"false", numbers as digits, a multi-select
 * array joined with commas. Blank gives null (no prefill). Nothing is escaped: an Input's value is not Markdown.
 */
export function inputValue(raw: unknown): string | null {
  if (typeof raw === 'string') return raw.trim() === '' ? null : raw;
  if (typeof raw === 'boolean') return raw ? 'true' : 'false';
  if (typeof raw === 'number' && Number.isFinite(raw)) return String(raw);
  if (Array.isArray(raw)) {
    const parts = raw.filter((v): v is string => typeof v === 'string' && v.trim() !== '');
    return parts.length > 0 ? parts.join(',') : null;
  }
  return null;
}

/** The first error for a field, if any (the domain keeps one per field). */
export function errorFor(errors: readonly FieldError[] | undefined, field: string): string | null {
  return errors?.find((e) => e.field === field)?.message ?? null;
}

/** Errors are never shown by colour alone: the word "Error" leads, for screen readers and colour-blind users alike. */
export function errorText(message: string): string {
  return `Error: ${message}`;
}

/** The view of one input: label, prefilled value, and its error text (with the "Error:" prefix) or null. */
export function fieldView(id: string, state: FormState, labels: Readonly<Record<string, string>> = {}): FieldView {
  const message = errorFor(state.errors, id);
  return {
    id,
    label: labelOf(id, labels),
    value: inputValue(state.values?.[id]),
    error: message === null ? null : errorText(message),
    hasError: message !== null,
  };
}

/** Views for many inputs, keyed by id, for templates that bind `${f.sNumber.value}`. */
export function fieldViews(ids: readonly string[], state: FormState, labels: Readonly<Record<string, string>> = {}): Record<string, FieldView> {
  return Object.fromEntries(ids.map((id) => [id, fieldView(id, state, labels)]));
}

/** The error summary at the top of a form: a heading and one line per problem, in the order the domain found them. */
export interface ErrorSummaryView {
  show: boolean;
  heading: string;
  items: Array<{ text: string }>;
}

/** Builds the error summary; fields not on the card (e.g. "form") still get a line, so no error goes unseen. */
export function errorSummary(errors: readonly FieldError[] | undefined, labels: Readonly<Record<string, string>> = {}): ErrorSummaryView {
  const list = errors ?? [];
  const n = list.length;
  return {
    show: n > 0,
    heading: n === 1 ? 'Error: 1 answer needs your attention' : `Error: ${n} answers need your attention`,
    items: list.map((e) => ({ text: `${labelOf(e.field, labels)}: ${e.message}` })),
  };
}

/** A per-render nonce for the Submit's data, so the bot can spot a double-clicked Submit (a hint, not a secret). */
export function newFormId(): string {
  return `f-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}
