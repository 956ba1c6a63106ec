import type { RequestStore } from './requestStore';

/** How a rotation runs. */
export interface RotationOptions {
  /** Records read per page (default 100). */
  batchSize?: number;
  /** Called after each page, e.g. to log progress (counts only). */
  onBatch?: (progress: RotationReport) => void;
}

/** What a rotation did. */
export interface RotationReport {
  activeKeyId: string;
  scanned: number;
  reencrypted: number;
  alreadyCurrent: number;
  /** Purged by retention: nothing sealed left to rotate. */
  purged: number;
  /** How many records named each key id before this run (the active one included). */
  recordsByKeyIdBefore: Record<string, number>;
}

/**
 * Re-encrypts every request with the active key, in pages over the sorted set of all requests (no keyspace scan).
 * Each record is re-sealed by a guarded write, so the rotation can run while the bot and workers write; records created
 * during the run are sealed with the active key already. Run it after putting the new key first in
 * ITB_ENCRYPTION_KEYS (old keys after it); then check encryptionKeyUsage() names the active key only before removing
 * the old ones. A record that cannot be re-sealed (e.g. its key is already gone) stops the run with a typed error.
 */
export async function rotateEncryption(store: RequestStore, opts: RotationOptions = {}): Promise<RotationReport> {
  const batchSize = opts.batchSize ?? 100;
  const report: RotationReport = {
    activeKeyId: store.cipher.activeKeyId,
    scanned: 0,
    reencrypted: 0,
    alreadyCurrent: 0,
    purged: 0,
    recordsByKeyIdBefore: {},
  };
  // Paging by rank is stable here: ids are only ever added to the set (at their creation time, i.e. at the end).
  for (let offset = 0; ; offset += batchSize) {
    const ids = await store.listAllIds(offset, batchSize);
    for (const id of ids) {
      const { outcome, keyIdsBefore } = await store.reencrypt(id);
      report.scanned++;
      for (const keyId of keyIdsBefore) report.recordsByKeyIdBefore[keyId] = (report.recordsByKeyIdBefore[keyId] ?? 0) + 1;
      if (outcome === 'reencrypted') report.reencrypted++;
      else if (outcome === 'current') report.alreadyCurrent++;
      else if (outcome === 'purged') report.purged++;
    }
    if (ids.length > 0) opts.onBatch?.({ ...report, recordsByKeyIdBefore: { ...report.recordsByKeyIdBefore } });
    if (ids.length < batchSize) break;
  }
  return report;
}

/**
 * How many records hold values sealed with each key id (read-only). An old key may be removed from
 * ITB_ENCRYPTION_KEYS when it no longer appears here.
 */
export async function encryptionKeyUsage(store: RequestStore, batchSize = 100): Promise<Record<string, number>> {
  const usage: Record<string, number> = {};
  for (let offset = 0; ; offset += batchSize) {
    const ids = await store.listAllIds(offset, batchSize);
    for (const id of ids) for (const keyId of await store.sealedKeyIdsOf(id)) usage[keyId] = (usage[keyId] ?? 0) + 1;
    if (ids.length < batchSize) return usage;
  }
}
