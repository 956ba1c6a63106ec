import { isTerminal, reprocessStatus, type RequestStatus } from '../../domain';
import { iepPriorityFor, type IepTransaction, type NewIepTransfer } from '../../integrations/iep';
import type { StoredRequest } from '../../store';
import { advance } from '../advance';
import type { FlowDeps } from '../flowDeps';
import { flowIdOf, type FlowRef } from '../flowRef';
import { addStep, sleep } from '../flowSteps';
import { iepPatientOf, resolveInstitution } from '../iepMapping';
import { done, PermanentStepError, type StepOutcome } from '../stepOutcome';
import { endUnsuccessfully } from './iepOutcomes';
import { attachTraumaReports, traumaReportsNote, type TraumaReportsOutcome } from './traumaReports';

const UPLOADING: readonly RequestStatus[] = ['iepNew', 'iepStarted'];

/**
 * Export step 3 and trauma (Appendix 4 steps 11-15), on one of the five outbound IEP threads (the outbound queue: 5
 * at once across every worker, one kept for Blue Light and trauma, guideline 2.3d). Creates the IEP transfer of the
 * chosen studies (IEP takes them from our IEP node; the sandbox simulator pulls them from UHL PACS) and follows the
 * upload while holding the thread, until the images are On IEP for the receiver. Then outbound.watch follows the
 * receiver's download. A failure reaches the requester at once (trauma: the radiologist, with the CD fallback on the
 * card, Appendix 4 step 18).
 */
export async function outboundSendStep(ref: FlowRef, deps: FlowDeps): Promise<StepOutcome> {
  const stored = await deps.store.requests.get(ref.requestId);
  if (!stored) return done('request gone');
  if (stored.kind !== 'export' && stored.kind !== 'trauma') throw new PermanentStepError('NOT_OUTBOUND', `request ${ref.requestId} is not an export or trauma transfer`);
  const ctx = stored.callRef ? { callRef: stored.callRef } : {};
  const state = await deps.flowState.get(ref);

  let txId = state.iepTransactionId;
  if (stored.status === reprocessStatus(stored.kind)) {
    const { transfer, reports } = await transferOf(deps, ref, stored, state.chosenStudyUids);
    const { transaction } = await deps.iep.createTransfer(transfer, ctx);
    txId = transaction.id;
    await deps.flowState.setTransaction(ref, txId);
    const moved = await advance(deps, ref, 'iepNew', {
      why: reports ? `IEP transfer created; ${traumaReportsNote(reports)}` : 'IEP transfer created',
      audit: [
        { type: 'iep.transactionCreated', facts: { iepTransactionId: txId, lane: stored.lane } },
        ...(reports
          ? [{ type: 'trauma.reportsAttached' as const, facts: { attached: reports.attached, notIssued: reports.notIssued, none: reports.none, unavailable: reports.unavailable } }]
          : []),
      ],
    });
    if (moved.outcome === 'gone' || (moved.outcome === 'refused' && moved.status !== 'iepNew')) return done('request moved on meanwhile');
  } else if (!UPLOADING.includes(stored.status)) {
    if (stored.status === 'onIep' || stored.status === 'iepDelivered') await addStep(deps, ref, 'outbound.watch', stored.lane);
    return done(`nothing to send: request is ${stored.status}`);
  }
  if (!txId) throw new PermanentStepError('NO_IEP_TRANSACTION', `run ${ref.run} of request ${ref.requestId} has no IEP transaction`);

  const tx = await followUpload(deps, ref, txId, ctx);
  if (!tx) return done('request ended while IEP was uploading');
  if (tx.status === 'On IEP' || tx.status === 'Delivered') {
    await advance(deps, ref, 'onIep', { why: 'IEP status On IEP: the receiver may download', audit: [{ type: 'iep.statusSeen', facts: { iepStatus: tx.status } }] });
    if (stored.kind === 'export' && stored.callRef) {
      // Appendix 3: the site contact is told; IEP messages reach the receiving organisation with the transfer.
      await deps.iep.postMessage(
        txId,
        { text: `Images for UHL call reference ${stored.callRef} are on IEP for you to download.`, clientMessageId: `${flowIdOf(ref)}.onIep` },
        ctx,
      );
    }
    await addStep(deps, ref, 'outbound.watch', stored.lane);
    return done('uploaded: On IEP');
  }
  await endUnsuccessfully(deps, ref, tx);
  return done(`IEP status ${tx.status}`);
}

async function transferOf(deps: FlowDeps, ref: FlowRef, stored: StoredRequest, chosen: string[] | undefined): Promise<{ transfer: NewIepTransfer; reports?: TraumaReportsOutcome }> {
  const request = stored.request;
  if (request?.kind === 'trauma') {
    // Step 13: the report, when the radiologist asked for it. Looked up before the transfer is created; never blocks it.
    const reports = request.attachReport ? await attachTraumaReports(deps.pacs, deps.reports, request.studyInstanceUids, stored.callRef ? { callRef: stored.callRef } : {}) : undefined;
    return { transfer: await traumaTransferOf(deps, ref, stored, request, reports), ...(reports ? { reports } : {}) };
  }
  return { transfer: await exportTransferOf(deps, ref, stored, chosen) };
}

async function traumaTransferOf(
  deps: FlowDeps,
  ref: FlowRef,
  stored: StoredRequest,
  request: Extract<NonNullable<StoredRequest['request']>, { kind: 'trauma' }>,
  reports: TraumaReportsOutcome | undefined,
): Promise<NewIepTransfer> {
  const institution = await resolveInstitution(deps.iep, request.destination.organisation, stored.callRef);
  // Appendix 4 step 14: the delivery node is "NUH Radiology PACS"; refuse to guess another.
  if (!institution.deliveryNodes.includes(request.destination.deliveryNode)) {
    throw new PermanentStepError('DELIVERY_NODE_UNKNOWN', 'the trauma destination does not list its delivery node on IEP');
  }
  return {
    externalReference: flowIdOf(ref),
    institutionId: institution.id,
    // Appendix 4 step 15: "Set the priority to clinical emergency".
    priority: iepPriorityFor('clinicalEmergency'),
    deliveryNode: request.destination.deliveryNode,
    patient: iepPatientOf(request.patient, { withLocalId: true, ...(request.noNhsNumberReason ? { noNhsNumberReason: request.noNhsNumberReason } : {}) }),
    // Step 12: only the relevant studies the radiologist picked; step 13: with their reports when asked for.
    studies: reports?.studies ?? request.studyInstanceUids.map((studyInstanceUid) => ({ studyInstanceUid })),
    ...(request.clinicalNote ? { comments: request.clinicalNote } : {}),
  };
}

async function exportTransferOf(deps: FlowDeps, ref: FlowRef, stored: StoredRequest, chosen: string[] | undefined): Promise<NewIepTransfer> {
  const request = stored.request;
  if (request?.kind !== 'export') throw new PermanentStepError('NO_REQUEST_DETAILS', `request ${stored.id} has no transfer details`);
  if (!chosen?.length) throw new PermanentStepError('NO_STUDIES_CHOSEN', `run ${ref.run} of request ${stored.id} has no studies chosen`);
  const institution = await resolveInstitution(deps.iep, request.destination.organisation, stored.callRef);
  const deliveryNode = institution.deliveryNodes[0];
  if (!deliveryNode) throw new PermanentStepError('DELIVERY_NODE_UNKNOWN', 'the destination lists no delivery node on IEP');
  return {
    externalReference: flowIdOf(ref),
    institutionId: institution.id,
    priority: iepPriorityFor(request.priority),
    deliveryNode,
    patient: iepPatientOf(request.patient, { withLocalId: true }),
    studies: chosen.map((studyInstanceUid) => ({ studyInstanceUid })),
    recipient: {
      name: request.destination.contactName,
      position: request.destination.contactPosition,
      phone: request.destination.contactPhone,
      email: request.destination.contactEmail,
    },
    requiredBy: request.requiredBy,
    ...(request.comments ? { comments: request.comments } : {}),
  };
}

/** Follows the upload while holding the outbound thread; gives it back (retryable) after options.threadHoldMaxMs. */
async function followUpload(deps: FlowDeps, ref: FlowRef, txId: string, ctx: { callRef?: string }): Promise<IepTransaction | undefined> {
  const deadline = Date.now() + deps.options.threadHoldMaxMs;
  let started = false;
  for (;;) {
    const tx = await deps.iep.getTransaction(txId, ctx);
    if ((tx.status === 'Started' || tx.status === 'Uploading') && !started) {
      started = true;
      await advance(deps, ref, 'iepStarted', { why: 'IEP is uploading', audit: [{ type: 'iep.statusSeen', facts: { iepStatus: tx.status } }] });
    }
    if (tx.status === 'On IEP' || tx.status === 'Delivered' || tx.status === 'Failed' || tx.status === 'Decline' || tx.status === 'Purged') return tx;
    if (Date.now() > deadline) throw Object.assign(new Error('the IEP upload is taking long: the outbound thread is given back and the step retried'), { retryable: true });
    await sleep(deps.options.threadPollMs);
    // Cancelled meanwhile (or the request is gone): give the thread back now.
    const summary = await deps.store.requests.getSummary(ref.requestId);
    if (!summary || isTerminal(summary.status)) return undefined;
  }
}
