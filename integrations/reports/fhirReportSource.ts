import type { Agent } from 'node:http';
import { httpBaseUrl } from '../http/baseUrl';
import { createAgent, exchange, ExchangeFailure, type TlsOptions } from '../http/httpExchange';
import { ReportSourceError, type ReportSourceErrorContext } from './errors';
import { readReportSearch } from './fhirReportSearch';
import type { ReportLookup, ReportLookupContext, ReportSource } from './reportSource';

export interface FhirReportSourceOptions {
  /** FHIR R4 base of the trust's facade, e.g. https://fhir.example.nhs.uk/R4 (http only for the sandbox). */
  baseUrl: string;
  /**
   * The identifier system the facade files accession numbers under (trust-specific). When unset, the search sends the
   * bare value, which a FHIR token search matches in any system.
   */
  accessionSystem?: string;
  /**
   * Whole-exchange deadline. Default 5 s: the look-up sits on a trauma transfer's path, and a report that does not come
   * quickly is skipped (the radiologist is told) rather than allowed to delay the images.
   */
  timeoutMs?: number;
  /** Sent as `Authorization: Bearer <token>`. Never appears in an error message. */
  bearerToken?: string;
  tls?: TlsOptions;
  /** Largest answer accepted. Default 2 MiB: a report with its rendered form is tens of KB. */
  maxResponseBytes?: number;
}

/** Accession Number is DICOM SH: up to 16 characters, no backslash or control characters (PS3.5 6.2). */
const ACCESSION = /^[^\\\x00-\x1f]{1,16}$/;

/**
 * ReportSource over FHIR R4: `GET [base]/DiagnosticReport?identifier=<system>|<accession>` (token search,
 * http://hl7.org/fhir/R4/search.html#token), read as a searchset Bundle.
 */
export class FhirReportSource implements ReportSource {
  private readonly base: URL;
  private readonly agent: Agent;
  private readonly peer: string;
  private readonly timeoutMs: number;
  private readonly maxResponseBytes: number;

  constructor(private readonly opts: FhirReportSourceOptions) {
    const base = httpBaseUrl(opts.baseUrl, 'reports FHIR base URL', 'a bearer token');
    this.base = base;
    this.peer = base.origin;
    this.agent = createAgent(base, opts.tls);
    this.timeoutMs = opts.timeoutMs ?? 5_000;
    this.maxResponseBytes = opts.maxResponseBytes ?? 2 * 1024 * 1024;
  }

  async findReport(accessionNumber: string, lookup: ReportLookupContext = {}): Promise<ReportLookup> {
    const ctx: ReportSourceErrorContext = { callRef: lookup.callRef, peer: this.peer };
    const accession = accessionNumber.trim();
    // A study without an accession number has no RIS order, so no RIS report: nothing to look up.
    if (!ACCESSION.test(accession)) return { outcome: 'none' };
    const url = new URL('DiagnosticReport', this.base);
    url.searchParams.set('identifier', this.opts.accessionSystem ? `${this.opts.accessionSystem}|${accession}` : accession);
    const headers: Record<string, string> = { accept: 'application/fhir+json', 'user-agent': 'imaging-transfer-bot' };
    if (this.opts.bearerToken) headers.authorization = `Bearer ${this.opts.bearerToken}`;

    let res;
    try {
      res = await exchange(this.agent, { url, method: 'GET', headers, timeoutMs: this.timeoutMs, maxBodyBytes: this.maxResponseBytes });
    } catch (err) {
      if (!(err instanceof ExchangeFailure)) throw err;
      if (err.kind === 'timeout') throw new ReportSourceError('REPORTS_TIMEOUT', true, `the report source did not answer within ${this.timeoutMs} ms`, ctx);
      if (err.kind === 'tls') throw new ReportSourceError('REPORTS_TLS', false, `the report source's TLS handshake failed (${err.code ?? 'unknown'}); check the CA setting`, ctx, { cause: err });
      if (err.kind === 'too-large') throw new ReportSourceError('REPORTS_MALFORMED_RESPONSE', false, `the report source's answer is larger than ${this.maxResponseBytes} bytes`, ctx);
      throw new ReportSourceError('REPORTS_UNREACHABLE', true, `the report source could not be reached${err.code ? ` (${err.code})` : ''}`, ctx, { cause: err });
    }
    if (res.status === 404) return { outcome: 'none' };
    if (res.status < 200 || res.status >= 300) {
      const retryable = res.status === 429 || res.status >= 500;
      throw new ReportSourceError('REPORTS_HTTP', retryable, `the report source answered HTTP ${res.status}`, ctx);
    }
    let json: unknown;
    try {
      json = JSON.parse(res.body) as unknown;
    } catch {
      throw new ReportSourceError('REPORTS_MALFORMED_RESPONSE', false, 'the report source answered with something that is not JSON', ctx);
    }
    const outcome = readReportSearch(json);
    if (outcome.outcome === 'malformed') throw new ReportSourceError('REPORTS_MALFORMED_RESPONSE', false, `the report source's answer is not a DiagnosticReport searchset (${outcome.problem})`, ctx);
    return outcome;
  }

  /** Closes kept-alive connections. Idempotent. */
  close(): void {
    this.agent.destroy();
  }
}
