export type { ReportSource, ReportLookup, ReportLookupContext } from './reportSource';
export { FhirReportSource, type FhirReportSourceOptions } from './fhirReportSource';
export { readReportSearch, MAX_REPORT_CHARS } from './fhirReportSearch';
export * from './errors';
