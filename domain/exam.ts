import type { LocalDate } from './localDate';

/**
 * One examination asked for by date and type/body part (guideline 2.3a: "exam(s) & event date(s)"; Appendix 3:
 * "Date of Study / Type of study and body part / Exam Codes"). The exam code is optional ("where known").
 */
export interface RequestedExam {
  /** The date the scan was done (the acquisition date), a local date not in the future. */
  date: LocalDate;
  /** Type of study and body part, e.g. "CT head" or "MRI lumbar spine". */
  description: string;
  /** The exam code (e.g. a CRIS code) if the requester knows it, upper-case. */
  examCode?: string;
}

/**
 * One study on a CD (Appendix 6: "Study Date" and "Full Study Description or CRIS Examination Code"): the date and at
 * least one of description or code.
 */
export type CdStudy =
  | { date: LocalDate; description: string; examCode?: string }
  | { date: LocalDate; description?: string; examCode: string };

/** Most examinations one request may list; beyond this, a second request keeps each one reviewable. */
export const MAX_EXAMS_PER_REQUEST = 20;
