/**
 * Typed failures of a PACS exchange (DICOMweb or DIMSE). Each says what happened, whether a retry can help, and what an
 * analyst can do. Messages carry ids only (call reference, the PACS address or AE title, HTTP or DIMSE status): never a
 * Patient ID, name, query string, UID list, password or token, because error messages end up in logs and on cards.
 *
 * `retryable` is the contract with workers/: true means "try again later" (rethrow, BullMQ backs off); false means
 * "retrying cannot help, escalate" (BullMQ UnrecoverableError).
 */
export type PacsErrorCode =
  | 'PACS_CONFIG'
  | 'PACS_INVALID_QUERY'
  | 'PACS_UNREACHABLE'
  | 'PACS_TIMEOUT'
  | 'PACS_TLS'
  | 'PACS_HTTP'
  | 'PACS_MALFORMED_RESPONSE'
  | 'PACS_ASSOCIATION_REJECTED'
  | 'PACS_ASSOCIATION_ABORTED'
  | 'PACS_NOT_ACCEPTED'
  | 'PACS_DIMSE_STATUS'
  | 'PACS_QUERY_TOO_BROAD'
  | 'PACS_STUDY_NOT_FOUND'
  | 'PACS_RETRIEVE_INCOMPLETE'
  | 'PACS_LOCAL_FILE';

/** Ids that locate a failure. */
export interface PacsErrorContext {
  callRef?: string;
  /** Where the PACS is: an origin (scheme://host:port) or "AET@host:port". Never a path with a query string. */
  peer?: string;
}

/** Base class: catch this to handle every PACS failure; switch on `code` or `retryable`. */
export abstract class PacsError extends Error {
  abstract readonly code: PacsErrorCode;
  abstract readonly retryable: boolean;
  readonly callRef?: string;
  readonly peer?: string;

  protected constructor(message: string, ctx: PacsErrorContext, options?: { cause?: unknown }) {
    const where = [ctx.callRef && `call ${ctx.callRef}`, ctx.peer && `PACS ${ctx.peer}`].filter(Boolean).join(', ');
    super(where ? `${message} [${where}]` : message, options);
    this.name = new.target.name;
    this.callRef = ctx.callRef;
    this.peer = ctx.peer;
  }
}

/** The client's settings are unusable (bad URL, missing AE title, credentials in the URL). Fix the configuration. */
export class PacsConfigError extends PacsError {
  readonly code = 'PACS_CONFIG' as const;
  readonly retryable = false;
  constructor(problem: string, ctx: PacsErrorContext = {}) {
    super(`The PACS client settings are not usable: ${problem}.`, ctx);
  }
}

/** The search or retrieve asked for was refused before anything was sent (bad date, UID, empty search). Permanent. */
export class PacsInvalidQueryError extends PacsError {
  readonly code = 'PACS_INVALID_QUERY' as const;
  readonly retryable = false;
  /** What was wrong, in our words (never the value given). */
  constructor(readonly problem: string, ctx: PacsErrorContext = {}) {
    super(`The PACS request was not sent because it is invalid: ${problem}.`, ctx);
  }
}

/** No conversation with the PACS: refused, reset, host not found, or the connection dropped mid-way. Retryable. */
export class PacsUnreachableError extends PacsError {
  readonly code = 'PACS_UNREACHABLE' as const;
  readonly retryable = true;
  /** node's error code, e.g. ECONNREFUSED, ENOTFOUND, ECONNRESET. */
  constructor(readonly networkCode: string | undefined, ctx: PacsErrorContext, options?: { cause?: unknown }) {
    super(
      `PACS could not be reached${networkCode ? ` (${networkCode})` : ''}. It will be retried; if this persists, check ` +
        'that the PACS is up and that the PACS address and port settings are right.',
      ctx,
      options,
    );
  }
}

/** The PACS did not answer, or stopped sending, within the deadline. Retryable. */
export class PacsTimeoutError extends PacsError {
  readonly code = 'PACS_TIMEOUT' as const;
  readonly retryable = true;
  constructor(readonly timeoutMs: number, ctx: PacsErrorContext) {
    super(
      `PACS did not answer within ${timeoutMs} ms. It will be retried; if this persists, check the PACS load or raise ` +
        'the PACS timeout setting.',
      ctx,
    );
  }
}

/**
 * The TLS handshake failed: the PACS certificate is not trusted (unknown CA, self-signed, expired, wrong host name), it
 * refused our client certificate, or the protocols do not match. Not retried: it needs a configuration change.
 */
export class PacsTlsError extends PacsError {
  readonly code = 'PACS_TLS' as const;
  readonly retryable = false;
  constructor(readonly tlsCode: string | undefined, ctx: PacsErrorContext, options?: { cause?: unknown }) {
    super(
      `The secure connection to PACS failed${tlsCode ? ` (${tlsCode})` : ''}. Check the PACS CA certificate setting ` +
        "(the trust's internal CA), the client certificate if PACS asks for one, and that the PACS address names the " +
        'host on its certificate.',
      ctx,
      options,
    );
  }
}

const HTTP_HINTS: Record<number, string> = {
  400: 'PACS refused the request as invalid: check the DICOMweb base URL points at a PS3.18 service',
  401: 'PACS refused our credentials: check the PACS user name and password or token settings',
  403: 'PACS refused access: check that our account may search, retrieve and store studies',
  404: 'PACS has no DICOMweb service or no such resource at that address: check the DICOMweb base URL',
  406: 'PACS cannot send the media type we asked for: check it supports multipart/related application/dicom',
  413: 'PACS refused the upload as too large: lower the PACS store batch size setting',
  415: 'PACS refused the media type we sent: check it supports STOW-RS multipart/related application/dicom',
  429: 'PACS is rate-limiting us: it will be retried',
};

/** The PACS answered with an HTTP error. 5xx, 408 and 429 are retryable; other 4xx are permanent. */
export class PacsHttpError extends PacsError {
  readonly code = 'PACS_HTTP' as const;
  readonly retryable: boolean;
  constructor(readonly status: number, ctx: PacsErrorContext) {
    const retryable = status >= 500 || status === 408 || status === 429;
    const hint =
      HTTP_HINTS[status] ??
      (retryable
        ? 'PACS reported a server error: it will be retried; if this persists, raise it with the PACS team'
        : 'PACS refused the request: check the PACS settings');
    super(`PACS answered HTTP ${status}. ${hint}.`, ctx);
    this.retryable = retryable;
  }
}

/** The PACS answered with something that is not what the standard says it should send. Permanent. */
export class PacsMalformedResponseError extends PacsError {
  readonly code = 'PACS_MALFORMED_RESPONSE' as const;
  readonly retryable = false;
  /** What was wrong, in our words and schema paths (never the peer's values). */
  constructor(readonly problem: string, ctx: PacsErrorContext, options?: { cause?: unknown }) {
    super(
      `PACS answered with a malformed response (${problem}). Check the PACS address points at a DICOMweb (PS3.18) or ` +
        'DICOM (PS3.7) service, and report the answer to the PACS team.',
      ctx,
      options,
    );
  }
}

/** PS3.8 9.3.4 A-ASSOCIATE-RJ reasons, in words an analyst can act on. */
const REJECT_HINTS: Record<string, string> = {
  'calling-ae-not-recognized': 'PACS does not know our AE title: ask the PACS team to register our calling AE title',
  'called-ae-not-recognized': 'PACS does not answer to that AE title: check the PACS called AE title setting',
  'application-context-not-supported': 'PACS does not speak DICOM application context 1.2.840.10008.3.1.1.1',
  'protocol-version-not-supported': 'PACS does not support our DICOM upper-layer protocol version',
  'temporary-congestion': 'PACS is busy: it will be retried',
  'local-limit-exceeded': 'PACS has too many associations open: it will be retried',
  'no-reason-given': 'PACS gave no reason: check our AE title is registered on the PACS',
};

/**
 * The PACS refused the DICOM association (PS3.8 9.3.4 A-ASSOCIATE-RJ). Retryable only when the PACS said the refusal
 * is transient (result 2, e.g. congestion); a permanent rejection needs an AE title or PACS configuration change.
 */
export class PacsAssociationRejectedError extends PacsError {
  readonly code = 'PACS_ASSOCIATION_REJECTED' as const;
  readonly retryable: boolean;
  constructor(
    readonly transient: boolean,
    /** e.g. "calling-ae-not-recognized" (PS3.8 table 9-21 reason, in words). */
    readonly reason: string,
    ctx: PacsErrorContext,
  ) {
    const hint = REJECT_HINTS[reason] ?? `PACS gave reason "${reason}"`;
    super(`PACS rejected the DICOM association (${transient ? 'transient' : 'permanent'}, ${reason}). ${hint}.`, ctx);
    this.retryable = transient;
  }
}

/** The PACS aborted the association (PS3.8 A-ABORT) or closed it before answering. Retryable. */
export class PacsAssociationAbortedError extends PacsError {
  readonly code = 'PACS_ASSOCIATION_ABORTED' as const;
  readonly retryable = true;
  constructor(ctx: PacsErrorContext) {
    super(
      'PACS aborted the DICOM association before the operation finished. It will be retried; if this persists, check ' +
        'that the PACS allows our AE title this operation (some PACS abort rather than refuse) and the PACS logs.',
      ctx,
    );
  }
}

/**
 * The PACS accepted the association but not the service or object type asked for (PS3.8 presentation context
 * rejected: abstract syntax or transfer syntax not supported). Permanent: PACS configuration.
 */
export class PacsNotAcceptedError extends PacsError {
  readonly code = 'PACS_NOT_ACCEPTED' as const;
  readonly retryable = false;
  constructor(readonly service: string, ctx: PacsErrorContext) {
    super(
      `PACS does not accept ${service} from us (presentation context rejected). Ask the PACS team to allow it for our AE title.`,
      ctx,
    );
  }
}

/**
 * A DIMSE operation ended with a failure status (PS3.7 C.4, Annex C). 0xA7xx (out of resources) is retryable; other
 * failures (e.g. 0xA801 move destination unknown, 0xC000 unable to process) are permanent.
 */
export class PacsDimseStatusError extends PacsError {
  readonly code = 'PACS_DIMSE_STATUS' as const;
  readonly retryable: boolean;
  constructor(
    readonly operation: 'C-ECHO' | 'C-FIND' | 'C-STORE' | 'C-MOVE',
    readonly status: number,
    hint: string,
    ctx: PacsErrorContext,
  ) {
    super(`PACS answered ${operation} with failure status 0x${status.toString(16).toUpperCase().padStart(4, '0')}. ${hint}.`, ctx);
    this.retryable = (status & 0xff00) === 0xa700;
  }
}

/** A study search matched more studies than the client accepts. Permanent: narrow the search. */
export class PacsQueryTooBroadError extends PacsError {
  readonly code = 'PACS_QUERY_TOO_BROAD' as const;
  readonly retryable = false;
  constructor(readonly limit: number, ctx: PacsErrorContext) {
    super(
      `The PACS search matched more than ${limit} studies, so none are shown rather than an incomplete list. Narrow ` +
        'the search (date range, modality or accession number).',
      ctx,
    );
  }
}

/** The PACS holds no such study (HTTP 404, or a C-MOVE that moved nothing). Permanent: check the study was chosen right. */
export class PacsStudyNotFoundError extends PacsError {
  readonly code = 'PACS_STUDY_NOT_FOUND' as const;
  readonly retryable = false;
  constructor(ctx: PacsErrorContext) {
    super('PACS holds no study with that Study Instance UID. Search PACS again and choose the study from the list.', ctx);
  }
}

/** A retrieve ended with fewer instances than the PACS said it had, or some sub-operations failed. Retryable. */
export class PacsRetrieveIncompleteError extends PacsError {
  readonly code = 'PACS_RETRIEVE_INCOMPLETE' as const;
  readonly retryable = true;
  constructor(readonly received: number, readonly failed: number, ctx: PacsErrorContext) {
    super(
      `The study was only partly retrieved from PACS (${received} instance(s) received, ${failed} failed). It will be ` +
        'retried; if this persists, check the PACS logs for the failed sub-operations.',
      ctx,
    );
  }
}

/** A file on our side could not be read or written (gone, unreadable, disk full). Permanent until someone looks. */
export class PacsLocalFileError extends PacsError {
  readonly code = 'PACS_LOCAL_FILE' as const;
  readonly retryable = false;
  constructor(readonly fsCode: string | undefined, action: 'read' | 'write', ctx: PacsErrorContext, options?: { cause?: unknown }) {
    super(
      `A local DICOM file could not be ${action === 'read' ? 'read for sending to' : 'written while retrieving from'} PACS` +
        `${fsCode ? ` (${fsCode})` : ''}. Check the working folder exists, has space and is readable by the worker.`,
      ctx,
      options,
    );
  }
}
