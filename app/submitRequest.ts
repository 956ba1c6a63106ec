import {
  auditEvent,
  formatLondonWeekdayTime,
  IllegalTransitionError,
  londonLocalDate,
  TRAUMA_DESTINATIONS,
  validateCdImportRequest,
  validateExportRequest,
  validateImportRequest,
  validateTraumaRequest,
  type Actor,
  type CallRef,
  type Priority,
  type PriorityLane,
  type RequestKind,
  type RequestStatus,
  type TransferRequest,
  type ValidationContext,
  type ValidationResult,
} from '../domain';
import { ServiceDeskError } from '../integrations/servicedesk';
import { StoreError, type RequestSummary, type TransitionOptions, type WrittenRecord } from '../store';
import { auditActor, hasRole, type AppActor } from './appActor';
import type { AppDeps } from './deps';
import { auditDenial } from './denials';
import { bestInstitution } from './iepDirectory';
import { appMessages, blueLightOutOfHoursNote, expectedFor, nextStepFor, outOfHoursNote } from './messages';
import type { Refusal } from './outcomes';
import { checkRegistration } from './patientRegistration';
import { serviceDeskPriorityOf, serviceDeskSummaryOf } from './serviceDeskSummary';
import { checkPickedStudies } from './traumaStudies';

/** A request that is stored, logged with the service desk, and on its way (approval, or for trauma the transfer). */
export interface AcceptedRequest {
  outcome: 'accepted';
  requestId: string;
  callRef: CallRef;
  kind: RequestKind;
  status: RequestStatus;
  priority?: Priority;
  lane: PriorityLane;
  /** What happens next, in the guideline's words. */
  nextStep: string;
  /** When to expect the images. */
  expected: string;
  /** Set when the service desk is closed (guideline 2.9): when it opens, and what that means for this request. */
  outOfHours?: { nextOpening: string; note: string; traumaRoute: boolean };
  /** True when this submission had already been accepted (Teams re-delivered it): nothing new was done. */
  replayed: boolean;
}

/** What submitting a card did. */
export type SubmitOutcome = AcceptedRequest | Refusal;

const VALIDATORS: Record<RequestKind, (input: unknown, ctx: ValidationContext) => ValidationResult<TransferRequest>> = {
  import: validateImportRequest,
  export: validateExportRequest,
  trauma: validateTraumaRequest,
  cdImport: validateCdImportRequest,
};

// The intake steps after the form are done by the bot on the requester's behalf, not by the requester.
const INTAKE: Actor = { type: 'system', component: 'intake' };

/** Step 5's status change (not trauma), under the submission's key. */
const AWAITING_APPROVAL = (key: string) => ({ to: 'awaitingApproval' as const, reason: 'waiting for a service-desk analyst', idempotencyKey: `${key}:awaitingApproval` });

/**
 * Submits a request form. Order matters, and each step is safe to repeat under the same `submissionKey` (a stable key
 * for this card submission, e.g. `submit:<kind>:<user>:<card activity id>`; Teams re-delivers activities):
 *  1. role (trauma: on-call radiologist only, guideline 2.8) and domain validation, today being London's date;
 *  2. PAS: the patient must be registered (2.7d), else an error on the sNumber field;
 *  3. store create, idempotent on the key (a re-delivery finds the first request instead of making a second);
 *  4. service desk logRequest (2.7a), idempotent on the request id -> call reference; submitted -> logged;
 *  5. logged -> awaitingApproval and the approval card to the channel; trauma skips approval and starts the flow.
 * Redis down at 3 means "not accepted" and no call reference. A failure at 4 or 5 leaves the request where it stopped
 * and the same submission resumes it.
 */
export async function submitRequest(deps: AppDeps, actor: AppActor, kind: RequestKind, cardValues: unknown, submissionKey: string): Promise<SubmitOutcome> {
  const now = deps.now();
  if (kind === 'trauma' && !hasRole(actor, 'radiologist')) {
    await auditDenial(deps, actor, 'submitTrauma');
    return { outcome: 'denied', message: appMessages.deniedTrauma };
  }
  const ctx: ValidationContext = {
    today: londonLocalDate(now),
    ...(deps.localIdPattern ? { localIdPattern: deps.localIdPattern } : {}),
    ...(deps.localIdDescription ? { localIdDescription: deps.localIdDescription } : {}),
  };
  const validated = VALIDATORS[kind](cardValues, ctx);
  if (!validated.ok) return { outcome: 'invalid', errors: validated.errors };
  const request = validated.value;

  // Appendix 4 (trauma): the radiologist identifies the patient on PACS, where the studies are, and an out-of-hours
  // emergency must not wait on PAS; the picked studies must be that patient's (card data is only a hint). Every other
  // kind ends with images in, or out of, our PACS under 2.7d, so the patient must be registered on PAS.
  if (request.kind === 'trauma') {
    const picked = await checkPickedStudies(deps, request.patient.sNumber, request.studyInstanceUids);
    if (picked === 'unavailable') return { outcome: 'unavailable', message: appMessages.pacsUnavailable };
    if (picked) return { outcome: 'invalid', errors: picked };
  } else {
    const registration = await checkRegistration(deps, request.patient);
    if (registration.result === 'unavailable') return { outcome: 'unavailable', message: appMessages.notAcceptedPas };
    if (registration.result === 'refused') return { outcome: 'invalid', errors: registration.errors };
  }

  let created;
  try {
    created = await deps.store.requests.create({
      request,
      requester: actor.aadObjectId,
      actor: auditActor(actor, kind === 'trauma' ? 'radiologist' : 'requester'),
      at: now,
      idempotencyKey: `submit:${submissionKey}`,
    });
  } catch (err) {
    return storeRefusal(deps, err, appMessages.notAcceptedStore);
  }
  return resumeIntake(deps, created.id, request, submissionKey, !created.created, created.written);
}

/**
 * Steps 4 and 5 for a stored request, from wherever it stopped. `written` is the record as this submission's create
 * left it (the store answers with what it wrote); a re-delivery reads where the first attempt got to.
 */
async function resumeIntake(deps: AppDeps, requestId: string, request: TransferRequest, key: string, replayed: boolean, written?: WrittenRecord): Promise<SubmitOutcome> {
  const now = deps.now();
  let summary: RequestSummary | undefined;
  // What our own last write left: the next step is decided from it without reading the record again.
  let basis = written;
  try {
    summary = written?.summary ?? (await deps.store.requests.getSummary(requestId));
    if (!summary) throw new Error(`request ${requestId} vanished after create`);

    if (summary.status === 'submitted') {
      let callRef: CallRef;
      try {
        const logged = await deps.serviceDesk.logRequest({
          requestId,
          kind: request.kind,
          priority: serviceDeskPriorityOf(request),
          summary: serviceDeskSummaryOf(request),
        });
        callRef = logged.callRef as CallRef;
      } catch (err) {
        if (!(err instanceof ServiceDeskError)) throw err;
        deps.logger.warn({ requestId, code: err.code, retryable: err.retryable }, 'service desk did not log the request');
        return { outcome: 'unavailable', message: appMessages.savedNotLogged, requestId };
      }
      const loggedEvent = auditEvent('request.logged', { at: now, actor: INTAKE, requestId, callRef }, { kind: request.kind });
      // Step 5's status change goes in the same write as step 4's (one round trip; each keeps its history entry, audit
      // and idempotency key). Trauma stays at logged: its flow starts next, without approval.
      ({ summary, basis } = await advance(deps, summary, 'logged', {
        actor: INTAKE,
        at: now,
        reason: 'logged with the service desk',
        callRef,
        idempotencyKey: `${key}:logged`,
        audit: [loggedEvent],
        ...(basis ? { basis } : {}),
        ...(request.kind !== 'trauma' ? { then: AWAITING_APPROVAL(key) } : {}),
      }));
    }

    // A re-delivery of a submission that stopped at logged (or a logged step that lost a race) finishes step 5 here.
    if (summary.status === 'logged' && request.kind !== 'trauma') {
      const { to, ...step } = AWAITING_APPROVAL(key);
      ({ summary } = await advance(deps, summary, to, { actor: INTAKE, at: now, ...step, ...(basis ? { basis } : {}) }));
    }
  } catch (err) {
    return storeRefusal(deps, err, appMessages.savedNotLogged, requestId);
  }
  const callRef = summary.callRef!;

  // Re-sent on a re-delivery too: both ports dedupe (job ids), and a first attempt may have stopped just before them.
  try {
    if (request.kind === 'trauma') {
      if (summary.status === 'logged') await deps.flows.start(requestId, { lane: summary.lane });
      await deps.notifier.notifyChannel({ topic: 'traumaSent', requestId, callRef, kind: 'trauma', status: summary.status });
    } else if (summary.status === 'awaitingApproval') {
      await deps.notifier.notifyChannel({ topic: 'approvalNeeded', requestId, callRef, kind: request.kind, status: 'awaitingApproval' });
    }
  } catch (err) {
    deps.logger.error({ requestId, callRef, errType: (err as Error).name }, 'accepted request: flow start or channel notice failed');
    if (request.kind === 'trauma') return { outcome: 'unavailable', message: appMessages.savedNotStarted(callRef), requestId };
  }
  return accepted(deps, summary, request, callRef, replayed);
}

/**
 * One intake step. A concurrent delivery of the same submission may take the step between our read and our write:
 * the lifecycle then refuses ours (IllegalTransitionError), and the request as it now stands is the answer. When our
 * write went in, the store answers with the record as it wrote it (no read back), the basis of the next step.
 */
async function advance(deps: AppDeps, summary: RequestSummary, to: RequestStatus, opts: TransitionOptions): Promise<{ summary: RequestSummary; basis?: WrittenRecord }> {
  try {
    const done = await deps.store.requests.transition(summary.id, to, opts);
    if (done.written) return { summary: done.written.summary, basis: done.written };
  } catch (err) {
    if (!(err instanceof IllegalTransitionError)) throw err;
  }
  const now = await deps.store.requests.getSummary(summary.id);
  if (!now) throw new Error(`request ${summary.id} vanished during intake`);
  return { summary: now };
}

function accepted(deps: AppDeps, summary: RequestSummary, request: TransferRequest, callRef: CallRef, replayed: boolean): AcceptedRequest {
  const now = deps.now();
  const outcome: AcceptedRequest = {
    outcome: 'accepted',
    requestId: summary.id,
    callRef,
    kind: summary.kind,
    status: summary.status,
    ...(summary.priority !== undefined ? { priority: summary.priority } : {}),
    lane: summary.lane,
    nextStep: nextStepFor(summary.kind),
    expected: expectedFor(summary.kind, summary.priority, summary.requiredBy, request.kind === 'cdImport' && request.urgent),
    replayed,
  };
  // guideline 2.9 and 2.8: out of hours only trauma goes ahead; the rest waits for the desk to open.
  if (!deps.calendar.isOpenFor(summary.kind, now)) {
    const nextOpening = formatLondonWeekdayTime(deps.calendar.nextOpening(now));
    const traumaRoute =
      request.kind === 'export' && bestInstitution(request.destination.organisation, TRAUMA_DESTINATIONS.map((d) => ({ id: d.id, name: d.organisation }))) !== undefined;
    const note = summary.priority === 'blueLight' ? blueLightOutOfHoursNote(nextOpening, traumaRoute) : outOfHoursNote(nextOpening);
    outcome.outOfHours = { nextOpening, note, traumaRoute };
  }
  return outcome;
}

/** A transient store failure becomes a refusal with `message`; anything else is a bug and is rethrown. */
export function storeRefusal(deps: AppDeps, err: unknown, message: string, requestId?: string): Refusal {
  if (err instanceof StoreError && err.retryable) {
    deps.logger.warn({ requestId, code: err.code }, 'store unavailable');
    return { outcome: 'unavailable', message, ...(requestId !== undefined ? { requestId } : {}) };
  }
  throw err;
}
