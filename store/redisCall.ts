import type { ChainableCommander } from 'ioredis';
import { StoreCommandError, StoreError, StoreUnavailableError } from './errors';

// Redis replies that mean "not now" rather than "never": loading the AOF, a busy script, a failover in progress,
// a replica that is read-only until promoted, and a full memory under noeviction (DESIGN: Redis runs noeviction).
const TRANSIENT_REPLIES = /^(LOADING|BUSY|TRYAGAIN|CLUSTERDOWN|MASTERDOWN|READONLY|OOM|NOREPLICAS)\b/;

/**
 * Runs Redis work and turns its failures into the store's typed errors: a refused command (script or type error) is
 * permanent, everything else (connection refused or lost, timeouts, the offline queue being off, Redis loading or
 * failing over) is retryable. StoreErrors thrown inside pass through unchanged.
 */
export async function redisCall<T>(operation: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw toStoreError(operation, err);
  }
}

/** The typed error for a failure of `operation`. */
export function toStoreError(operation: string, err: unknown): StoreError {
  if (err instanceof StoreError) return err;
  const message = err instanceof Error ? err.message : String(err);
  // Redis error text quotes command names and script lines, not our arguments, so it is safe to carry.
  const reason = message.split('\n')[0]!.slice(0, 200);
  // No `cause`: ioredis hangs the command and its arguments (sealed values, audit JSON) on its errors, and a logger
  // serialising the cause chain would print them.
  const isReply = err instanceof Error && err.name === 'ReplyError';
  if (isReply && !TRANSIENT_REPLIES.test(message)) return new StoreCommandError(operation, reason);
  return new StoreUnavailableError(operation, reason);
}

/**
 * Runs a MULTI or pipeline and returns each command's reply, throwing the typed error of the first command that
 * failed (ioredis reports those per command instead of rejecting). An aborted transaction (null) is unavailable.
 */
export async function execReplies(operation: string, batch: ChainableCommander): Promise<unknown[]> {
  return redisCall(operation, async () => {
    const replies = await batch.exec();
    if (replies === null) throw new StoreUnavailableError(operation, 'the transaction was aborted');
    const failed = replies.find(([err]) => err);
    if (failed) throw failed[0];
    return replies.map(([, reply]) => reply);
  });
}
