import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { flowIdOf, type FlowRef } from './flowRef';

/**
 * A sibling folder this old belongs to an execution that is surely over (a crashed worker's leftovers): the next
 * execution removes it. Far above any one import (a 3,000-instance study takes under a minute here; a step gives its
 * inbound thread back after threadHoldMaxMs), so a live execution's folder is never taken.
 */
export const STALE_EXECUTION_MS = 6 * 60 * 60 * 1000;

/** One execution's private folder: ITB_WORK_DIR/<flow>/<execution>. */
export interface WorkFolder {
  readonly dir: string;
  /** Removes this execution's folder, and the flow's folder when nothing else is left in it. */
  release(): Promise<void>;
}

/**
 * Opens a private work folder for one execution of an import step.
 *
 * WHY per execution, not per flow: BullMQ can run a job a second time while the first run still works (a stall on a
 * loaded machine: the first run's lock was not renewed in time). With one folder per flow the second run emptied it
 * under the first run's rewrites, which then failed and quarantined a good study (seen once on a clean-clone CI run,
 * tests/integration/workers/restarts.test.ts). Each run now works in its own folder; both may send the same instances,
 * which PACS stores once (by SOP Instance UID).
 */
export async function openWorkFolder(root: string, ref: FlowRef): Promise<WorkFolder> {
  const flowDir = path.resolve(root, flowIdOf(ref).replace(/:/g, '~'));
  await fs.mkdir(flowDir, { recursive: true });
  await removeStale(flowDir, Date.now() - STALE_EXECUTION_MS);
  const dir = path.join(flowDir, randomUUID());
  await fs.mkdir(dir);
  return {
    dir,
    async release() {
      await fs.rm(dir, { recursive: true, force: true });
      // Not empty while another execution of this flow still works: leave it to the last one out.
      await fs.rmdir(flowDir).catch(() => undefined);
    },
  };
}

async function removeStale(flowDir: string, before: number): Promise<void> {
  const entries = await fs.readdir(flowDir, { withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    const p = path.join(flowDir, e.name);
    const st = await fs.stat(p).catch(() => undefined);
    if (st && st.mtimeMs < before) await fs.rm(p, { recursive: true, force: true });
  }
}
