import {
  DEFAULT_TRAUMA_DESTINATION_ID,
  MAX_TRAUMA_STUDIES,
  TEXT_LIMITS,
  TRAUMA_DESTINATIONS,
  formatNhsNumber,
  parseNhsNumber,
  validationMessages as m,
  type LocalDate,
} from '../domain';
import { NHS_NUMBER_RULE, localIdRule, type LocalIdFormat } from './clientRules';
import { escapeCardText } from './escape';
import { errorSummary, fieldViews, inputValue, newFormId, type FieldView, type FormState } from './formFields';
import { renderTemplate, type AdaptiveCard } from './render';
import { CARD_VERBS } from './verbs';
import { formatCardDate } from './words';

/**
 * The trauma transfer, for the on-call radiologist on a phone at any hour (guideline 2.1c, 2.8, Appendix 4). Two short
 * cards, schema 1.2 elements and Action.Submit only: Action.Execute is broken on Teams mobile (AdaptiveCards#9315).
 *   step 1 identifies the patient: local id, and NHS number or why there is none (Appendix 4 step 9);
 *   step 2 shows the patient's PACS studies to pick "only relevant imaging" (step 12), the report choice (step 13),
 *   the fixed destination (step 14: Nottingham University Hospitals, node "NUH Radiology PACS") at clinical-emergency
 *   priority (step 15), and the ED trauma confirmation (2.1c).
 */

/** Step 1 options. */
export interface TraumaPatientFormOptions extends FormState {
  /** The configured local id (the appendix's RWES number); default the S number. */
  localId?: LocalIdFormat;
  formId?: string;
}

const STEP1_LABELS = { noNhsNumberReason: 'No NHS number? Say why' };

/** Step 1: who is the patient. Submits `{ verb: "traumaFindPatient", formId, sNumber, nhsNumber, noNhsNumberReason }`. */
export function renderTraumaPatientForm(opts: TraumaPatientFormOptions = {}): AdaptiveCard {
  const labels = { ...STEP1_LABELS, ...(opts.localId?.label ? { sNumber: opts.localId.label } : {}) };
  return renderTemplate('traumaPatientForm', {
    title: 'Trauma transfer to Nottingham (1 of 2)',
    intro: 'For a trauma patient in the Emergency Department. Identify the patient; next you pick the studies to send.',
    verb: CARD_VERBS.traumaFindPatient,
    formId: opts.formId ?? newFormId(),
    summary: errorSummary(opts.errors, labels),
    f: fieldViews(['sNumber', 'nhsNumber', 'noNhsNumberReason'], opts, labels),
    rules: { sNumber: localIdRule(opts.localId), nhsNumber: NHS_NUMBER_RULE },
    limits: TEXT_LIMITS,
  });
}

/** One study from the patient's PACS list (structurally a PacsClient StudySummary; cards/ does not import integrations). */
export interface TraumaStudyChoice {
  studyInstanceUid: string;
  /** YYYY-MM-DD. */
  studyDate?: string;
  /** HH:MM[:SS]. */
  studyTime?: string;
  studyDescription?: string;
  modalities: string[];
  numberOfInstances?: number;
}

/** The patient found in step 1, carried into step 2's Submit so the submission is whole for validateTraumaRequest. */
export interface TraumaPatient {
  sNumber: string;
  nhsNumber?: string;
  noNhsNumberReason?: string;
  /** From PACS (Patient's Name (0010,0010)); when missing the card asks for it. */
  familyName?: string;
  givenName?: string;
  /** YYYY-MM-DD from PACS; when missing the card asks for it. */
  birthDate?: string;
}

/** Step 2 options. */
export interface TraumaStudiesFormOptions extends FormState {
  patient: TraumaPatient;
  /** Newest first, as the bot fetched them; at most MAX_TRAUMA_STUDIES are offered. */
  studies: readonly TraumaStudyChoice[];
  /** Today in London: the max for a date of birth the radiologist has to type. */
  today: LocalDate;
  formId?: string;
}

/** "999 000 0018" when the number is valid, else as given (the server validates it). */
function nhsForDisplay(text: string): string {
  const parsed = parseNhsNumber(text);
  return parsed.ok ? formatNhsNumber(parsed.value) : text;
}

/** "12 Mar 2026 14:05 · CT Head with contrast · CT · 412 images": plain text (choice titles are not Markdown). */
export function studyChoiceTitle(s: TraumaStudyChoice): string {
  const when = [s.studyDate ? formatCardDate(s.studyDate) : 'Date unknown', s.studyTime?.slice(0, 5)].filter(Boolean).join(' ');
  const parts = [when, s.studyDescription?.trim() || 'No description', s.modalities.join('/') || undefined];
  if (s.numberOfInstances !== undefined) parts.push(`${s.numberOfInstances} image${s.numberOfInstances === 1 ? '' : 's'}`);
  return parts.filter((p): p is string => p !== undefined && p !== '').join(' · ');
}

/**
 * Step 2: pick studies, attach report, confirm. Submits `{ verb: "submitTrauma", formId, <step-1 fields>, familyName,
 * givenName, birthDate, studyInstanceUids: "uid1,uid2", attachReport, edTraumaConfirmed }`: pass it to
 * validateTraumaRequest. The identity rides in the data as a hint: the bot must check the UIDs belong to that patient
 * on PACS before sending anything.
 */
export function renderTraumaStudiesForm(opts: TraumaStudiesFormOptions): AdaptiveCard {
  const p = opts.patient;
  const destination = TRAUMA_DESTINATIONS.find((d) => d.id === DEFAULT_TRAUMA_DESTINATION_ID) ?? TRAUMA_DESTINATIONS[0];
  const views = fieldViews(['familyName', 'givenName', 'birthDate', 'studyInstanceUids', 'attachReport', 'edTraumaConfirmed'], opts);
  // Inputs appear only for identity PACS did not give, or that the server refused; the rest is shown as facts.
  const identity = (id: 'familyName' | 'givenName' | 'birthDate'): FieldView & { show: boolean } => {
    const v = views[id] as FieldView;
    const fromPacs = p[id]?.trim() ? (p[id] as string) : null;
    return { ...v, value: v.value ?? fromPacs, show: fromPacs === null || v.hasError };
  };
  const f = { ...views, familyName: identity('familyName'), givenName: identity('givenName'), birthDate: identity('birthDate') };
  const name = [p.familyName?.trim().toUpperCase(), p.givenName?.trim()].filter(Boolean).join(', ');
  const studies = opts.studies.slice(0, MAX_TRAUMA_STUDIES);
  const submitData: Record<string, string> = {
    verb: CARD_VERBS.submitTrauma,
    formId: opts.formId ?? newFormId(),
    sNumber: p.sNumber,
    ...(p.nhsNumber ? { nhsNumber: p.nhsNumber } : {}),
    ...(p.noNhsNumberReason ? { noNhsNumberReason: p.noNhsNumberReason } : {}),
    ...(p.familyName ? { familyName: p.familyName } : {}),
    ...(p.givenName ? { givenName: p.givenName } : {}),
    ...(p.birthDate ? { birthDate: p.birthDate } : {}),
    destination: destination?.id ?? DEFAULT_TRAUMA_DESTINATION_ID,
  };
  return renderTemplate('traumaStudiesForm', {
    title: 'Trauma transfer to Nottingham (2 of 2)',
    intro: 'Pick only the relevant imaging, then send. It goes straight away at clinical-emergency priority.',
    formId: submitData.formId,
    summary: errorSummary(opts.errors),
    patientFacts: [
      ...(name ? [{ title: 'Patient', value: escapeCardText(name) }] : []),
      ...(p.birthDate ? [{ title: 'Born', value: formatCardDate(p.birthDate) }] : []),
      { title: 'Hospital number', value: escapeCardText(p.sNumber) },
      { title: 'NHS number', value: p.nhsNumber ? escapeCardText(nhsForDisplay(p.nhsNumber)) : `None: ${escapeCardText(p.noNhsNumberReason ?? 'no reason given')}` },
    ],
    f,
    today: opts.today,
    limits: TEXT_LIMITS,
    hasStudies: studies.length > 0,
    studies: studies.map((s) => ({ title: studyChoiceTitle(s), value: s.studyInstanceUid })),
    noStudiesText: 'No studies were found on PACS for this patient. Check the hospital number and start again, or send the images on CD.',
    // Appendix 4 step 13: attach the report "if you need to send the report", so it starts unticked.
    attachReportValue: inputValue(opts.values?.attachReport),
    destinationFacts: [
      { title: 'Organisation', value: destination?.organisation ?? '' },
      { title: 'Delivery node', value: destination?.deliveryNode ?? '' },
      { title: 'Priority', value: 'Clinical emergency' },
    ],
    edOnlyText: 'This route is only for ED trauma patients going to the major trauma centre. Other transfers go through the service desk.',
    messages: {
      familyNameMissing: m.familyNameMissing,
      givenNameMissing: m.givenNameMissing,
      birthDateMissing: m.birthDateCardCheck,
      studiesMissing: m.studiesMissing,
      edTraumaNotConfirmed: m.edTraumaNotConfirmed,
    },
    sendTitle: 'Send to Nottingham now',
    submitData,
    restartVerb: CARD_VERBS.openTrauma,
  });
}
