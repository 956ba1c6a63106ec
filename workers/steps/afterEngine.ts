import { auditEvent, QUARANTINE_RELEASED_WHY, type RequestStatus } from '../../domain';
import { advance, WORKFLOW_ACTOR } from '../advance';
import type { FlowDeps } from '../flowDeps';
import type { FlowRef } from '../flowRef';
import type { PacsImportResult } from '../pacsImport';
import { quarantineRecordsOf } from '../quarantineRecord';

/** A release being carried out (workers/steps/releaseQuarantine.ts): how the approver confirmed it, sealed in the history. */
export interface ReleaseInProgress {
  /** The approver's free text: stored as the transition's sealed note, never logged. */
  confirmation?: string;
}

/**
 * Records what the engine and PACS did: the studies for RIS, then `stored` (import: iepDelivered, "in our PACS"; CD:
 * deliveredToPacs) with a pacs.stored audit; or quarantined, with the engine's findings sealed in the note and in the
 * quarantine record (workers/quarantineRecord.ts: what a release may accept), and the analysts told (guideline 2.7:
 * images go into PACS only when the request and the minimum data are right).
 *
 * With `release` (a quarantined delivery re-run after an approver's check): stored means quarantined ->
 * deliveredToPacs, "released after a check by the service desk", and the requester is told; held again means the
 * findings differ from those released, so the request stays quarantined and the channel gets a NEW card for the new
 * findings (the old release is void).
 */
export async function recordEngineOutcome(
  deps: FlowDeps,
  ref: FlowRef,
  result: PacsImportResult,
  stored: RequestStatus,
  release?: ReleaseInProgress,
): Promise<'stored' | 'quarantined' | 'moved on'> {
  if (result.outcome === 'quarantined') {
    // Before the notice goes out: the channel card is drawn from this record.
    const version = await quarantineRecordsOf(deps).recordHeld(ref.requestId, ref.run, result.findings, deps.clock.now());
    const facts = { reason: result.reason, studyCount: result.studyCount };
    if (release) {
      // Held again after a release: the request is still quarantined, so no transition can say it (and the run's
      // first quarantine already used its idempotency key). The audit and a new card, keyed by the new findings, do.
      const summary = await deps.store.requests.getSummary(ref.requestId);
      if (!summary || summary.status !== 'quarantined') return 'moved on';
      const callRef = summary.callRef;
      await deps.store.audit.append(auditEvent('dicom.quarantined', { at: deps.clock.now(), actor: WORKFLOW_ACTOR, requestId: ref.requestId, ...(callRef ? { callRef } : {}) }, facts));
      await deps.notifier.notifyChannel({ topic: 'quarantined', requestId: ref.requestId, ...(callRef ? { callRef } : {}), kind: summary.kind, status: 'quarantined', occurrence: version });
      return 'quarantined';
    }
    const moved = await advance(deps, ref, 'quarantined', {
      why: `held by the DICOM checks (${result.codes.join(', ')})`,
      note: result.analystText,
      audit: [{ type: 'dicom.quarantined', facts }],
      channel: 'quarantined',
    });
    if (moved.outcome !== 'moved' && (moved.outcome !== 'refused' || moved.status !== 'quarantined')) return 'moved on';
    return 'quarantined';
  }
  await deps.flowState.setImportedStudies(ref, result.studies);
  const moved = await advance(deps, ref, stored, {
    why: release ? QUARANTINE_RELEASED_WHY : 'stored in UHL PACS',
    ...(release?.confirmation ? { note: release.confirmation } : {}),
    audit: [{ type: 'pacs.stored', facts: { studyCount: result.studies.length, instanceCount: result.instanceCount } }],
    // The requester's status card says their images were held and released after a check (cards/statusCard via bot).
    ...(release ? { tellRequester: true } : {}),
  });
  return moved.outcome === 'moved' || (moved.outcome === 'refused' && moved.status === stored) ? 'stored' : 'moved on';
}
