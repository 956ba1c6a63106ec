/**
 * Typed failures of a report look-up. Messages carry ids only (call reference, the source's origin, HTTP status), never
 * the accession number or any report text, because error messages reach logs and analysts' cards.
 */
export type ReportSourceErrorCode = 'REPORTS_UNREACHABLE' | 'REPORTS_TIMEOUT' | 'REPORTS_TLS' | 'REPORTS_HTTP' | 'REPORTS_MALFORMED_RESPONSE';

export interface ReportSourceErrorContext {
  callRef?: string;
  /** scheme://host:port of the FHIR facade, never the query string. */
  peer?: string;
}

/** One class with a code: the trauma flow handles every report failure the same way (send without the report). */
export class ReportSourceError extends Error {
  readonly callRef?: string;
  readonly peer?: string;

  constructor(
    readonly code: ReportSourceErrorCode,
    readonly retryable: boolean,
    message: string,
    ctx: ReportSourceErrorContext,
    options?: { cause?: unknown },
  ) {
    const where = [ctx.callRef && `call ${ctx.callRef}`, ctx.peer && `reports ${ctx.peer}`].filter(Boolean).join(', ');
    super(where ? `${message} [${where}]` : message, options);
    this.name = 'ReportSourceError';
    this.callRef = ctx.callRef;
    this.peer = ctx.peer;
  }
}
