/**
 * The patient and exams a delivery must match. Defined here, not imported from domain/, because domain/ is written in
 * parallel; kept structurally compatible with domain's patient identity (same field names, LocalDate strings).
 */

/** The patient as the request (or PAS) knows them. */
export interface ExpectedPatient {
  /** UHL hospital number: "S" + 7 digits (guideline 2.3, Appendix 2). */
  sNumber: string;
  /** 10 digits (spaces or dashes tolerated), when known. */
  nhsNumber?: string;
  familyName: string;
  givenName: string;
  /** YYYY-MM-DD (a local date, never through UTC). */
  birthDate: string;
}

/** One exam the requester asked for: its date and, when given, its modality (guideline 2.7d: "dates and modalities"). */
export interface RequestedExam {
  /** YYYY-MM-DD: compared with Study Date (0008,0020). */
  date: string;
  /** DICOM modality code, e.g. "CT", "MR"; compared with Modality (0008,0060) of the study's series. */
  modality?: string;
}
