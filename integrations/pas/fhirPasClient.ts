import type { Agent } from 'node:http';
import { httpBaseUrl } from '../http/baseUrl';
import { createAgent, exchange, ExchangeFailure, type TlsOptions } from '../http/httpExchange';
import {
  PasHttpError,
  PasInvalidSNumberError,
  PasMalformedResponseError,
  PasAmbiguousResultError,
  PasPatientMismatchError,
  PasTimeoutError,
  PasTlsError,
  PasUnreachableError,
  type PasErrorContext,
} from './errors';
import { operationOutcomeCode, readPatientSearch } from './fhirPatientSearch';
import { NHS_NUMBER_SYSTEM, S_NUMBER_PATTERN, type PasClient, type PasLookupContext, type PasPatient } from './pasClient';

export interface FhirPasClientOptions {
  /** FHIR R4 base, e.g. https://pas.example.nhs.uk/fhir/R4 (a trailing slash is fine). http only for the sandbox. */
  baseUrl: string;
  /** The identifier system PAS files the S number under. Trust-specific, so there is no default. */
  sNumberSystem: string;
  /**
   * The shape of a local patient id, checked before anything is sent. Default S_NUMBER_PATTERN ("S" + 7 digits);
   * another trust passes its own (the domain's localPatientId allows this too).
   */
  sNumberPattern?: RegExp;
  /** Defaults to NHS England's https://fhir.nhs.uk/Id/nhs-number. */
  nhsNumberSystem?: string;
  /** Whole-exchange deadline. Default 5 s: a look-up sits on a clinician's or analyst's path. */
  timeoutMs?: number;
  /** Sent as `Authorization: Bearer <token>`. Never appears in an error message. */
  bearerToken?: string;
  /** Private CA / client certificate for the trust's internal PKI. */
  tls?: TlsOptions;
  /** Largest answer accepted. Default 1 MiB: one patient's searchset is a few KB. */
  maxResponseBytes?: number;
  /** Clock, for which names and addresses have ended. */
  now?: () => Date;
}

/**
 * PasClient over FHIR R4: `GET [base]/Patient?identifier=<sNumberSystem>|<sNumber>` (FHIR R4 search on a token
 * parameter, http://hl7.org/fhir/R4/search.html#token), read as a searchset Bundle.
 */
export class FhirPasClient implements PasClient {
  private readonly base: URL;
  private readonly agent: Agent;
  private readonly peer: string;
  private readonly nhsNumberSystem: string;
  private readonly timeoutMs: number;
  private readonly maxResponseBytes: number;
  private readonly now: () => Date;

  constructor(private readonly opts: FhirPasClientOptions) {
    const base = httpBaseUrl(opts.baseUrl, 'PAS base URL', 'bearerToken');
    if (!opts.sNumberSystem.trim()) throw new Error('PAS S-number identifier system is required');
    this.base = base;
    this.peer = base.origin;
    this.agent = createAgent(base, opts.tls);
    this.nhsNumberSystem = opts.nhsNumberSystem ?? NHS_NUMBER_SYSTEM;
    this.timeoutMs = opts.timeoutMs ?? 5_000;
    this.maxResponseBytes = opts.maxResponseBytes ?? 1024 * 1024;
    this.now = opts.now ?? (() => new Date());
  }

  async findBySNumber(sNumber: string, lookup: PasLookupContext = {}): Promise<PasPatient | undefined> {
    const ctx: PasErrorContext = { callRef: lookup.callRef, peer: this.peer };
    const trimmed = sNumber.trim();
    if (!wholeMatch(this.opts.sNumberPattern ?? S_NUMBER_PATTERN).test(trimmed)) throw new PasInvalidSNumberError(ctx);
    const wanted = trimmed.toUpperCase();

    const url = new URL('Patient', this.base);
    url.searchParams.set('identifier', `${this.opts.sNumberSystem}|${wanted}`);
    const headers: Record<string, string> = { accept: 'application/fhir+json', 'user-agent': 'imaging-transfer-bot' };
    if (this.opts.bearerToken) headers.authorization = `Bearer ${this.opts.bearerToken}`;

    let res;
    try {
      res = await exchange(this.agent, { url, method: 'GET', headers, timeoutMs: this.timeoutMs, maxBodyBytes: this.maxResponseBytes });
    } catch (err) {
      if (!(err instanceof ExchangeFailure)) throw err;
      switch (err.kind) {
        case 'timeout':
          throw new PasTimeoutError(this.timeoutMs, ctx);
        case 'tls':
          throw new PasTlsError(err.code, ctx, { cause: err });
        case 'too-large':
          throw new PasMalformedResponseError(`the answer is larger than ${this.maxResponseBytes} bytes`, ctx);
        default:
          throw new PasUnreachableError(err.code, ctx, { cause: err });
      }
    }

    const json = parseJson(res.body);
    if (res.status < 200 || res.status >= 300) throw new PasHttpError(res.status, operationOutcomeCode(json), ctx);
    if (!/^application\/(fhir\+)?json\b/i.test(res.contentType ?? '')) {
      throw new PasMalformedResponseError(`content type "${safeContentType(res.contentType)}" is not FHIR JSON`, ctx);
    }
    if (json === undefined) throw new PasMalformedResponseError('the body is not valid JSON', ctx);

    const outcome = readPatientSearch(json, wanted, { sNumberSystem: this.opts.sNumberSystem, nhsNumberSystem: this.nhsNumberSystem }, isoDate(this.now()));
    switch (outcome.kind) {
      case 'none':
        return undefined;
      case 'one':
        return outcome.patient;
      case 'many':
        throw new PasAmbiguousResultError(outcome.count, ctx);
      case 'mismatch':
        throw new PasPatientMismatchError(ctx);
      case 'malformed':
        throw new PasMalformedResponseError(outcome.problem, ctx);
    }
  }

  /** Closes kept-alive connections. Idempotent. */
  close(): void {
    this.agent.destroy();
  }
}

/** The pattern anchored at both ends, case-insensitive, without g/y (a global RegExp keeps lastIndex between calls). */
function wholeMatch(pattern: RegExp): RegExp {
  const flags = pattern.flags.replace(/[gy]/g, '');
  return new RegExp(`^(?:${pattern.source})$`, flags.includes('i') ? flags : `${flags}i`);
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}

/** Only the media type, and only if it looks like one: the header is the peer's text. */
function safeContentType(contentType: string | undefined): string {
  const media = (contentType ?? '').split(';')[0]?.trim() ?? '';
  return /^[\w.+-]{1,60}\/[\w.+-]{1,60}$/.test(media) ? media : 'missing';
}

// Built once: constructing an Intl.DateTimeFormat loads ICU zone data and cost ~0.4 ms per PAS check.
const LONDON_ISO_DATE = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit' });

/** Today's date in the UK (Europe/London), as FHIR periods are dates in the trust's local time. */
function isoDate(d: Date): string {
  return LONDON_ISO_DATE.format(d);
}
