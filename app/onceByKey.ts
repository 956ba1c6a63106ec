import type { AppDeps } from './deps';
import { appMessages } from './messages';
import type { Refusal } from './outcomes';
import type { WorkOutcome } from './ports';
import { storeRefusal } from './submitRequest';

/** How a keyed worker action went: run now, already done by an earlier delivery, in progress, or not stored. */
export type OnceByKey<T> =
  | { kind: 'ran'; out: WorkOutcome<T> }
  | { kind: 'replayed'; settled: string }
  | { kind: 'refusal'; refusal: Refusal };

/**
 * Runs a worker-side action once per delivery key (Teams retries an invoke; people double-click): the first delivery
 * claims the key and runs; a refusal or a throw gives the key back so the analyst can try again; success settles the
 * key with `settleAs(value)`, which repeats get back as `replayed`. A repeat while the first still runs is refused as
 * "being done now".
 */
export async function runOnceByKey<T>(deps: AppDeps, key: string, run: () => Promise<WorkOutcome<T>>, settleAs: (value: T) => string): Promise<OnceByKey<T>> {
  let claim;
  try {
    claim = await deps.store.idempotency.claim(key);
  } catch (err) {
    return { kind: 'refusal', refusal: storeRefusal(deps, err, appMessages.actionNotSaved) };
  }
  if (!claim.claimed) {
    return claim.outcome === undefined
      ? { kind: 'refusal', refusal: { outcome: 'unavailable', message: 'That is being done now. Please wait a moment.' } }
      : { kind: 'replayed', settled: claim.outcome };
  }
  let out: WorkOutcome<T>;
  try {
    out = await run();
  } catch (err) {
    await deps.store.idempotency.release(key).catch(() => undefined);
    throw err;
  }
  if (out.outcome === 'refused') await deps.store.idempotency.release(key).catch(() => undefined);
  else await deps.store.idempotency.settle(key, settleAs(out.value)).catch(() => undefined);
  return { kind: 'ran', out };
}
