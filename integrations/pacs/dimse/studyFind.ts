import {
  PacsDimseStatusError,
  PacsMalformedResponseError,
  PacsNotAcceptedError,
  PacsQueryTooBroadError,
  type PacsErrorContext,
} from '../errors';
import type { StudySummary } from '../pacsClient';
import type { StudyMatch } from '../studyQuery';
import { fromNaturalized } from '../studySummary';
import { runAssociation, type DimsePeer } from './association';
import { CFindRequest, STATUS_CANCEL, STATUS_SUCCESS, isPending, type DimseClient, type DimseResponse } from './dimseLibrary';

/**
 * C-FIND at STUDY level in the Study Root Query/Retrieve Information Model (PS3.4 C.6.2). Matching keys carry values;
 * the return keys we want are sent empty (PS3.4 C.2.2.1.2 universal matching). Past maxResults the find is cancelled
 * (C-CANCEL, PS3.7 9.3.2.3) and fails as too broad rather than return a partial list.
 */
export function findIdentifier(match: StudyMatch): Record<string, string> {
  return {
    PatientID: match.patientId ?? '',
    AccessionNumber: match.accessionNumber ?? '',
    StudyInstanceUID: match.studyInstanceUid ?? '',
    StudyDate: match.studyDate ?? '',
    ModalitiesInStudy: match.modality ?? '',
    StudyTime: '',
    StudyDescription: '',
    PatientName: '',
    PatientBirthDate: '',
    NumberOfStudyRelatedSeries: '',
    NumberOfStudyRelatedInstances: '',
  };
}

/** PS3.4 C.4.1.1.4 C-FIND failure statuses, in words. */
function findFailureHint(status: number): string {
  if ((status & 0xff00) === 0xa700) return 'PACS is out of resources: it will be retried';
  if ((status & 0xff00) === 0xa900) return 'PACS says the query does not match the Study Root model: report this to the developers';
  if (status === 0x0122) return 'PACS does not support Study Root C-FIND for us: ask the PACS team to allow it';
  return 'PACS could not process the search: check its logs';
}

export async function findStudies(
  peer: DimsePeer,
  match: StudyMatch,
  opts: { maxResults: number; call: PacsErrorContext },
): Promise<StudySummary[]> {
  const ctx = opts.call;
  const request = CFindRequest.createStudyFindRequest(findIdentifier(match));
  const found = new Map<string, StudySummary>();
  let finalStatus: number | undefined;
  let tooBroad = false;
  let malformed = false;
  let client: DimseClient | undefined;
  request.on('response', (response: DimseResponse) => {
    const status = response.getStatus();
    if (!isPending(status)) {
      finalStatus = status;
      return;
    }
    const ds = response.getDataset();
    const summary = ds ? fromNaturalized(ds.getElements()) : undefined;
    if (!summary) {
      malformed = true;
      return;
    }
    found.set(summary.studyInstanceUid, summary);
    if (found.size > opts.maxResults && !tooBroad) {
      tooBroad = true;
      client?.cancel(request);
    }
  });
  await runAssociation(peer, [request], ctx, { onClient: (c) => (client = c) });
  if (tooBroad) throw new PacsQueryTooBroadError(opts.maxResults, ctx);
  if (finalStatus === undefined) throw new PacsNotAcceptedError('Study Root C-FIND', ctx);
  if (finalStatus !== STATUS_SUCCESS && finalStatus !== STATUS_CANCEL) {
    throw new PacsDimseStatusError('C-FIND', finalStatus, findFailureHint(finalStatus), ctx);
  }
  if (malformed) throw new PacsMalformedResponseError('a C-FIND match has no valid Study Instance UID (0020,000D)', ctx);
  return [...found.values()];
}
