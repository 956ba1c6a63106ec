import type { Actor } from '../domain';
import { StoreError } from './errors';
import type { RequestStore } from './requestStore';

/** Days after a request ends before its patient identifiers are purged, unless configured (proposed ITB_RETENTION_DAYS). */
export const DEFAULT_RETENTION_DAYS = 30;

const DAY_MS = 24 * 60 * 60 * 1000;

/** Who the audit says purged: the retention job, not a person. */
export const RETENTION_ACTOR: Actor = { type: 'system', component: 'retention' };

/** How a sweep runs. */
export interface RetentionSweepOptions {
  /** Identifiers are kept this many days after the request ended (terminal status). */
  retentionDays: number;
  /** The sweep's clock. */
  now: Date;
  /** Requests read per round trip (default 100). */
  batchSize?: number;
  /** Stop after this many purges, so one run stays short; the next run continues (default 10,000). */
  maxPurges?: number;
}

/** What a sweep did. */
export interface RetentionSweepResult {
  /** Requests whose identifiers were removed in this sweep. */
  purged: number;
  /** Requests found already purged or gone (e.g. a concurrent sweep got there first). */
  skipped: number;
  /**
   * Requests that could not be purged for a permanent reason (e.g. a hand-edited record): they stay queued, are
   * skipped over so they cannot block the rest, and are tried again by the next sweep. Ids only.
   */
  failedIds: string[];
  /** The cutoff: requests that ended at or before it were due. */
  cutoff: Date;
}

/**
 * Purges the patient identifiers of requests that ended `retentionDays` or more ago. Reads the sorted set of ended
 * requests by end time, so it never scans the keyspace; each purge is atomic and audited, and safe to run twice or
 * from two workers at once (a second purge of the same request finds it already purged).
 */
export async function sweepExpiredIdentifiers(store: RequestStore, opts: RetentionSweepOptions): Promise<RetentionSweepResult> {
  if (!Number.isInteger(opts.retentionDays) || opts.retentionDays < 0) throw new RangeError('retentionDays must be a whole number of days, 0 or more');
  const cutoff = new Date(opts.now.getTime() - opts.retentionDays * DAY_MS);
  const batchSize = opts.batchSize ?? 100;
  const maxPurges = opts.maxPurges ?? 10_000;
  let purged = 0;
  let skipped = 0;
  const failedIds: string[] = [];
  while (purged < maxPurges) {
    // Failed ids stay at the head of the queue: read past them.
    const ids = await store.listEndedBefore(cutoff, Math.min(batchSize, maxPurges - purged), failedIds.length);
    if (ids.length === 0) break;
    for (const id of ids) {
      try {
        const outcome = await store.purgeIdentifiers(id, { at: opts.now, actor: RETENTION_ACTOR, retentionDays: opts.retentionDays });
        if (outcome === 'purged') {
          purged++;
        } else {
          skipped++;
          // Already purged or deleted but still listed (a record removed by hand): drop it from the queue.
          await store.forgetEnded(id);
        }
      } catch (err) {
        // Retryable failures (Redis down) end the sweep and the job is retried; a permanent one is one bad record.
        if (!(err instanceof StoreError) || err.retryable) throw err;
        failedIds.push(id);
      }
    }
  }
  return { purged, skipped, failedIds, cutoff };
}
