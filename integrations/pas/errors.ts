/**
 * Typed failures of a PAS (PatientCentre/HISS) look-up. Each says what happened, whether it will be retried, and what an
 * analyst can do. Messages carry ids only (call reference, the PAS address, HTTP status, FHIR issue code): never the S
 * number, NHS number, name or token, because error messages end up in logs and on analysts' cards.
 *
 * `retryable` is the contract with workers/: true means "try again later" (rethrow, BullMQ backs off); false means
 * "retrying cannot help, escalate" (BullMQ UnrecoverableError).
 */
export type PasErrorCode =
  | 'PAS_UNREACHABLE'
  | 'PAS_TIMEOUT'
  | 'PAS_TLS'
  | 'PAS_HTTP'
  | 'PAS_MALFORMED_RESPONSE'
  | 'PAS_AMBIGUOUS'
  | 'PAS_PATIENT_MISMATCH'
  | 'PAS_INVALID_S_NUMBER';

/** Ids that locate a failure. */
export interface PasErrorContext {
  callRef?: string;
  /** Origin of the PAS FHIR endpoint (scheme://host:port), never the query string, which holds the S number. */
  peer?: string;
}

/** Base class: catch this to handle every PAS failure; switch on `code` or `retryable`. */
export abstract class PasError extends Error {
  abstract readonly code: PasErrorCode;
  abstract readonly retryable: boolean;
  readonly callRef?: string;
  readonly peer?: string;

  protected constructor(message: string, ctx: PasErrorContext, options?: { cause?: unknown }) {
    const where = [ctx.callRef && `call ${ctx.callRef}`, ctx.peer && `PAS ${ctx.peer}`].filter(Boolean).join(', ');
    super(where ? `${message} [${where}]` : message, options);
    this.name = new.target.name;
    this.callRef = ctx.callRef;
    this.peer = ctx.peer;
  }
}

/** No HTTP conversation with PAS: refused, reset, or the name did not resolve. Retryable. */
export class PasUnreachableError extends PasError {
  readonly code = 'PAS_UNREACHABLE' as const;
  readonly retryable = true;
  /** node's error code, e.g. ECONNREFUSED, ENOTFOUND. */
  constructor(readonly networkCode: string | undefined, ctx: PasErrorContext, options?: { cause?: unknown }) {
    super(
      `PAS could not be reached${networkCode ? ` (${networkCode})` : ''}. The look-up will be retried; if this persists, ` +
        'check that the PatientCentre FHIR service is up and that the PAS base URL setting is right.',
      ctx,
      options,
    );
  }
}

/** PAS did not answer in time. Retryable. */
export class PasTimeoutError extends PasError {
  readonly code = 'PAS_TIMEOUT' as const;
  readonly retryable = true;
  constructor(readonly timeoutMs: number, ctx: PasErrorContext) {
    super(
      `PAS did not answer the patient look-up within ${timeoutMs} ms. It will be retried; if this persists, check the ` +
        'PatientCentre FHIR service load or raise the PAS timeout setting.',
      ctx,
    );
  }
}

/**
 * The TLS handshake failed: PAS's certificate is not trusted (unknown CA, self-signed, expired, wrong host name) or the
 * protocols do not match. Not retried: it needs a configuration change, not time.
 */
export class PasTlsError extends PasError {
  readonly code = 'PAS_TLS' as const;
  readonly retryable = false;
  constructor(readonly tlsCode: string | undefined, ctx: PasErrorContext, options?: { cause?: unknown }) {
    super(
      `The secure connection to PAS failed${tlsCode ? ` (${tlsCode})` : ''}: its certificate is not trusted. Check the ` +
        "PAS CA certificate setting (the trust's internal CA) and that the PAS base URL names the host on the certificate.",
      ctx,
      options,
    );
  }
}

const HTTP_HINTS: Record<number, string> = {
  400: 'PAS refused the search as invalid: check the S-number identifier system setting',
  401: 'PAS refused our credentials: check the PAS access token',
  403: 'PAS refused access: check that our client is allowed to read Patient resources',
  404: 'PAS has no Patient search at that address: check the PAS base URL setting',
  429: 'PAS is rate-limiting us: the look-up will be retried',
};

/** PAS answered with an HTTP error. 5xx and 429 are retryable; other 4xx are permanent (retrying sends the same thing). */
export class PasHttpError extends PasError {
  readonly code = 'PAS_HTTP' as const;
  readonly retryable: boolean;
  constructor(
    readonly status: number,
    /** FHIR OperationOutcome issue code (e.g. "security", "not-found"), when PAS sent one. A code, never free text. */
    readonly issueCode: string | undefined,
    ctx: PasErrorContext,
  ) {
    const retryable = status >= 500 || status === 429;
    const hint =
      HTTP_HINTS[status] ??
      (retryable
        ? 'PAS reported a server error: the look-up will be retried; if this persists, raise it with the PatientCentre team'
        : 'PAS refused the request: check the PAS settings');
    super(`PAS answered HTTP ${status}${issueCode ? ` (FHIR issue "${issueCode}")` : ''}. ${hint}.`, ctx);
    this.retryable = retryable;
  }
}

/** PAS answered 200 with something that is not a usable FHIR searchset of Patients. Permanent. */
export class PasMalformedResponseError extends PasError {
  readonly code = 'PAS_MALFORMED_RESPONSE' as const;
  readonly retryable = false;
  /** What was wrong, in our words and schema paths (never the peer's values). */
  constructor(readonly problem: string, ctx: PasErrorContext) {
    super(
      `PAS answered with a malformed patient search result (${problem}). The patient cannot be confirmed as registered; ` +
        'check the PAS base URL points at the PatientCentre FHIR R4 endpoint, or check the record on PatientCentre by hand.',
      ctx,
    );
  }
}

/** More than one PAS record carries the S number: a duplicate registration. Permanent until PAS is corrected. */
export class PasAmbiguousResultError extends PasError {
  readonly code = 'PAS_AMBIGUOUS' as const;
  readonly retryable = false;
  constructor(readonly matches: number, ctx: PasErrorContext) {
    super(
      `PAS returned ${matches} patients for one S number, so the patient cannot be identified safely. Ask the ` +
        'PatientCentre registration team to resolve the duplicate registration (guideline 2.7e), then retry the request.',
      ctx,
    );
  }
}

/** PAS returned a patient who does not carry the S number we asked for. Never used: wrong-patient risk. Permanent. */
export class PasPatientMismatchError extends PasError {
  readonly code = 'PAS_PATIENT_MISMATCH' as const;
  readonly retryable = false;
  constructor(ctx: PasErrorContext) {
    super(
      'PAS returned a patient whose S number is not the one searched for, so the answer was discarded (wrong-patient ' +
        'risk). Check the S-number identifier system setting and report the PAS search behaviour to the PatientCentre team.',
      ctx,
    );
  }
}

/** The S number is not in the expected shape ("S" + 7 digits by default), so it was not sent to PAS. Permanent. */
export class PasInvalidSNumberError extends PasError {
  readonly code = 'PAS_INVALID_S_NUMBER' as const;
  readonly retryable = false;
  constructor(ctx: PasErrorContext) {
    super('The S number is not in the expected format (at UHL, "S" followed by 7 digits), so PAS was not asked. Correct the request.', ctx);
  }
}
