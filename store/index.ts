/**
 * The store: Redis repositories for requests (optimistic concurrency, patient identifiers sealed with AES-256-GCM,
 * history, indexes), the audit streams, idempotency keys and conversation references; plus the retention sweep and
 * key rotation. May import domain and config only. Call references are allocated by integrations/servicedesk, not here.
 */
import type { Redis } from 'ioredis';
import type { AppConfig } from '../config';
import { AuditTrail } from './auditTrail';
import { ConversationReferences } from './conversationReferences';
import { IdempotencyKeys } from './idempotencyKeys';
import { StoreKeys } from './keys';
import { RequestStore, type RequestStoreOptions } from './requestStore';

export * from './errors';
export { FieldCipher } from './fieldCipher';
export { StoreKeys } from './keys';
export { GUARDED_WRITE_LUA, runGuardedWrite, type GuardedWrite, type GuardedWriteResult, type RedisCommand } from './guardedWrite';
export {
  RequestStore,
  type RequestStoreOptions,
  type NewRequest,
  type CreateOutcome,
  type RequestChange,
  type TransitionOptions,
  type TransitionOutcome,
  type WrittenRecord,
  type PurgeOutcome,
  type ReencryptOutcome,
} from './requestStore';
export type { RequestSummary, StoredRequest, RequestFacts } from './requestRecord';
export { RecentWrites } from './recentWrites';
export {
  AuditTrail,
  checkAuditFacts,
  type AuditRecord,
  type AuditEntry,
  type AuditReadOptions,
  type StoreAuditEvent,
  type StoreAuditFactsByType,
} from './auditTrail';
export { IdempotencyKeys, DEFAULT_IDEMPOTENCY_TTL_SECONDS, type IdempotencyClaim } from './idempotencyKeys';
export {
  ConversationReferences,
  conversationReferenceSchema,
  SERVICE_DESK_CHANNEL,
  type StoredConversationReference,
} from './conversationReferences';
export {
  sweepExpiredIdentifiers,
  DEFAULT_RETENTION_DAYS,
  RETENTION_ACTOR,
  type RetentionSweepOptions,
  type RetentionSweepResult,
} from './retention';
export { rotateEncryption, encryptionKeyUsage, type RotationOptions, type RotationReport } from './keyRotation';

/** Every repository of the store over one connection. */
export interface Store {
  requests: RequestStore;
  audit: AuditTrail;
  idempotency: IdempotencyKeys;
  conversations: ConversationReferences;
}

/**
 * Builds the store from the app config (prefix and encryption keys) on a connection the caller owns and closes (the
 * bot's producer connection or a worker's command connection). Throws NoEncryptionKeyError without a key.
 */
export function createStore(
  redis: Redis,
  config: Pick<AppConfig, 'redis' | 'encryptionKeys'>,
  opts: Omit<RequestStoreOptions, 'prefix' | 'encryptionKeys'> = {},
): Store {
  const keys = new StoreKeys(config.redis.prefix);
  return {
    requests: new RequestStore(redis, { ...opts, prefix: config.redis.prefix, encryptionKeys: config.encryptionKeys }),
    audit: new AuditTrail(redis, keys, opts.refuseSuspiciousAuditFacts ?? true),
    idempotency: new IdempotencyKeys(redis, keys),
    conversations: new ConversationReferences(redis, keys),
  };
}
