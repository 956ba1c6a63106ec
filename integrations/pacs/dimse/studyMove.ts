import { PacsDimseStatusError, PacsNotAcceptedError, type PacsErrorContext } from '../errors';
import { runAssociation, type DimsePeer } from './association';
import { CMoveRequest, STATUS_CANCEL, STATUS_SUCCESS, isPending, isWarning, type DimseResponse } from './dimseLibrary';

/**
 * C-MOVE of one study (PS3.4 C.4.2, Study Root, STUDY level): the PACS opens its own association to the destination
 * AE title (which it must know by host and port) and C-STOREs every instance there. Used to retrieve into our storage
 * SCP and to send a study from PACS straight to another node (e.g. the IEP gateway) without passing through us.
 */
export interface MoveResult {
  /** Number of Completed Sub-operations (0000,1021) in the final response. */
  completed: number;
  /** Number of Failed Sub-operations (0000,1022). */
  failed: number;
  /** Number of Warning Sub-operations (0000,1023). */
  warnings: number;
  /** Final status: 0x0000, or 0xB000 when some sub-operations failed (PS3.4 C.4.2.1.5). */
  status: number;
}

/** PS3.4 C.4.2.1.5 C-MOVE failure statuses, in words. */
function moveFailureHint(status: number, destinationAet: string): string {
  if (status === 0xa801) return `PACS does not know the move destination "${destinationAet}": register that AE title (host and port) on the PACS`;
  if ((status & 0xff00) === 0xa700) return 'PACS is out of resources for the move: it will be retried';
  if ((status & 0xff00) === 0xa900) return 'PACS says the move identifier does not match the Study Root model: report this to the developers';
  if (status === 0x0122) return 'PACS does not support Study Root C-MOVE for us: ask the PACS team to allow it';
  if (status === STATUS_CANCEL) return 'the move was cancelled';
  // Orthanc 1.10 answers 0xC000 (not 0xA801) for an unknown destination, so the likeliest cause is named here too.
  return `PACS could not process the move: check that "${destinationAet}" is registered on the PACS as a DICOM node, then the PACS logs`;
}

export async function moveStudy(peer: DimsePeer, studyUid: string, destinationAet: string, ctx: PacsErrorContext): Promise<MoveResult> {
  const request = CMoveRequest.createStudyMoveRequest(destinationAet, studyUid);
  let final: MoveResult | undefined;
  request.on('response', (response: DimseResponse) => {
    const status = response.getStatus();
    if (isPending(status)) return;
    // The library types C-MOVE responses as the base Response; the sub-operation counters are on CMoveResponse.
    const r = response as DimseResponse & { getCompleted(): number; getFailures(): number; getWarnings(): number };
    final = { completed: r.getCompleted() ?? 0, failed: r.getFailures() ?? 0, warnings: r.getWarnings() ?? 0, status };
  });
  await runAssociation(peer, [request], ctx);
  if (!final) throw new PacsNotAcceptedError('Study Root C-MOVE', ctx);
  if (final.status !== STATUS_SUCCESS && !isWarning(final.status)) {
    throw new PacsDimseStatusError('C-MOVE', final.status, moveFailureHint(final.status, destinationAet), ctx);
  }
  return final;
}
