import type { ArchiveStudy } from './studyArchive';

/** Who the request is for, as the requester gave them. */
export interface RequestedPatient {
  patientId?: string;
  nhsNumber?: string;
  familyName: string;
  /** YYYY-MM-DD. */
  birthDate: string;
}

/** One exam asked for: a date or a range, optionally a modality and accession number. */
export interface RequestedExam {
  studyDate?: string;
  dateFrom?: string;
  dateTo?: string;
  modality?: string;
  accessionNumber?: string;
}

const letters = (s: string) => s.toUpperCase().replace(/[^A-Z]/g, '');

/**
 * Is this study the requested patient's? A sending trust checks the date of birth, then the strongest identifier it
 * can: the NHS number when both sides have one, else its own patient id, else the family name.
 */
export function isRequestedPatient(p: RequestedPatient, study: ArchiveStudy): boolean {
  if (study.patient.birthDate !== p.birthDate) return false;
  if (p.nhsNumber && study.patient.nhsNumber) return p.nhsNumber === study.patient.nhsNumber;
  // Some trusts file the NHS number as the Patient ID.
  if (p.nhsNumber && study.patient.patientId === p.nhsNumber) return true;
  if (p.patientId && study.patient.patientId === p.patientId) return true;
  return letters(p.familyName) !== '' && letters(p.familyName) === letters(study.patient.familyName);
}

/** Does the study answer this exam line? Dates are YYYY-MM-DD, so they compare as text. */
export function answersExam(exam: RequestedExam, study: ArchiveStudy): boolean {
  const date = study.studyDate;
  if (exam.studyDate !== undefined && date !== exam.studyDate) return false;
  if (exam.dateFrom !== undefined && (date === undefined || date < exam.dateFrom)) return false;
  if (exam.dateTo !== undefined && (date === undefined || date > exam.dateTo)) return false;
  if (exam.modality !== undefined && !study.modalities.some((m) => m.toUpperCase() === exam.modality?.toUpperCase())) return false;
  if (exam.accessionNumber !== undefined && study.accessionNumber !== exam.accessionNumber) return false;
  return true;
}

/**
 * The studies a sending trust would upload for a request: the patient's studies that answer at least one exam line,
 * each once, in study date order. Empty means "The requested study does not exist at this organisation" (2.5a).
 */
export function findRequestedStudies(p: RequestedPatient, exams: readonly RequestedExam[], candidates: readonly ArchiveStudy[]): ArchiveStudy[] {
  const seen = new Set<string>();
  return candidates
    .filter((s) => isRequestedPatient(p, s) && exams.some((e) => answersExam(e, s)))
    .filter((s) => !seen.has(s.studyInstanceUid) && seen.add(s.studyInstanceUid))
    .sort((a, b) => (a.studyDate ?? '').localeCompare(b.studyDate ?? '') || a.studyInstanceUid.localeCompare(b.studyInstanceUid));
}
