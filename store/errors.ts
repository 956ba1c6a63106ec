/**
 * Typed failures of the store. `retryable` is the contract with workers/: true means "re-read and try again" (BullMQ
 * retries), false means retrying the same call cannot help (UnrecoverableError). Messages carry request ids, versions,
 * key ids and field names only: never patient data, never ciphertext, never key material.
 */
export type StoreErrorCode =
  | 'STORE_CONFLICT'
  | 'STORE_NOT_FOUND'
  | 'STORE_ALREADY_EXISTS'
  | 'STORE_IDEMPOTENCY_KEY_REUSED'
  | 'STORE_IDENTIFIERS_PURGED'
  | 'STORE_INVALID_CHANGE'
  | 'STORE_INVALID_INPUT'
  | 'STORE_AUDIT_FACTS_REJECTED'
  | 'STORE_CORRUPT_RECORD'
  | 'STORE_UNAVAILABLE'
  | 'STORE_COMMAND_FAILED'
  | 'STORE_NO_ENCRYPTION_KEY'
  | 'STORE_UNKNOWN_KEY_ID'
  | 'STORE_MALFORMED_CIPHERTEXT'
  | 'STORE_CIPHERTEXT_TAMPERED';

/** Base class: catch this to handle every store failure; switch on `code` or `retryable`. */
export abstract class StoreError extends Error {
  abstract readonly code: StoreErrorCode;
  abstract readonly retryable: boolean;

  protected constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * Someone else wrote the record first (optimistic concurrency): the version or status the caller read is no longer
 * current. Retryable: re-read, re-decide, write again.
 */
export class ConflictError extends StoreError {
  readonly code = 'STORE_CONFLICT' as const;
  readonly retryable = true;
  constructor(
    readonly requestId: string,
    readonly expectedVersion: number,
    readonly actualVersion: number,
  ) {
    super(`request ${requestId} was changed by someone else: expected version ${expectedVersion}, found ${actualVersion}`);
  }
}

/** No request with this id. Permanent: the id came from somewhere stale or wrong. */
export class RequestNotFoundError extends StoreError {
  readonly code = 'STORE_NOT_FOUND' as const;
  readonly retryable = false;
  constructor(readonly requestId: string) {
    super(`no request ${requestId} in the store`);
  }
}

/** create() was given an id that is taken (ids are normally generated, so this is a caller bug). */
export class RequestAlreadyExistsError extends StoreError {
  readonly code = 'STORE_ALREADY_EXISTS' as const;
  readonly retryable = false;
  constructor(readonly requestId: string) {
    super(`request ${requestId} already exists`);
  }
}

/** An idempotency key that already recorded an outcome for a different request or operation. */
export class IdempotencyKeyReusedError extends StoreError {
  readonly code = 'STORE_IDEMPOTENCY_KEY_REUSED' as const;
  readonly retryable = false;
  constructor(readonly requestId: string) {
    super(`the idempotency key given for request ${requestId} was already used for another request or operation`);
  }
}

/** The request's patient identifiers were removed by the retention job, so its body cannot be read or changed. */
export class IdentifiersPurgedError extends StoreError {
  readonly code = 'STORE_IDENTIFIERS_PURGED' as const;
  readonly retryable = false;
  constructor(readonly requestId: string) {
    super(`request ${requestId} has had its patient identifiers purged (retention)`);
  }
}

/** A change the store refuses on principle (e.g. a different kind of request, a purge before the request ended). */
export class InvalidChangeError extends StoreError {
  readonly code = 'STORE_INVALID_CHANGE' as const;
  readonly retryable = false;
  constructor(
    readonly requestId: string,
    detail: string,
  ) {
    super(`request ${requestId}: ${detail}`);
  }
}

/** A value handed to the store that does not have the required shape (e.g. a conversation reference without an id). */
export class InvalidStoreInputError extends StoreError {
  readonly code = 'STORE_INVALID_INPUT' as const;
  readonly retryable = false;
  constructor(
    readonly what: string,
    readonly problems: readonly string[],
  ) {
    super(`${what} refused: ${problems.join('; ')}`);
  }
}

/** Audit facts that look like patient data (domain's suspiciousAuditFacts). Only the fact names are quoted. */
export class AuditFactsRejectedError extends StoreError {
  readonly code = 'STORE_AUDIT_FACTS_REJECTED' as const;
  readonly retryable = false;
  constructor(
    readonly eventType: string,
    readonly factNames: readonly string[],
  ) {
    super(`audit event ${eventType} refused: facts ${factNames.join(', ')} look like patient data`);
  }
}

/** A stored value that does not have the shape the store writes (hand-edited, or written by a newer version). */
export class CorruptRecordError extends StoreError {
  readonly code = 'STORE_CORRUPT_RECORD' as const;
  readonly retryable = false;
  constructor(
    readonly key: string,
    detail: string,
  ) {
    super(`stored value at ${key} is not readable: ${detail}`);
  }
}

/** Redis did not answer (down, restarting, loading, failing over). Retryable. */
export class StoreUnavailableError extends StoreError {
  readonly code = 'STORE_UNAVAILABLE' as const;
  readonly retryable = true;
  constructor(operation: string, reason: string, options?: { cause?: unknown }) {
    super(`Redis could not ${operation}: ${reason}`, options);
  }
}

/** Redis refused a command (a script or type error): a bug or a hand-edited key, not a passing fault. */
export class StoreCommandError extends StoreError {
  readonly code = 'STORE_COMMAND_FAILED' as const;
  readonly retryable = false;
  constructor(operation: string, reason: string, options?: { cause?: unknown }) {
    super(`Redis refused to ${operation}: ${reason}`, options);
  }
}

/** The store was given no encryption key (config.encryptionKeys is empty), or a key it cannot use. */
export class NoEncryptionKeyError extends StoreError {
  readonly code = 'STORE_NO_ENCRYPTION_KEY' as const;
  readonly retryable = false;
  constructor(detail: string) {
    super(`encryption keys: ${detail}`);
  }
}

/** A ciphertext names a key id that is not configured: the key was removed before `rotate` re-encrypted everything. */
export class UnknownEncryptionKeyError extends StoreError {
  readonly code = 'STORE_UNKNOWN_KEY_ID' as const;
  readonly retryable = false;
  constructor(readonly keyId: string) {
    super(
      `a stored value was encrypted with key "${keyId}", which is not in ITB_ENCRYPTION_KEYS: put the key back ` +
        '(after the active one) and run the rotation before removing it',
    );
  }
}

/** A stored value that is not in the store's "v1.<keyId>.<iv>.<tag>.<ciphertext>" form. */
export class MalformedCiphertextError extends StoreError {
  readonly code = 'STORE_MALFORMED_CIPHERTEXT' as const;
  readonly retryable = false;
  constructor(detail: string) {
    super(`not a store ciphertext: ${detail}`);
  }
}

/**
 * AES-GCM authentication failed: the ciphertext, IV or tag was altered, or the value was moved from another record or
 * field (the associated data does not match). The value is not returned.
 */
export class CiphertextTamperedError extends StoreError {
  readonly code = 'STORE_CIPHERTEXT_TAMPERED' as const;
  readonly retryable = false;
  constructor(readonly keyId: string) {
    super(`a stored value failed authentication with key "${keyId}": it was altered or belongs to another record`);
  }
}
