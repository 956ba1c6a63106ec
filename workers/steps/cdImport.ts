import path from 'node:path';
import { readCdContents } from '../../integrations/dicom';
import { cdFolderOf, checkCdSource } from '../cdSource';
import { notBefore } from '../calendarGate';
import type { FlowDeps } from '../flowDeps';
import type { FlowRef } from '../flowRef';
import { addStep, isSuperseded } from '../flowSteps';
import { importIntoPacs } from '../pacsImport';
import { done, later, PermanentStepError, type StepOutcome } from '../stepOutcome';
import { recordEngineOutcome } from './afterEngine';
import { openWorkFolder } from '../workFolder';

/**
 * CD import (Appendices 5 and 6): once approved and pointed at the disc's contents (a folder or a zip the worker can
 * read), the DICOM import engine reads them (DICOMDIR or folder walk; any media problem holds the disc), checks them
 * against the request and PAS, rewrites, and STOWs to UHL PACS; then RIS per exam and the notice, as for an import.
 * approved -> deliveredToPacs | quarantined. Without contents yet it waits (nothing to do until the analyst points it).
 */
export async function cdImportStep(ref: FlowRef, deps: FlowDeps): Promise<StepOutcome> {
  const stored = await deps.store.requests.get(ref.requestId);
  if (!stored) return done('request gone');
  if (stored.kind !== 'cdImport') throw new PermanentStepError('NOT_A_CD_IMPORT', `request ${ref.requestId} is not a CD import`);
  if (stored.status === 'deliveredToPacs' || stored.status === 'registeredOnRis') {
    await addStep(deps, ref, 'ris.register', stored.lane);
    return done('already in PACS');
  }
  if (stored.status !== 'approved') return done(`nothing to import: request is ${stored.status}`);
  const now = deps.clock.now();
  const wait = notBefore(stored.lane, now, deps.calendar);
  if (wait) return later(wait.getTime() - now.getTime(), 'waiting for service hours', wait);
  const source = await deps.flowState.getCdSource(ref.requestId);
  if (!source) return done('waiting for the analyst to point the request at the CD contents');

  // Per execution (workers/workFolder.ts): a stalled run re-run by BullMQ must not empty the first run's folder.
  const work = await openWorkFolder(deps.options.workDir, ref);
  try {
    const folder = await cdFolderOf(source, path.join(work.dir, 'cd'));
    const contents = await readCdContents(folder);
    const result = await importIntoPacs(deps, ref, stored, contents.files, { outDir: path.join(work.dir, 'out'), mediaErrors: contents.errors, sourceOrganisation: 'CD' });
    const recorded = await recordEngineOutcome(deps, ref, result, 'deliveredToPacs');
    if (recorded !== 'stored') return done(recorded);
  } finally {
    await work.release();
  }
  await addStep(deps, ref, 'ris.register', stored.lane);
  return done('stored in UHL PACS');
}

/** What pointCdImportAt did. */
export type PointCdOutcome = { outcome: 'queued' } | { outcome: 'refused'; reason: string };

/**
 * The analyst points an approved CD import at the disc's contents (guideline Appendix 6: the MBP uploads the CD). The
 * path is checked, stored sealed (a folder name can carry a patient's name), and the import queued for the current
 * run. Pointing again (a second disc, a corrected path) queues another pass.
 */
export async function pointCdImportAt(deps: FlowDeps, requestId: string, source: string): Promise<PointCdOutcome> {
  const summary = await deps.store.requests.getSummary(requestId);
  if (!summary || summary.kind !== 'cdImport') return { outcome: 'refused', reason: 'not a CD import request' };
  if (summary.status !== 'approved') return { outcome: 'refused', reason: `the request is ${summary.status}` };
  const problem = await checkCdSource(source);
  if (problem) return { outcome: 'refused', reason: problem };
  await deps.flowState.setCdSource(requestId, source);
  const run = (await deps.flowState.currentRun(requestId)) ?? 0;
  const ref = { requestId, run };
  if (await isSuperseded(deps, ref)) return { outcome: 'refused', reason: 'a later run has started' };
  await addStep(deps, ref, 'cd.import', summary.lane, `src${Date.now().toString(36)}`);
  return { outcome: 'queued' };
}
