import type { PacsErrorContext } from '../errors';
import type { FailedInstance, StoreFailureReason, StoreOutcome, StoredInstance } from '../pacsClient';
import { mapPool, planBatches, type StoreEntry } from '../storeBatches';
import { runAssociation, type DimsePeer } from './association';
import { CStoreRequest, Dataset, STATUS_SUCCESS, isWarning, type DimseAssociation, type DimseResponse, type DimseStoreRequest } from './dimseLibrary';

/**
 * C-STORE (PS3.4 B.2) of prepared files: batches of instances, each batch on its own association, a few associations
 * at once. dcmjs-dimse negotiates one presentation context per SOP class (plus the file's own transfer syntax when it
 * is compressed) and sends the requests one after another on the association.
 */
export interface CStoreOptions {
  batchFiles: number;
  parallelism: number;
  call: PacsErrorContext;
}

/** Not a transfer syntax: a data set labelled with it can never be sent, so the library skips its request. */
const UNSENDABLE_SYNTAX = '2.25.0';

interface Pending {
  entry: StoreEntry;
  request: DimseStoreRequest;
  status?: number;
  unreadable?: boolean;
}

/**
 * A C-STORE request that reads its file only when it is about to be sent. Built from the file path, dcmjs-dimse 0.3.3
 * reads every file whole when the request is made, then again when sent, and keeps the parsed data set on the request
 * afterwards. Here the request starts from the meta we already read; the two fields below are the ones the library's
 * own file constructor sets so that `loadFullDatasetIfNeeded` loads the file just before sending (pinned version).
 * A file that fails to parse then is marked unreadable and given a data set the library cannot send, so it skips that
 * request (no response) instead of throwing inside its event handler.
 */
function lazyStoreRequest(pending: Omit<Pending, 'request'>): DimseStoreRequest {
  const { meta, file } = pending.entry;
  const request = new CStoreRequest(new Dataset({ SOPClassUID: meta.sopClassUid, SOPInstanceUID: meta.sopInstanceUid }, meta.transferSyntaxUid));
  const lazy = request as DimseStoreRequest & { needsFullDatasetLoading?: boolean; datasetOrFile?: string; loadFullDatasetIfNeeded(): void };
  lazy.needsFullDatasetLoading = true;
  lazy.datasetOrFile = file;
  const load = lazy.loadFullDatasetIfNeeded.bind(lazy);
  lazy.loadFullDatasetIfNeeded = () => {
    try {
      load();
    } catch {
      (pending as Pending).unreadable = true;
      request.setDataset(new Dataset({}, UNSENDABLE_SYNTAX));
    }
  };
  return request;
}

export async function cStoreEntries(peer: DimsePeer, entries: StoreEntry[], opts: CStoreOptions): Promise<StoreOutcome> {
  const batches = planBatches(entries, opts.batchFiles, Number.POSITIVE_INFINITY);
  const results = await mapPool(batches, opts.parallelism, (batch) => storeBatch(peer, batch, opts.call));
  const outcome: StoreOutcome = { stored: [], failed: [], bytes: 0 };
  for (const r of results) {
    outcome.stored.push(...r.stored);
    outcome.failed.push(...r.failed);
    outcome.bytes += r.bytes;
  }
  return outcome;
}

async function storeBatch(peer: DimsePeer, batch: StoreEntry[], ctx: PacsErrorContext): Promise<StoreOutcome> {
  const pendings: Pending[] = batch.map((entry) => {
    const p = { entry } as Pending;
    p.request = lazyStoreRequest(p);
    p.request.on('response', (response: DimseResponse) => {
      p.status = response.getStatus();
      // Drop the parsed data set now it is sent: the client keeps every request of the association until it closes.
      p.request.setDataset(new Dataset({}, p.entry.meta.transferSyntaxUid));
    });
    return p;
  });
  let association: DimseAssociation | undefined;
  await runAssociation(
    peer,
    pendings.map((p) => p.request),
    ctx,
    { onAccepted: (a) => (association = a) },
  );
  const stored: StoredInstance[] = [];
  const failed: FailedInstance[] = [];
  for (const p of pendings) {
    const base = { file: p.entry.file, sopInstanceUid: p.entry.meta.sopInstanceUid };
    if (p.unreadable) failed.push({ ...base, reason: 'invalid-file' });
    else if (p.status === undefined) {
      const accepted = association?.getAcceptedPresentationContextFromRequest(p.request);
      failed.push({ ...base, reason: accepted ? 'not-acknowledged' : 'sop-class-not-accepted' });
    } else if (p.status === STATUS_SUCCESS) stored.push(base);
    else if (isWarning(p.status)) stored.push({ ...base, warning: `0x${p.status.toString(16).toUpperCase().padStart(4, '0')}` });
    else failed.push({ ...base, reason: failureReason(p.status), status: p.status });
  }
  return { stored, failed, bytes: batch.reduce((n, e) => n + e.bytes, 0) };
}

/** PS3.4 B.2.3 C-STORE failure statuses. */
function failureReason(status: number): StoreFailureReason {
  if ((status & 0xff00) === 0xa700) return 'out-of-resources';
  if (status === 0x0122) return 'sop-class-not-accepted';
  return 'refused-by-pacs';
}
