import { PacsConfigError } from '../errors';
import type {
  EchoResult,
  PacsCallContext,
  PacsClient,
  RetrieveCallContext,
  RetrievedStudy,
  StoreOutcome,
  StudyQuery,
  StudySummary,
} from '../pacsClient';
import type { DicomWebPacsOptions } from '../pacsClientOptions';
import { checkStudyUid, toStudyMatch } from '../studyQuery';
import { DicomWebTransport } from './httpTransport';
import { qidoSearchStudies } from './qidoSearch';
import { stowStoreFiles } from './stowStore';
import { wadoRetrieveStudy } from './wadoRetrieve';

/** A Study Instance UID no PACS holds (2.25 root, PS3.5 B.2), so the echo search matches nothing. */
const ECHO_UID = '2.25.0';

/** PacsClient over DICOMweb (PS3.18): QIDO-RS search, WADO-RS retrieve, STOW-RS store, on kept-alive sockets. */
export class DicomWebPacsClient implements PacsClient {
  readonly kind = 'dicomweb' as const;
  private readonly transport: DicomWebTransport;
  private readonly timeoutMs: number;
  private readonly idleTimeoutMs: number;
  private readonly batchFiles: number;
  private readonly batchBytes: number;
  private readonly parallelism: number;
  private readonly maxResults: number;

  constructor(opts: DicomWebPacsOptions) {
    this.timeoutMs = positive(opts.timeoutMs, 30_000, 'timeoutMs');
    this.idleTimeoutMs = positive(opts.idleTimeoutMs, 60_000, 'idleTimeoutMs');
    this.batchFiles = positive(opts.storeBatchFiles, 25, 'storeBatchFiles');
    this.batchBytes = positive(opts.storeBatchBytes, 64 * 1024 * 1024, 'storeBatchBytes');
    this.parallelism = positive(opts.storeParallelism, 4, 'storeParallelism');
    this.maxResults = positive(opts.maxSearchResults, 500, 'maxSearchResults');
    // One socket more than the store lanes, so a search is not queued behind a long upload.
    this.transport = new DicomWebTransport({ baseUrl: opts.baseUrl, auth: opts.auth, tls: opts.tls, maxSockets: this.parallelism + 1 });
  }

  /** There is no verification service in DICOMweb: a search for a UID nobody holds proves the link, TLS and credentials. */
  async echo(call: PacsCallContext = {}): Promise<EchoResult> {
    const t0 = performance.now();
    await qidoSearchStudies(this.transport, { studyInstanceUid: ECHO_UID }, { timeoutMs: this.timeoutMs, maxResults: 1, call: this.ctx(call) });
    return { roundTripMs: performance.now() - t0 };
  }

  async searchStudies(query: StudyQuery, call: PacsCallContext = {}): Promise<StudySummary[]> {
    const ctx = this.ctx(call);
    const match = toStudyMatch(query, ctx);
    return qidoSearchStudies(this.transport, match, { timeoutMs: this.timeoutMs, maxResults: this.maxResults, call: ctx });
  }

  async retrieveStudy(studyInstanceUid: string, folder: string, call: RetrieveCallContext = {}): Promise<RetrievedStudy> {
    const ctx = this.ctx(call);
    const uid = checkStudyUid(studyInstanceUid, ctx);
    return wadoRetrieveStudy(this.transport, uid, folder, {
      timeoutMs: this.timeoutMs,
      idleTimeoutMs: this.idleTimeoutMs,
      call: ctx,
      onInstance: call.onInstance,
      takeInMemory: call.takeInMemory,
    });
  }

  async storeFiles(files: readonly string[], call: PacsCallContext = {}): Promise<StoreOutcome> {
    if (files.length === 0) return { stored: [], failed: [], bytes: 0 };
    return stowStoreFiles(this.transport, files, {
      batchFiles: this.batchFiles,
      batchBytes: this.batchBytes,
      parallelism: this.parallelism,
      timeoutMs: this.timeoutMs,
      idleTimeoutMs: this.idleTimeoutMs,
      call: this.ctx(call),
    });
  }

  async close(): Promise<void> {
    this.transport.close();
  }

  private ctx(call: PacsCallContext) {
    return { callRef: call.callRef, peer: this.transport.peer };
  }
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new PacsConfigError(`${name} must be a positive number`);
  return value;
}
