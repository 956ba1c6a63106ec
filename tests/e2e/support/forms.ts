import type { Locator, Page } from 'playwright-core';
import type { DemoPatient, DemoUser } from '../../../sandbox/demo';

/** What a person types into the patient part of a request form. Dates are YYYY-MM-DD (the date pickers take them). */
export interface PatientEntry {
  sNumber: string;
  nhsNumber?: string;
  familyName: string;
  givenName: string;
  birthDate: string;
}

export const patientEntry = (p: DemoPatient): PatientEntry => ({
  sNumber: p.sNumber,
  ...(p.nhsNumber ? { nhsNumber: p.nhsNumber } : {}),
  familyName: p.familyName,
  givenName: p.givenNames[0] ?? '',
  birthDate: p.birthDate,
});

export interface ExamEntry {
  date: string;
  description: string;
  code?: string;
}

export interface RequestEntry {
  patient: PatientEntry;
  exams: ExamEntry[];
  priority: 'Blue Light (emergency only)' | 'Standard' | 'Batch (overnight)';
  /** The option's visible text, or a pattern for it; by default the first (Blue Light) or an outpatient/MDT reason. */
  reason?: string | RegExp;
  neededBy: string;
  requester: DemoUser;
}

/** Picks an option of a Fluent combobox in the card (Teams renders Input.ChoiceSet compact as one). */
export async function choose(page: Page, card: Locator, label: string, option?: string | RegExp): Promise<void> {
  await card.getByRole('combobox', { name: label }).click();
  const opts = page.getByRole('option');
  await (option === undefined ? opts.first() : opts.filter({ hasText: option }).first()).click();
}

/** Fills the fields the import and export forms share: patient, exams, priority, dates, clinician, contact. */
export async function fillRequestForm(page: Page, card: Locator, e: RequestEntry): Promise<void> {
  await card.getByLabel('Hospital number (S number)').fill(e.patient.sNumber);
  if (e.patient.nhsNumber !== undefined) await card.getByLabel('NHS number (if known)').fill(e.patient.nhsNumber);
  await card.getByLabel('Family name (surname)').fill(e.patient.familyName);
  await card.getByLabel('Given name (first name)').fill(e.patient.givenName);
  await card.getByLabel('Date of birth').fill(e.patient.birthDate);
  for (const [i, exam] of e.exams.entries()) {
    const n = i + 1;
    if ((await card.getByLabel(`Exam ${n}: Date of scan`).count()) === 0) await card.getByRole('button', { name: 'Add another exam' }).click();
    await card.getByLabel(`Exam ${n}: Date of scan`).fill(exam.date);
    await card.getByLabel(`Exam ${n}: Type of study and body part`).fill(exam.description);
    if (exam.code) await card.getByLabel(`Exam ${n}: Exam code (if known)`).fill(exam.code);
  }
  await card.getByLabel(e.priority).check();
  // Blue Light reasons are only for Blue Light (guideline Appendix 7); a standard request gets an everyday reason.
  await choose(page, card, 'Reason for the priority', e.reason ?? (e.priority.startsWith('Blue Light') ? undefined : /Outpatient|MDT/i));
  await card.getByLabel('Date the images are needed by').fill(e.neededBy);
  await card.getByLabel('Requesting clinician').fill(e.requester.displayName);
  await card.getByLabel('Consultant responsible').fill(e.requester.displayName);
  await card.getByLabel('Department').fill(e.requester.department);
  await card.getByLabel('Your name').fill(e.requester.displayName);
  await card.getByLabel('Your e-mail').fill(e.requester.email);
  await card.getByLabel('Your phone, extension or bleep').fill(e.requester.phone);
}

/** The call reference a card shows (ITB-YYYY-NNNNNN), or undefined. */
export function callRefIn(text: string): string | undefined {
  return /ITB-\d{4}-\d{6}/.exec(text)?.[0];
}
