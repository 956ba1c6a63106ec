/**
 * Typed failures of an IEP call. Messages carry ids only (call reference, transaction id, the IEP origin, HTTP status,
 * IEP's error code): never patient data, the bearer token or API key, because messages end up in logs and on cards.
 *
 * `retryable` is the contract with workers/: true means "try again later" (rethrow, BullMQ backs off; creates are safe
 * to repeat because the external reference is the idempotency key); false means "retrying cannot help, escalate"
 * (BullMQ UnrecoverableError).
 */
export type IepErrorCode = 'IEP_UNREACHABLE' | 'IEP_TIMEOUT' | 'IEP_TLS' | 'IEP_HTTP' | 'IEP_MALFORMED_RESPONSE' | 'IEP_INVALID_CALL';

/** Ids that locate a failure. */
export interface IepErrorContext {
  callRef?: string;
  transactionId?: string;
  /** Origin of the IEP endpoint (scheme://host:port). */
  peer?: string;
}

/** Base class: catch this for every IEP failure; switch on `code` or `retryable`. */
export abstract class IepError extends Error {
  abstract readonly code: IepErrorCode;
  abstract readonly retryable: boolean;
  readonly callRef?: string;
  readonly transactionId?: string;
  readonly peer?: string;

  protected constructor(message: string, ctx: IepErrorContext, options?: { cause?: unknown }) {
    const where = [ctx.callRef && `call ${ctx.callRef}`, ctx.transactionId && `IEP transaction ${ctx.transactionId}`, ctx.peer && `IEP ${ctx.peer}`]
      .filter(Boolean)
      .join(', ');
    super(where ? `${message} [${where}]` : message, options);
    this.name = new.target.name;
    this.callRef = ctx.callRef;
    this.transactionId = ctx.transactionId;
    this.peer = ctx.peer;
  }
}

/** No HTTP conversation with IEP: refused, reset, or the name did not resolve. Retryable. */
export class IepUnreachableError extends IepError {
  readonly code = 'IEP_UNREACHABLE' as const;
  readonly retryable = true;
  /** node's error code, e.g. ECONNREFUSED. */
  constructor(readonly networkCode: string | undefined, ctx: IepErrorContext, options?: { cause?: unknown }) {
    super(
      `IEP could not be reached${networkCode ? ` (${networkCode})` : ''}. It will be retried; if this persists, check ` +
        'the IEP integration point is up and the IEP base URL setting is right.',
      ctx,
      options,
    );
  }
}

/** IEP did not answer in time. Retryable (guideline 2.3e: the gateway is national and can be slow). */
export class IepTimeoutError extends IepError {
  readonly code = 'IEP_TIMEOUT' as const;
  readonly retryable = true;
  constructor(readonly timeoutMs: number, ctx: IepErrorContext) {
    super(`IEP did not answer within ${timeoutMs} ms. It will be retried; if this persists, raise the IEP timeout setting.`, ctx);
  }
}

/** The TLS handshake failed (untrusted or wrong-host certificate). Not retried: it needs a configuration change. */
export class IepTlsError extends IepError {
  readonly code = 'IEP_TLS' as const;
  readonly retryable = false;
  constructor(readonly tlsCode: string | undefined, ctx: IepErrorContext, options?: { cause?: unknown }) {
    super(
      `The secure connection to IEP failed${tlsCode ? ` (${tlsCode})` : ''}: its certificate is not trusted. Check the IEP ` +
        'CA certificate setting and that the IEP base URL names the host on the certificate.',
      ctx,
      options,
    );
  }
}

const HTTP_HINTS: Record<number, string> = {
  400: 'IEP refused the call as invalid: the request needs correcting',
  401: 'IEP refused our credentials: check the IEP token or API key',
  403: 'IEP refused access: check our account may do this',
  404: 'IEP does not know this transaction or institution',
  409: 'IEP refused the call in the transaction\'s current state, or the external reference was used for a different transaction',
  410: 'the images are no longer on IEP (Purged after 15 days)',
  429: 'IEP is rate-limiting us: it will be retried',
};

/**
 * IEP answered with an HTTP error. 5xx, 408 and 429 are retryable; other 4xx are permanent (retrying sends the same
 * call again).
 */
export class IepHttpError extends IepError {
  readonly code = 'IEP_HTTP' as const;
  readonly retryable: boolean;
  constructor(
    readonly status: number,
    /** IEP's error code (e.g. TRANSACTION_NOT_FOUND) when it sent one: a code, never its free text. */
    readonly iepCode: string | undefined,
    ctx: IepErrorContext,
  ) {
    const retryable = status >= 500 || status === 408 || status === 429;
    const hint =
      HTTP_HINTS[status] ??
      (retryable ? 'IEP reported a server error: it will be retried' : 'IEP refused the call: check the IEP settings');
    super(`IEP answered HTTP ${status}${iepCode ? ` (${iepCode})` : ''}. ${hint}.`, ctx);
    this.retryable = retryable;
  }
}

/** IEP answered 2xx with something that does not follow the contract. Permanent: retrying reads the same thing. */
export class IepMalformedResponseError extends IepError {
  readonly code = 'IEP_MALFORMED_RESPONSE' as const;
  readonly retryable = false;
  /** What was wrong, in schema paths and codes (never the peer's values). */
  constructor(readonly problem: string, ctx: IepErrorContext) {
    super(`IEP answered with a malformed response (${problem}). Check the IEP base URL points at the integration point.`, ctx);
  }
}

/** We refused to send a call that breaks the contract (e.g. an empty external reference). Permanent: fix the caller. */
export class IepInvalidCallError extends IepError {
  readonly code = 'IEP_INVALID_CALL' as const;
  readonly retryable = false;
  constructor(readonly problem: string, ctx: IepErrorContext) {
    super(`The IEP call was not sent: ${problem}.`, ctx);
  }
}
