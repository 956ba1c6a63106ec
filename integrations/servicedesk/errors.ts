/**
 * Typed failures of the service desk (local Redis record or Ivanti). Each says what happened, whether it will be
 * retried, and what an analyst can do. Messages carry ids only (call reference, our request id, the desk's address,
 * HTTP status, Ivanti's ISM error code): never the API key, and never summary or note text.
 *
 * `retryable` is the contract with workers/: true means "try again later"; false means "retrying cannot help".
 */
export type ServiceDeskErrorCode =
  | 'SERVICEDESK_UNREACHABLE'
  | 'SERVICEDESK_TIMEOUT'
  | 'SERVICEDESK_TLS'
  | 'SERVICEDESK_HTTP'
  | 'SERVICEDESK_MALFORMED_RESPONSE'
  | 'SERVICEDESK_UNKNOWN_CALL_REF'
  | 'SERVICEDESK_INVALID_INPUT'
  | 'SERVICEDESK_STORE';

export interface ServiceDeskErrorContext {
  callRef?: string;
  requestId?: string;
  /** Origin of the Ivanti tenant (scheme://host:port), or "local" for the Redis desk. */
  peer?: string;
}

/** Base class: catch this to handle every service-desk failure; switch on `code` or `retryable`. */
export abstract class ServiceDeskError extends Error {
  abstract readonly code: ServiceDeskErrorCode;
  abstract readonly retryable: boolean;
  readonly callRef?: string;
  readonly requestId?: string;
  readonly peer?: string;

  protected constructor(message: string, ctx: ServiceDeskErrorContext, options?: { cause?: unknown }) {
    const where = [ctx.callRef && `call ${ctx.callRef}`, ctx.requestId && `request ${ctx.requestId}`, ctx.peer && `service desk ${ctx.peer}`]
      .filter(Boolean)
      .join(', ');
    super(where ? `${message} [${where}]` : message, options);
    this.name = new.target.name;
    this.callRef = ctx.callRef;
    this.requestId = ctx.requestId;
    this.peer = ctx.peer;
  }
}

/** No HTTP conversation with the desk: refused, reset, or the name did not resolve. Retryable. */
export class ServiceDeskUnreachableError extends ServiceDeskError {
  readonly code = 'SERVICEDESK_UNREACHABLE' as const;
  readonly retryable = true;
  constructor(readonly networkCode: string | undefined, ctx: ServiceDeskErrorContext, options?: { cause?: unknown }) {
    super(
      `The service desk (Ivanti) could not be reached${networkCode ? ` (${networkCode})` : ''}. It will be retried; if ` +
        'this persists, check that Ivanti is up and that the service-desk URL setting is right.',
      ctx,
      options,
    );
  }
}

/** The desk did not answer in time. It may have acted anyway (a retry finds the record if requestIdField is set). Retryable. */
export class ServiceDeskTimeoutError extends ServiceDeskError {
  readonly code = 'SERVICEDESK_TIMEOUT' as const;
  readonly retryable = true;
  constructor(readonly timeoutMs: number, ctx: ServiceDeskErrorContext) {
    super(
      `The service desk did not answer within ${timeoutMs} ms. It will be retried; if this persists, check Ivanti's ` +
        'load or raise the service-desk timeout setting.',
      ctx,
    );
  }
}

/** The TLS handshake failed (untrusted CA, wrong host name, expired). Needs a configuration change. Permanent. */
export class ServiceDeskTlsError extends ServiceDeskError {
  readonly code = 'SERVICEDESK_TLS' as const;
  readonly retryable = false;
  constructor(readonly tlsCode: string | undefined, ctx: ServiceDeskErrorContext, options?: { cause?: unknown }) {
    super(
      `The secure connection to the service desk failed${tlsCode ? ` (${tlsCode})` : ''}: its certificate is not ` +
        'trusted. Check the service-desk CA certificate setting and that the URL names the host on the certificate.',
      ctx,
      options,
    );
  }
}

const HTTP_HINTS: Record<number, string> = {
  400: 'Ivanti refused the record: check the service-desk field settings (business object, required fields, status values)',
  401: 'Ivanti refused our REST API key: check the key and that it is activated',
  403: "Ivanti refused access: check the REST API key's role can add and edit this business object",
  404: 'Ivanti has no such business object at that address: check the service-desk URL and business object settings',
  429: 'Ivanti is rate-limiting us: it will be retried',
};

/** Ivanti answered with an HTTP error. 5xx and 429 are retryable (Ivanti's API guide says to retry those); other 4xx are permanent. */
export class ServiceDeskHttpError extends ServiceDeskError {
  readonly code = 'SERVICEDESK_HTTP' as const;
  readonly retryable: boolean;
  constructor(
    readonly status: number,
    /** Ivanti's error code, e.g. ISM_4000, when it sent one. Its message text is not kept: it can echo field values. */
    readonly ismCode: string | undefined,
    ctx: ServiceDeskErrorContext,
  ) {
    const retryable = status >= 500 || status === 429;
    const hint =
      HTTP_HINTS[status] ??
      (retryable ? 'Ivanti reported a server error: it will be retried; if this persists, raise it with the Ivanti administrators' : 'Ivanti refused the request: check the service-desk settings');
    super(`The service desk answered HTTP ${status}${ismCode ? ` (${ismCode})` : ''}. ${hint}.`, ctx);
    this.retryable = retryable;
  }
}

/** The desk answered 2xx with something we cannot read (not JSON, no record number). Permanent. */
export class ServiceDeskMalformedResponseError extends ServiceDeskError {
  readonly code = 'SERVICEDESK_MALFORMED_RESPONSE' as const;
  readonly retryable = false;
  /** What was wrong, in our words and schema paths (never the peer's values). */
  constructor(readonly problem: string, ctx: ServiceDeskErrorContext) {
    super(
      `The service desk answered with something we cannot read (${problem}). Check that the service-desk URL points at ` +
        "the Ivanti tenant's REST API; the request may need logging by hand.",
      ctx,
    );
  }
}

/** No logged request has this call reference. Permanent. */
export class ServiceDeskUnknownCallRefError extends ServiceDeskError {
  readonly code = 'SERVICEDESK_UNKNOWN_CALL_REF' as const;
  readonly retryable = false;
  constructor(ctx: ServiceDeskErrorContext) {
    super('The service desk has no request with this call reference. Check the call reference on the request.', ctx);
  }
}

/** What we were asked to send is not acceptable (patient data in free text, too long, bad id). Permanent: fix the caller. */
export class ServiceDeskInvalidInputError extends ServiceDeskError {
  readonly code = 'SERVICEDESK_INVALID_INPUT' as const;
  readonly retryable = false;
  /** `field: problem` per bad field; never the values. */
  constructor(readonly problems: string[], ctx: ServiceDeskErrorContext) {
    super(`Nothing was sent to the service desk because: ${problems.join('; ')}.`, ctx);
  }
}

/** The local desk's Redis failed (down, read-only, out of memory). Retryable. */
export class ServiceDeskStoreError extends ServiceDeskError {
  readonly code = 'SERVICEDESK_STORE' as const;
  readonly retryable = true;
  constructor(ctx: ServiceDeskErrorContext, options?: { cause?: unknown }) {
    super('The local service-desk record store (Redis) failed. It will be retried; if this persists, check Redis.', ctx, options);
  }
}
