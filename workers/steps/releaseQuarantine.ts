import path from 'node:path';
import { readCdContents } from '../../integrations/dicom';
import type { AcceptedFinding } from '../../integrations/dicom/acceptedFindings';
import { PacsStudyNotFoundError } from '../../integrations/pacs';
import type { StoredRequest } from '../../store';
import { cdFolderOf } from '../cdSource';
import type { FlowDeps } from '../flowDeps';
import type { FlowRef } from '../flowRef';
import { addStep } from '../flowSteps';
import { retrieveDelivery } from '../importPipeline';
import { importDeliveryIntoPacs, importIntoPacs, type PacsImportResult } from '../pacsImport';
import { quarantineRecordsOf } from '../quarantineRecord';
import { done, PermanentStepError, type StepOutcome } from '../stepOutcome';
import { openWorkFolder } from '../workFolder';
import { recordEngineOutcome } from './afterEngine';

/**
 * A quarantined import released by an approver after a check (app/releaseQuarantine.ts ordered it; the quarantine
 * record holds exactly which findings they accepted). The inbound path runs again from the held source: the study
 * kept on the IEP gateway (import) or the CD contents (CD import), through the same engine, rewrite and STOW-RS as a
 * normal import (pacsImport.ts, importPipeline.ts), with the accepted findings passed to the identity check. The
 * delivery reaches PACS only if its findings are exactly those; anything new or different holds it again with a new
 * card. Stored: quarantined -> deliveredToPacs ("released after a check by the service desk", requester told), the
 * gateway copy removed, then the RIS step as for any import.
 *
 * Safe to repeat: the job id names the findings' version; a run that finds the request already in PACS only finishes
 * the clean-up and queues RIS (which is idempotent per exam); PACS stores by SOP Instance UID.
 */
export async function releaseQuarantineStep(ref: FlowRef, deps: FlowDeps): Promise<StepOutcome> {
  const stored = await deps.store.requests.get(ref.requestId);
  if (!stored) return done('request gone');
  if (stored.kind !== 'import' && stored.kind !== 'cdImport') throw new PermanentStepError('NOT_AN_IMPORT', `request ${ref.requestId} is not an import`);
  if (stored.status === 'deliveredToPacs' || stored.status === 'registeredOnRis') {
    // A crash between PACS and the clean-up: finish it.
    if (stored.kind === 'import') await removeFromGateway(deps, ref, stored);
    await addStep(deps, ref, 'ris.register', stored.lane);
    return done('already released to UHL PACS');
  }
  if (stored.status !== 'quarantined') return done(`nothing to release: request is ${stored.status}`);
  // Nothing ordered, or the findings changed since the release was ordered (held again meanwhile): that release is void.
  const order = await quarantineRecordsOf(deps).orderedRelease(ref.requestId);
  if (!order) return done('no release ordered for the findings held now');
  const { findings: accepted, confirmation } = order;

  // Per execution, as the import steps (workers/workFolder.ts): a stalled job run twice must not empty one folder.
  const work = await openWorkFolder(deps.options.workDir, ref);
  let recorded: Awaited<ReturnType<typeof recordEngineOutcome>>;
  try {
    const result = stored.kind === 'import' ? await fromGateway(deps, ref, stored, accepted, work.dir) : await fromCd(deps, ref, stored, accepted, work.dir);
    recorded = await recordEngineOutcome(deps, ref, result, 'deliveredToPacs', confirmation !== undefined ? { confirmation } : {});
  } finally {
    await work.release();
  }
  if (recorded === 'quarantined') return done('held again: the findings differ from the ones released');
  if (recorded !== 'stored') return done('request moved on');
  if (stored.kind === 'import') await removeFromGateway(deps, ref, stored);
  await addStep(deps, ref, 'ris.register', stored.lane);
  return done('released to UHL PACS');
}

/** The held study, downloaded again from the IEP gateway (it stays there while quarantined). */
async function fromGateway(deps: FlowDeps, ref: FlowRef, stored: StoredRequest, accepted: readonly AcceptedFinding[], dir: string): Promise<PacsImportResult> {
  const ctx = stored.callRef ? { callRef: stored.callRef } : {};
  const uids = await heldStudyUids(deps, ref, stored);
  const retrieve = retrieveDelivery(deps.gateway, uids, path.join(dir, 'in'), ctx);
  const deliver = (...args: Parameters<typeof retrieve>) =>
    retrieve(...args).catch((err: unknown) => {
      // Unlike a fresh delivery, nothing more is coming: the held copy was removed (by hand, or a gateway purge).
      if (err instanceof PacsStudyNotFoundError) throw new PermanentStepError('HELD_STUDY_GONE', 'the held study is no longer on the IEP gateway; ask the sender to send it again');
      throw err;
    });
  return importDeliveryIntoPacs(deps, ref, stored, deliver, { outDir: path.join(dir, 'out'), ...(stored.organisation ? { sourceOrganisation: stored.organisation } : {}), release: { accepted } });
}

/** The CD contents the request was pointed at, read again. */
async function fromCd(deps: FlowDeps, ref: FlowRef, stored: StoredRequest, accepted: readonly AcceptedFinding[], dir: string): Promise<PacsImportResult> {
  const source = await deps.flowState.getCdSource(ref.requestId);
  if (!source) throw new PermanentStepError('CD_SOURCE_MISSING', 'the CD contents of the held import are no longer recorded');
  const contents = await readCdContents(await cdFolderOf(source, path.join(dir, 'cd')));
  return importIntoPacs(deps, ref, stored, contents.files, { outDir: path.join(dir, 'out'), mediaErrors: contents.errors, sourceOrganisation: 'CD', release: { accepted } });
}

async function heldStudyUids(deps: FlowDeps, ref: FlowRef, stored: StoredRequest): Promise<string[]> {
  const { iepTransactionId } = await deps.flowState.get(ref);
  if (!iepTransactionId) throw new PermanentStepError('NO_IEP_TRANSACTION', `run ${ref.run} of request ${ref.requestId} has no IEP transaction`);
  const tx = await deps.iep.getTransaction(iepTransactionId, stored.callRef ? { callRef: stored.callRef } : {});
  return tx.studies.map((s) => s.studyInstanceUid);
}

async function removeFromGateway(deps: FlowDeps, ref: FlowRef, stored: StoredRequest): Promise<void> {
  for (const uid of await heldStudyUids(deps, ref, stored)) await deps.gatewayStudies.remove(uid);
}
