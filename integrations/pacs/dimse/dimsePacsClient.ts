import fsp from 'node:fs/promises';
import {
  PacsConfigError,
  PacsDimseStatusError,
  PacsLocalFileError,
  PacsNotAcceptedError,
  PacsRetrieveIncompleteError,
  PacsStudyNotFoundError,
  type PacsErrorContext,
} from '../errors';
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
import { isAeTitle, type DimsePacsOptions } from '../pacsClientOptions';
import { prepareStore } from '../storeBatches';
import { checkStudyUid, toStudyMatch } from '../studyQuery';
import { peerLabel, runAssociation, type DimsePeer } from './association';
import { cStoreEntries } from './cStore';
import { CEchoRequest, STATUS_SUCCESS, type DimseResponse } from './dimseLibrary';
import { StorageScp } from './storageScp';
import { findStudies } from './studyFind';
import { moveStudy, type MoveResult } from './studyMove';

/**
 * PacsClient over DIMSE (PS3.7) with dcmjs-dimse: C-ECHO, Study Root C-FIND, C-STORE, and retrieve as a C-MOVE to our
 * own storage SCP (the PACS must know our SCP's AE title, host and port). Retrieves are run one at a time per client,
 * because the SCP tells incoming instances apart by the folder of the retrieve in progress.
 */
export class DimsePacsClient implements PacsClient {
  readonly kind = 'dimse' as const;
  private readonly peer: DimsePeer;
  private readonly label: string;
  private readonly batchFiles: number;
  private readonly parallelism: number;
  private readonly maxResults: number;
  private readonly scp?: StorageScp;
  /** Serialises retrieves (see class comment). */
  private retrieving: Promise<unknown> = Promise.resolve();

  constructor(opts: DimsePacsOptions) {
    if (!opts.host.trim()) throw new PacsConfigError('the PACS DICOM host is empty');
    if (!Number.isInteger(opts.port) || opts.port <= 0 || opts.port > 65535) throw new PacsConfigError('the PACS DICOM port is not a port number');
    if (!isAeTitle(opts.calledAet)) throw new PacsConfigError('the PACS called AE title is not a DICOM AE title (1-16 characters)');
    if (!isAeTitle(opts.callingAet)) throw new PacsConfigError('our calling AE title is not a DICOM AE title (1-16 characters)');
    if (opts.storageScp && !isAeTitle(opts.storageScp.aet)) throw new PacsConfigError('the storage SCP AE title is not a DICOM AE title');
    this.peer = {
      host: opts.host,
      port: opts.port,
      calledAet: opts.calledAet,
      callingAet: opts.callingAet,
      tls: opts.tls,
      auth: opts.auth,
      timeoutMs: opts.timeoutMs ?? 30_000,
    };
    this.label = peerLabel(this.peer);
    this.batchFiles = opts.storeBatchFiles ?? 100;
    this.parallelism = opts.storeParallelism ?? 2;
    this.maxResults = opts.maxSearchResults ?? 500;
    if (opts.storageScp) this.scp = new StorageScp(opts.storageScp);
  }

  async echo(call: PacsCallContext = {}): Promise<EchoResult> {
    const ctx = this.ctx(call);
    const request = new CEchoRequest();
    let status: number | undefined;
    request.on('response', (r: DimseResponse) => (status = r.getStatus()));
    const t0 = performance.now();
    await runAssociation(this.peer, [request], ctx);
    if (status === undefined) throw new PacsNotAcceptedError('Verification (C-ECHO)', ctx);
    if (status !== STATUS_SUCCESS) throw new PacsDimseStatusError('C-ECHO', status, 'PACS refused the echo', ctx);
    return { roundTripMs: performance.now() - t0 };
  }

  async searchStudies(query: StudyQuery, call: PacsCallContext = {}): Promise<StudySummary[]> {
    const ctx = this.ctx(call);
    return findStudies(this.peer, toStudyMatch(query, ctx), { maxResults: this.maxResults, call: ctx });
  }

  /** C-MOVE to our storage SCP, which streams each instance to `folder` as <SOP Instance UID>.dcm. */
  async retrieveStudy(studyInstanceUid: string, folder: string, call: RetrieveCallContext = {}): Promise<RetrievedStudy> {
    const ctx = this.ctx(call);
    const uid = checkStudyUid(studyInstanceUid, ctx);
    const scp = this.scp;
    if (!scp) throw new PacsConfigError('retrieving over DIMSE needs a storage SCP (AE title, host and port) set', ctx);
    const run = this.retrieving.then(async () => {
      // A C-MOVE of a study the PACS does not hold fails with a generic status (Orthanc: 0xC000), so ask first.
      await this.checkHeld(uid, ctx);
      await fsp.mkdir(folder, { recursive: true }).catch((err: NodeJS.ErrnoException) => {
        throw new PacsLocalFileError(err.code, 'write', ctx, { cause: err });
      });
      await scp.start();
      const reception = scp.beginReception(folder, call.onInstance);
      let moved: MoveResult;
      try {
        moved = await moveStudy(this.peer, uid, scp.aet, ctx);
      } finally {
        scp.endReception();
      }
      const failed = moved.failed + reception.failures;
      if (failed > 0 || reception.instances.length < moved.completed) {
        throw new PacsRetrieveIncompleteError(reception.instances.length, failed, ctx);
      }
      if (reception.instances.length === 0) throw new PacsStudyNotFoundError(ctx);
      return {
        studyInstanceUid: uid,
        folder,
        instances: reception.instances,
        bytes: reception.instances.reduce((n, i) => n + i.bytes, 0),
      };
    });
    this.retrieving = run.catch(() => undefined);
    return run;
  }

  /**
   * C-MOVE a study from this PACS straight to another DICOM node the PACS knows by AE title (e.g. the IEP gateway for
   * an export): the images never pass through us. DIMSE only; DICOMweb has no equivalent.
   */
  async moveStudyTo(studyInstanceUid: string, destinationAet: string, call: PacsCallContext = {}): Promise<MoveResult> {
    const ctx = this.ctx(call);
    if (!isAeTitle(destinationAet)) throw new PacsConfigError('the move destination is not a DICOM AE title', ctx);
    const uid = checkStudyUid(studyInstanceUid, ctx);
    await this.checkHeld(uid, ctx);
    return moveStudy(this.peer, uid, destinationAet, ctx);
  }

  async storeFiles(files: readonly string[], call: PacsCallContext = {}): Promise<StoreOutcome> {
    if (files.length === 0) return { stored: [], failed: [], bytes: 0 };
    const { entries, invalid } = await prepareStore(files);
    const outcome = entries.length
      ? await cStoreEntries(this.peer, entries, { batchFiles: this.batchFiles, parallelism: this.parallelism, call: this.ctx(call) })
      : { stored: [], failed: [], bytes: 0 };
    return { ...outcome, failed: [...invalid, ...outcome.failed] };
  }

  async close(): Promise<void> {
    await this.scp?.close();
  }

  /** Throws PacsStudyNotFoundError unless a Study Root C-FIND on the UID matches. */
  private async checkHeld(studyUid: string, ctx: PacsErrorContext): Promise<void> {
    const found = await findStudies(this.peer, { studyInstanceUid: studyUid }, { maxResults: 1, call: ctx });
    if (found.length === 0) throw new PacsStudyNotFoundError(ctx);
  }

  private ctx(call: PacsCallContext): PacsErrorContext {
    return { callRef: call.callRef, peer: this.label };
  }
}
