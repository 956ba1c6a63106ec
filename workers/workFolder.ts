import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { flowIdOf, type FlowRef } from './flowRef';

/**
 * An execution folder with nothing written in it for this long belongs to an execution that is over (a crashed or
 * killed worker's leftovers, which hold rewritten images: patient data): the next execution of any flow removes it.
 * A live import writes into its folder at every instance it lands, and its uploads fail after the PACS client's idle
 * timeout (60 s), so an hour of silence is never a live one.
 */
export const STALE_EXECUTION_MS = 60 * 60 * 1000;

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
  await removeStale(path.resolve(root), Date.now() - STALE_EXECUTION_MS);
  const dir = path.join(flowDir, randomUUID());
  // Another execution may remove the (empty) flow folder between our two mkdirs: try again, a few times.
  for (let attempt = 1; ; attempt += 1) {
    try {
      await fs.mkdir(dir, { recursive: true });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || attempt >= 5) throw err;
    }
  }
  return {
    dir,
    async release() {
      await fs.rm(dir, { recursive: true, force: true });
      // Not empty while another execution of this flow still works: leave it to the last one out.
      await fs.rmdir(flowDir).catch(() => undefined);
    },
  };
}

/** The last time anything was written in an execution folder or the folders it works in. */
async function lastWrite(execDir: string): Promise<number | undefined> {
  const st = await fs.stat(execDir).catch(() => undefined);
  if (!st) return undefined;
  let latest = st.mtimeMs;
  for (const sub of await fs.readdir(execDir, { withFileTypes: true }).catch(() => [])) {
    if (!sub.isDirectory()) continue;
    const s = await fs.stat(path.join(execDir, sub.name)).catch(() => undefined);
    if (s) latest = Math.max(latest, s.mtimeMs);
  }
  return latest;
}

/** Removes every execution folder under `root` silent since `before`, and flow folders left empty. */
async function removeStale(root: string, before: number): Promise<void> {
  for (const flow of await fs.readdir(root, { withFileTypes: true }).catch(() => [])) {
    if (!flow.isDirectory()) continue;
    const flowDir = path.join(root, flow.name);
    for (const e of await fs.readdir(flowDir, { withFileTypes: true }).catch(() => [])) {
      const execDir = path.join(flowDir, e.name);
      const written = await lastWrite(execDir);
      if (written !== undefined && written < before) await fs.rm(execDir, { recursive: true, force: true });
    }
    await fs.rmdir(flowDir).catch(() => undefined);
  }
}
