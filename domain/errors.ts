/**
 * Typed domain failures. Every domain error is permanent (`retryable: false`): the same input will fail the same way,
 * so a worker must not retry it (BullMQ UnrecoverableError) but record it and tell an analyst.
 * Messages quote ids and statuses only, never patient data.
 */
export type DomainErrorCode = 'ILLEGAL_TRANSITION' | 'INVALID_LOCAL_DATE' | 'INVALID_CALL_REF' | 'INVALID_CALENDAR_DATA';

/** Base class: catch this to handle every domain failure; switch on `code`. */
export abstract class DomainError extends Error {
  abstract readonly code: DomainErrorCode;
  readonly retryable = false as const;

  protected constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A status change the lifecycle does not allow for this kind of request. */
export class IllegalTransitionError extends DomainError {
  readonly code = 'ILLEGAL_TRANSITION' as const;
  constructor(
    readonly requestKind: string,
    readonly from: string,
    readonly to: string,
  ) {
    super(`a ${requestKind} request cannot move from "${from}" to "${to}"`);
  }
}

/** Text that is not a real calendar date `YYYY-MM-DD`. The text itself is not quoted: it may be a date of birth. */
export class InvalidLocalDateError extends DomainError {
  readonly code = 'INVALID_LOCAL_DATE' as const;
  constructor() {
    super('not a real calendar date in the form YYYY-MM-DD');
  }
}

/** A call reference that is not in the `ITB-YYYY-NNNNNN` format, or parts that cannot make one. */
export class InvalidCallRefError extends DomainError {
  readonly code = 'INVALID_CALL_REF' as const;
  constructor(detail: string) {
    super(`invalid call reference: ${detail}`);
  }
}

/** The bank-holiday data file does not have the expected shape (a build problem, not a runtime one). */
export class InvalidCalendarDataError extends DomainError {
  readonly code = 'INVALID_CALENDAR_DATA' as const;
  constructor(detail: string) {
    super(`invalid bank holiday data: ${detail}`);
  }
}
