/**
 * Typed failures of recording an exam on CRIS. Each says what happened, whether it will be retried, and what an analyst
 * can do; each quotes ids only (call reference, exam id, message control id, peer address), never patient data.
 *
 * `retryable` is the contract with workers/: false means "do not resend, escalate" (BullMQ UnrecoverableError);
 * true means "resend later with the same message control id", which is safe because CRIS can recognise the duplicate.
 */
export type RisErrorCode =
  | 'RIS_UNREACHABLE'
  | 'RIS_TIMEOUT'
  | 'RIS_MALFORMED_ACK'
  | 'RIS_ACK_MISMATCH'
  | 'RIS_AE'
  | 'RIS_AR'
  | 'RIS_ENTRY_INVALID';

/** Ids that locate a failure. All optional because a failure can happen before some are known. */
export interface RisErrorContext {
  callRef?: string;
  examId?: string;
  messageControlId?: string;
  /** `host:port` of the CRIS HL7 listener. */
  peer?: string;
  /** How many times the message was sent in this call. */
  attempts?: number;
}

/** Base class: catch this to handle every RIS failure; switch on `code` or `retryable`. */
export abstract class RisError extends Error {
  abstract readonly code: RisErrorCode;
  abstract readonly retryable: boolean;
  readonly callRef?: string;
  readonly examId?: string;
  readonly messageControlId?: string;
  readonly peer?: string;
  readonly attempts?: number;

  protected constructor(message: string, ctx: RisErrorContext, options?: { cause?: unknown }) {
    super(`${message} ${describe(ctx)}`.trim(), options);
    this.name = new.target.name;
    this.callRef = ctx.callRef;
    this.examId = ctx.examId;
    this.messageControlId = ctx.messageControlId;
    this.peer = ctx.peer;
    this.attempts = ctx.attempts;
  }
}

export type UnreachableReason = 'refused' | 'connect-timeout' | 'closed-before-ack' | 'network';

const UNREACHABLE_TEXT: Record<UnreachableReason, string> = {
  refused: 'refused the connection',
  'connect-timeout': 'did not accept a connection in time',
  'closed-before-ack': 'closed the connection before acknowledging the message',
  network: 'could not be reached (network error)',
};

/** No TCP conversation with CRIS: refused, unroutable, or dropped before an ACK came back. Retryable. */
export class RisUnreachableError extends RisError {
  readonly code = 'RIS_UNREACHABLE' as const;
  readonly retryable = true;
  constructor(readonly reason: UnreachableReason, ctx: RisErrorContext, options?: { cause?: unknown }) {
    super(
      `The CRIS HL7 interface ${UNREACHABLE_TEXT[reason]}. The exam will be resent with the same message control id; ` +
        'if this persists, check that the CRIS HL7 listener is running and that the RIS host and port settings are right.',
      ctx,
      options,
    );
  }
}

/** CRIS took the message but no ACK came back in time. It may have recorded it anyway. Retryable. */
export class RisTimeoutError extends RisError {
  readonly code = 'RIS_TIMEOUT' as const;
  readonly retryable = true;
  constructor(readonly timeoutMs: number, ctx: RisErrorContext) {
    super(
      `CRIS did not acknowledge the exam within ${timeoutMs} ms. It may still have recorded it: the exam will be resent ` +
        'with the same message control id so CRIS can recognise a duplicate; if this persists, check the CRIS HL7 interface queue.',
      ctx,
    );
  }
}

/** The peer answered with something that is not a usable HL7 ACK (no MSA, unknown MSA-1, unparseable). Retryable. */
export class RisMalformedAckError extends RisError {
  readonly code = 'RIS_MALFORMED_ACK' as const;
  readonly retryable = true;
  /** What was wrong, in our words (never the peer's bytes). */
  constructor(readonly problem: string, ctx: RisErrorContext) {
    super(
      `CRIS answered with a malformed acknowledgement (${problem}), so the exam is not counted as recorded. It will be ` +
        'resent with the same message control id; if this persists, check that the RIS port points at the CRIS HL7 listener.',
      ctx,
    );
  }
}

/** Only ACKs for other message control ids came back: never counted as success (HL7 v2 2.9.2, MSA-2). Retryable. */
export class RisAckMismatchError extends RisError {
  readonly code = 'RIS_ACK_MISMATCH' as const;
  readonly retryable = true;
  constructor(readonly receivedControlId: string | undefined, ctx: RisErrorContext) {
    super(
      `CRIS acknowledged a different message (${receivedControlId === undefined ? 'MSA-2 empty or unprintable' : `MSA-2 "${receivedControlId}"`}), ` +
        'so this exam is not counted as recorded. It will be resent with the same message control id; if this persists, ' +
        'check whether another system shares the CRIS HL7 connection.',
      ctx,
    );
  }
}

/** What CRIS said about an AE or AR: codes only in the message; its free text kept off the enumerable fields. */
export interface RisNegativeAck {
  /** HL7 error code (ERR-3.1 in 2.5+, ERR-1.4.1 in 2.4, else MSA-6.1), when CRIS sent one. */
  errorCode?: string;
  /** Where CRIS found the problem, e.g. `PID^1^3`, when it said. */
  errorLocation?: string;
  /**
   * MSA-3 / ERR text from CRIS. It may echo patient data, so it is non-enumerable (pino's error serialiser skips it) and
   * never part of `message`; show it to an analyst deliberately, never log it.
   */
  peerText?: string;
}

abstract class RisNegativeAckError extends RisError {
  readonly errorCode?: string;
  readonly errorLocation?: string;
  declare readonly peerText?: string;
  protected constructor(message: string, ack: RisNegativeAck, ctx: RisErrorContext) {
    const codes = [ack.errorCode && `HL7 error code ${ack.errorCode}`, ack.errorLocation && `at ${ack.errorLocation}`].filter(Boolean);
    super(`${message}${codes.length ? ` (${codes.join(' ')})` : ''}`, ctx);
    this.errorCode = ack.errorCode;
    this.errorLocation = ack.errorLocation;
    Object.defineProperty(this, 'peerText', { value: ack.peerText, enumerable: false });
  }
}

/** MSA-1 = AE: CRIS could not process the exam. Not resent (it would fail the same way): escalate. Permanent. */
export class RisApplicationError extends RisNegativeAckError {
  readonly code = 'RIS_AE' as const;
  readonly retryable = false;
  constructor(ack: RisNegativeAck, ctx: RisErrorContext) {
    super(
      'CRIS returned an application error (AE) for the exam and did not record it. It will not be resent: an analyst ' +
        'should check the exam code and the patient\'s S number on CRIS, then record the exam by hand or resubmit',
      ack,
      ctx,
    );
  }
}

/** MSA-1 = AR: CRIS rejected the message without processing it (e.g. busy). Retryable with the same control id. */
export class RisRejectedError extends RisNegativeAckError {
  readonly code = 'RIS_AR' as const;
  readonly retryable = true;
  constructor(ack: RisNegativeAck, ctx: RisErrorContext) {
    super(
      'CRIS rejected the message (AR) without processing it. It will be resent with the same message control id; ' +
        'if this persists, check the CRIS HL7 interface status',
      ack,
      ctx,
    );
  }
}

/** The entry we were given cannot be sent (bad S number, date, etc.). Fix the request data; resending won't help. */
export class RisEntryInvalidError extends RisError {
  readonly code = 'RIS_ENTRY_INVALID' as const;
  readonly retryable = false;
  /** `path: problem` per bad field; never the values. */
  constructor(readonly fields: string[], ctx: RisErrorContext) {
    super(`The exam cannot be sent to CRIS because these fields are invalid: ${fields.join('; ')}. Correct the request data.`, ctx);
  }
}

function describe(ctx: RisErrorContext): string {
  const parts = [
    ctx.callRef && `call ${ctx.callRef}`,
    ctx.examId && `exam ${ctx.examId}`,
    ctx.messageControlId && `message control id ${ctx.messageControlId}`,
    ctx.peer && `CRIS ${ctx.peer}`,
    ctx.attempts !== undefined && `${ctx.attempts} attempt${ctx.attempts === 1 ? '' : 's'}`,
  ].filter(Boolean);
  return parts.length ? `[${parts.join(', ')}]` : '';
}
