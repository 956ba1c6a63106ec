import path from 'node:path';
import { isTerminal } from '../../domain';
import type { IepTransaction } from '../../integrations/iep';
import { PacsStudyNotFoundError } from '../../integrations/pacs';
import { advance } from '../advance';
import { batchMayDownload } from '../calendarGate';
import type { FlowDeps } from '../flowDeps';
import type { FlowRef } from '../flowRef';
import { addStep, sleep } from '../flowSteps';
import { retrieveDelivery, type DeliverFn } from '../importPipeline';
import { importDeliveryIntoPacs } from '../pacsImport';
import { done, later, PermanentStepError, type StepOutcome } from '../stepOutcome';
import { openWorkFolder } from '../workFolder';
import { recordEngineOutcome } from './afterEngine';
import { endUnsuccessfully } from './iepOutcomes';

const DOWNLOADABLE = ['onIep', 'iepDownloadRequest', 'iepDownloading'] as const;

/**
 * Import steps 3 and 4, on one of the four inbound IEP threads (guideline 2.3d; the inbound queue's global
 * concurrency): select download (2.3c), follow Download Request -> Downloading -> Delivered to the IEP gateway, stream
 * the studies from the gateway (WADO-RS) to a work folder, check every instance and rewrite it (DICOM import engine),
 * then STOW-RS to UHL PACS (2.3e), and only then remove them from the gateway and the work folder. Then the RIS step.
 *
 * Safe to repeat from any point: IEP's download is idempotent, the work folder is rebuilt, PACS stores by SOP Instance
 * UID, and `iepDelivered` is written only after PACS has everything, so a crash before it redoes the transfer, never
 * half of it.
 */
export async function importDownloadStep(ref: FlowRef, deps: FlowDeps): Promise<StepOutcome> {
  const stored = await deps.store.requests.get(ref.requestId);
  if (!stored) return done('request gone');
  const { iepTransactionId } = await deps.flowState.get(ref);
  if (!iepTransactionId) throw new PermanentStepError('NO_IEP_TRANSACTION', `run ${ref.run} of request ${ref.requestId} has no IEP transaction`);
  const ctx = stored.callRef ? { callRef: stored.callRef } : {};

  if (stored.status !== 'iepDelivered') {
    if (!(DOWNLOADABLE as readonly string[]).includes(stored.status)) return done(`nothing to download: request is ${stored.status}`);
    const now = deps.clock.now();
    // Batch never takes an inbound thread in the day (domain BATCH_WINDOW).
    const wait = batchMayDownload(stored.lane, now);
    if (wait) return later(wait.getTime() - now.getTime(), 'Batch: waiting for the overnight window', wait);

    const tx = await followDownload(deps, ref, iepTransactionId, ctx);
    if (!tx) return done('request ended while IEP was downloading');
    if (tx.status !== 'Delivered') {
      await endUnsuccessfully(deps, ref, tx);
      return done(`IEP status ${tx.status}`);
    }
    const downloading = await advance(deps, ref, 'iepDownloading', { why: 'delivered to the IEP gateway', audit: [{ type: 'iep.statusSeen', facts: { iepStatus: tx.status } }] });
    if (downloading.outcome === 'refused' && downloading.status !== 'iepDownloading') return done(`request moved on: ${downloading.status}`);
    if (downloading.outcome === 'gone') return done('request gone');

    const work = await openWorkFolder(deps.options.workDir, ref);
    let recorded: Awaited<ReturnType<typeof recordEngineOutcome>>;
    try {
      // Nothing reaches PACS before every instance has been checked (workers/importPipeline.ts).
      const retrieve = retrieveDelivery(deps.gateway, tx.studies.map((s) => s.studyInstanceUid), path.join(work.dir, 'in'), ctx);
      const deliver: DeliverFn = (landed, take) =>
        retrieve(landed, take).catch((err: unknown) => {
          // IEP says Delivered, yet the gateway does not hold it (yet): its C-STORE may still be landing. Retried; when
          // attempts run out the analysts are told.
          if (err instanceof PacsStudyNotFoundError) throw Object.assign(new Error('the IEP gateway does not hold a delivered study yet'), { retryable: true });
          throw err;
        });
      const result = await importDeliveryIntoPacs(deps, ref, stored, deliver, { outDir: path.join(work.dir, 'out'), ...(stored.organisation ? { sourceOrganisation: stored.organisation } : {}) });
      recorded = await recordEngineOutcome(deps, ref, result, 'iepDelivered');
    } finally {
      // A quarantined study stays on the gateway for the analyst; only the work folder goes.
      await work.release();
    }
    if (recorded !== 'stored') return done(recorded === 'quarantined' ? 'quarantined' : 'request moved on');
    for (const study of tx.studies) await deps.gatewayStudies.remove(study.studyInstanceUid);
  } else {
    // A crash between "stored" and the clean-up: finish the clean-up.
    const tx = await deps.iep.getTransaction(iepTransactionId, ctx);
    for (const study of tx.studies) await deps.gatewayStudies.remove(study.studyInstanceUid);
  }
  await addStep(deps, ref, 'ris.register', stored.lane);
  return done('stored in UHL PACS');
}

/**
 * Asks IEP to download (once On IEP) and follows it while holding the inbound thread. Gives the thread back with a
 * retryable error after options.threadHoldMaxMs, so a stuck download cannot hold one of four threads for ever.
 */
async function followDownload(deps: FlowDeps, ref: FlowRef, txId: string, ctx: { callRef?: string }): Promise<IepTransaction | undefined> {
  const deadline = Date.now() + deps.options.threadHoldMaxMs;
  let tx = await deps.iep.getTransaction(txId, ctx);
  if (tx.status === 'On IEP') tx = await deps.iep.requestDownload(txId, ctx);
  let lastSeen: string | undefined;
  for (;;) {
    const seen = [{ type: 'iep.statusSeen' as const, facts: { iepStatus: tx.status } }];
    // Each IEP status once per pass: the history and audit record changes, not every look.
    if (tx.status !== lastSeen && tx.status === 'Download Request') await advance(deps, ref, 'iepDownloadRequest', { why: 'download requested on IEP', audit: seen });
    if (tx.status !== lastSeen && tx.status === 'Downloading') await advance(deps, ref, 'iepDownloading', { why: 'IEP is downloading', audit: seen });
    lastSeen = tx.status;
    if (tx.status === 'Delivered' || tx.status === 'Failed' || tx.status === 'Purged' || tx.status === 'Decline') return tx;
    if (Date.now() > deadline) throw Object.assign(new Error('the IEP download is taking long: the inbound thread is given back and the step retried'), { retryable: true });
    await sleep(deps.options.threadPollMs);
    // Cancelled meanwhile (or the request is gone): give the thread back now.
    const summary = await deps.store.requests.getSummary(ref.requestId);
    if (!summary || isTerminal(summary.status)) return undefined;
    tx = await deps.iep.getTransaction(txId, ctx);
  }
}
