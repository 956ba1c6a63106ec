import { iepPriorityFor } from '../../integrations/iep';
import { advance } from '../advance';
import { notBefore } from '../calendarGate';
import type { FlowDeps } from '../flowDeps';
import { flowIdOf, type FlowRef } from '../flowRef';
import { addStep } from '../flowSteps';
import { iepExamsOf, iepPatientOf, resolveInstitution } from '../iepMapping';
import { done, later, PermanentStepError, type StepOutcome } from '../stepOutcome';

const AFTER_CREATE = ['iepNew', 'iepStarted', 'onIep', 'iepDownloadRequest', 'iepDownloading'] as const;

/**
 * Import step 1 (guideline 2.3b, Appendix 1): the IEP request. Waits for service hours (Batch: the overnight window),
 * then creates the request on IEP with our external reference (the run's flow id), which IEP treats as an idempotency
 * key: a repeat, or the next worker after a crash, gets the same transaction back. approved -> iepNew, then the watch.
 */
export async function importRequestStep(ref: FlowRef, deps: FlowDeps): Promise<StepOutcome> {
  const stored = await deps.store.requests.get(ref.requestId);
  if (!stored) return done('request gone');
  if (stored.request?.kind !== 'import') throw new PermanentStepError('NOT_AN_IMPORT', `request ${ref.requestId} is not an import with its details`);
  if ((AFTER_CREATE as readonly string[]).includes(stored.status)) {
    await addStep(deps, ref, 'import.watch', stored.lane);
    return done('already on IEP: following it');
  }
  if (stored.status !== 'approved') return done(`nothing to do: request is ${stored.status}`);

  const now = deps.clock.now();
  const wait = notBefore(stored.lane, now, deps.calendar);
  if (wait) return later(wait.getTime() - now.getTime(), 'waiting for service hours', wait);

  const request = stored.request;
  const ctx = stored.callRef ? { callRef: stored.callRef } : {};
  const institution = await resolveInstitution(deps.iep, request.sourceOrganisation, stored.callRef);
  const { transaction } = await deps.iep.createRequest(
    {
      externalReference: flowIdOf(ref),
      institutionId: institution.id,
      priority: iepPriorityFor(request.priority),
      // Appendix 1 step 5: "Leave the delivery node as UHLPACSWFM01".
      deliveryNode: deps.options.iepDeliveryNode,
      patient: iepPatientOf(request.patient, { withLocalId: false }),
      // Appendix 1 step 4: the UHL Patient ID for the DICOM header.
      dicomHeaderPatientId: request.patient.sNumber,
      exams: iepExamsOf(request.exams),
      // Appendix 1 step 3: without clinician, consultant and department "your request may be declined".
      requestedBy: {
        clinician: request.clinician.requestingClinician,
        consultant: request.clinician.consultant,
        department: request.clinician.department,
        contact: request.requester.phone,
      },
      requiredBy: request.requiredBy,
      ...(request.comments ? { comments: request.comments } : {}),
    },
    ctx,
  );
  await deps.flowState.setTransaction(ref, transaction.id);
  const moved = await advance(deps, ref, 'iepNew', {
    why: 'IEP request created',
    audit: [{ type: 'iep.transactionCreated', facts: { iepTransactionId: transaction.id, lane: stored.lane } }],
  });
  if (moved.outcome !== 'moved' && !(moved.outcome === 'refused' && moved.status === 'iepNew')) return done('request moved on meanwhile');
  await addStep(deps, ref, 'import.watch', stored.lane);
  return done('IEP request created');
}
