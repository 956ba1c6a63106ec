import type { FailedInstance } from './pacsClient';
import { readPartTenMetaSync, type PartTenMeta } from './partTenMeta';

/**
 * What both store paths (STOW-RS and C-STORE) do before sending: read each file's meta (so outcomes can be told per
 * SOP Instance UID and a non-DICOM file is refused here rather than by the PACS), then cut the list into batches and
 * run them with bounded parallelism.
 */
export interface StoreEntry {
  file: string;
  bytes: number;
  meta: PartTenMeta;
}

/**
 * Above this many milliseconds of synchronous reading, prepareStore gives the event loop a turn (timers, a worker's
 * lock renewal), as the DICOM engine's header pass does.
 */
const YIELD_EVERY_MS = 10;

/**
 * Reads the meta and size of every file; unreadable or non-Part 10 files become failures. Synchronous reads of a few
 * hundred bytes each (readPartTenMetaSync), yielding to the event loop every few milliseconds.
 */
export async function prepareStore(files: readonly string[]): Promise<{ entries: StoreEntry[]; invalid: FailedInstance[] }> {
  const entries: StoreEntry[] = [];
  const invalid: FailedInstance[] = [];
  const head = Buffer.allocUnsafe(64 * 1024);
  let lastYield = Date.now();
  for (const file of files) {
    if (Date.now() - lastYield >= YIELD_EVERY_MS) {
      await new Promise((resolve) => setImmediate(resolve));
      lastYield = Date.now();
    }
    const { size, meta } = readPartTenMetaSync(file, head);
    if (meta && size !== undefined) entries.push({ file, bytes: size, meta });
    else invalid.push({ file, reason: 'invalid-file' });
  }
  return { entries, invalid };
}

/** Consecutive batches of at most maxFiles entries and maxBytes bytes (a single bigger file goes alone). */
export function planBatches<T extends { bytes: number }>(entries: readonly T[], maxFiles: number, maxBytes: number): T[][] {
  const batches: T[][] = [];
  let current: T[] = [];
  let size = 0;
  for (const e of entries) {
    if (current.length > 0 && (current.length >= maxFiles || size + e.bytes > maxBytes)) {
      batches.push(current);
      current = [];
      size = 0;
    }
    current.push(e);
    size += e.bytes;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/**
 * Maps items with at most `limit` calls in flight, keeping order. On the first failure no new call starts; the
 * calls in flight are awaited and the first error is thrown (so no request is left running behind the caller).
 */
export async function mapPool<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failure: { err: unknown } | undefined;
  const lane = async () => {
    while (!failure && next < items.length) {
      const i = next++;
      try {
        results[i] = await fn(items[i] as T, i);
      } catch (err) {
        failure ??= { err };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
  if (failure) throw failure.err;
  return results;
}
