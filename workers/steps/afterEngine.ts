import type { RequestStatus } from '../../domain';
import { advance } from '../advance';
import type { FlowDeps } from '../flowDeps';
import type { FlowRef } from '../flowRef';
import type { PacsImportResult } from '../pacsImport';

/**
 * Records what the engine and PACS did: the studies for RIS, then `stored` (import: iepDelivered, "in our PACS"; CD:
 * deliveredToPacs) with a pacs.stored audit; or quarantined, with the engine's findings sealed in the note and the
 * analysts told (guideline 2.7: images go into PACS only when the request and the minimum data are right).
 */
export async function recordEngineOutcome(deps: FlowDeps, ref: FlowRef, result: PacsImportResult, stored: RequestStatus): Promise<'stored' | 'quarantined' | 'moved on'> {
  if (result.outcome === 'quarantined') {
    const moved = await advance(deps, ref, 'quarantined', {
      why: `held by the DICOM checks (${result.codes.join(', ')})`,
      note: result.analystText,
      audit: [{ type: 'dicom.quarantined', facts: { reason: result.reason, studyCount: result.studyCount } }],
      channel: 'quarantined',
    });
    return moved.outcome === 'moved' || (moved.outcome === 'refused' && moved.status === 'quarantined') ? 'quarantined' : 'moved on';
  }
  await deps.flowState.setImportedStudies(ref, result.studies);
  const moved = await advance(deps, ref, stored, {
    why: 'stored in UHL PACS',
    audit: [{ type: 'pacs.stored', facts: { studyCount: result.studies.length, instanceCount: result.instanceCount } }],
  });
  return moved.outcome === 'moved' || (moved.outcome === 'refused' && moved.status === stored) ? 'stored' : 'moved on';
}
