/**
 * Where the radiology report of a study comes from, as the trauma flow sees it. Guideline Appendix 4 step 13: "Select
 * add attachment for the studies if you need to send the report. You can attach the report as a document or paste the
 * text direct from CRIS or eRadCockpit. When prompted ensure the content of the report is correct". The bot does the
 * pasting: it reads the report text from the trust's FHIR facade (FHIR R4 DiagnosticReport, found by the study's
 * accession number) and attaches it to that study on the IEP transfer.
 *
 * Only a report the RIS marks as issued (final, amended or corrected) is attached: "ensure the content is correct" is
 * not something a bot can judge, so a preliminary report is reported back as not attached rather than sent.
 */
export interface ReportSource {
  /**
   * The issued report for the study with this accession number. Throws a ReportSourceError (see ./errors) when the
   * source cannot answer; `retryable` says whether asking again may help.
   */
  findReport(accessionNumber: string, ctx?: ReportLookupContext): Promise<ReportLookup>;
}

/** Ids that travel with a look-up so a failure can be traced; never patient data. */
export interface ReportLookupContext {
  callRef?: string;
}

/** What the source holds for one accession number. The text is patient data: never log it. */
export type ReportLookup =
  | { outcome: 'issued'; text: string; status: 'final' | 'amended' | 'corrected'; issued?: string }
  /** A report exists but is not issued yet (registered, partial or preliminary). */
  | { outcome: 'notIssued'; status: string }
  | { outcome: 'none' };
