import { once } from 'node:events';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import { randomUUID } from 'node:crypto';
import {
  PacsError,
  PacsLocalFileError,
  PacsMalformedResponseError,
  PacsRetrieveIncompleteError,
  PacsStudyNotFoundError,
  type PacsErrorContext,
} from '../errors';
import type { RetrievedInstance, RetrievedStudy } from '../pacsClient';
import { readPartTenMeta } from '../partTenMeta';
import { MultipartFormatError, MultipartSplitter, parseMediaType } from './multipartSplitter';
import type { DicomWebTransport } from './httpTransport';

/**
 * WADO-RS "Retrieve Study" (PS3.18 10.4, GET {root}/studies/{uid}) streamed to disk: the multipart/related answer is
 * split as it arrives and each part is written to its own file while it is still downloading, so a 1 GB CT never sits
 * in memory. `transfer-syntax=*` asks for the instances as stored (PS3.18 8.7.3.5.2): no transcoding on the PACS, and
 * the files are the PACS's own bytes. Files are named <SOP Instance UID>.dcm, so a retry overwrites rather than adds.
 */
export interface WadoOptions {
  timeoutMs: number;
  idleTimeoutMs: number;
  call: PacsErrorContext;
  onInstance?: (instance: RetrievedInstance) => void;
}

/** PS3.18 8.7.3.3.2 Accept for Part 10 instances in their stored transfer syntax. */
export const WADO_ACCEPT = 'multipart/related; type="application/dicom"; transfer-syntax=*';

export async function wadoRetrieveStudy(
  transport: DicomWebTransport,
  studyUid: string,
  folder: string,
  opts: WadoOptions,
): Promise<RetrievedStudy> {
  const ctx = opts.call;
  await fsp.mkdir(folder, { recursive: true }).catch((err: NodeJS.ErrnoException) => {
    throw new PacsLocalFileError(err.code, 'write', ctx, { cause: err });
  });
  const open = await transport.open({
    method: 'GET',
    url: transport.url(`studies/${studyUid}`),
    headers: { accept: WADO_ACCEPT },
    responseTimeoutMs: opts.timeoutMs,
    idleTimeoutMs: opts.idleTimeoutMs,
    call: ctx,
  });
  const status = open.res.statusCode ?? 0;
  if (status === 404) {
    open.res.resume();
    throw new PacsStudyNotFoundError(ctx);
  }
  if (status !== 200) throw await transport.httpError(open, ctx);
  const media = parseMediaType(open.res.headers['content-type']);
  const boundary = media?.params.boundary;
  if (media?.type !== 'multipart/related' || !boundary) {
    open.res.destroy();
    throw new PacsMalformedResponseError('retrieve answer is not multipart/related with a boundary', ctx);
  }
  if (media.params.type && media.params.type.toLowerCase() !== 'application/dicom') {
    open.res.destroy();
    throw new PacsMalformedResponseError('retrieve answer parts are not application/dicom', ctx);
  }

  const sink = new PartSink(folder, ctx, opts.onInstance);
  try {
    const splitter = new MultipartSplitter(boundary);
    try {
      for await (const chunk of open.res) {
        for (const event of splitter.push(chunk as Buffer)) await sink.handle(event);
      }
    } catch (err) {
      if (err instanceof PacsError || err instanceof MultipartFormatError) throw err;
      throw open.fail(err);
    }
    splitter.end();
  } catch (err) {
    open.res.destroy();
    await sink.abandon();
    if (err instanceof MultipartFormatError) {
      // Cut off after some instances arrived reads as a dropped connection (Orthanc ends the body by closing it).
      if (sink.instances.length > 0 && /before the closing boundary/.test(err.problem)) {
        throw new PacsRetrieveIncompleteError(sink.instances.length, 0, ctx);
      }
      throw new PacsMalformedResponseError(`retrieve answer: ${err.problem}`, ctx, { cause: err });
    }
    throw err;
  }
  if (sink.instances.length === 0) throw new PacsStudyNotFoundError(ctx);
  return {
    studyInstanceUid: studyUid,
    folder,
    instances: sink.instances,
    bytes: sink.instances.reduce((n, i) => n + i.bytes, 0),
  };
}

/** Writes each part to a temporary file, then names it by its SOP Instance UID once complete. */
class PartSink {
  readonly instances: RetrievedInstance[] = [];
  private current?: { stream: fs.WriteStream; file: string; bytes: number; failed?: Error };
  private readonly tag = randomUUID().slice(0, 8);
  private seq = 0;

  constructor(
    private readonly folder: string,
    private readonly ctx: PacsErrorContext,
    private readonly onInstance?: (instance: RetrievedInstance) => void,
  ) {}

  async handle(event: ReturnType<MultipartSplitter['push']>[number]): Promise<void> {
    try {
      if (event.kind === 'headers') await this.start(event.headers);
      else if (event.kind === 'body') await this.write(event.bytes);
      else await this.complete();
    } catch (err) {
      if (err instanceof PacsError) throw err;
      const e = err as NodeJS.ErrnoException;
      throw new PacsLocalFileError(e.code, 'write', this.ctx, { cause: err });
    }
  }

  /** Removes the part being written, if any (completed files stay: a retry overwrites them). */
  async abandon(): Promise<void> {
    const c = this.current;
    this.current = undefined;
    if (!c) return;
    c.stream.destroy();
    await fsp.rm(c.file, { force: true });
  }

  private async start(headers: Record<string, string>): Promise<void> {
    const type = parseMediaType(headers['content-type'])?.type;
    if (type !== undefined && type !== 'application/dicom') {
      throw new PacsMalformedResponseError(`part ${this.seq + 1} is ${type}, not application/dicom`, this.ctx);
    }
    this.seq += 1;
    const file = path.join(this.folder, `.wado-${this.tag}-${this.seq}.part`);
    const stream = fs.createWriteStream(file);
    const current: NonNullable<PartSink['current']> = { stream, file, bytes: 0 };
    // Kept, not thrown here: an open or write failure surfaces on the next write or at close.
    stream.on('error', (err) => (current.failed ??= err));
    this.current = current;
  }

  private async write(bytes: Buffer): Promise<void> {
    const c = this.current;
    if (!c) return;
    if (c.failed) throw c.failed;
    c.bytes += bytes.length;
    // Backpressure: stop reading the response while the disk catches up (once() also rejects on 'error').
    if (!c.stream.write(bytes)) await once(c.stream, 'drain');
  }

  private async complete(): Promise<void> {
    const c = this.current;
    if (!c) return;
    if (c.failed) throw c.failed;
    c.stream.end();
    await finished(c.stream);
    this.current = undefined;
    const meta = await readPartTenMeta(c.file);
    if (!meta || !/^[0-9.]{1,64}$/.test(meta.sopInstanceUid)) {
      await fsp.rm(c.file, { force: true });
      throw new PacsMalformedResponseError(`part ${this.seq} is not a DICOM Part 10 instance`, this.ctx);
    }
    const file = path.join(this.folder, `${meta.sopInstanceUid}.dcm`);
    await fsp.rename(c.file, file);
    const instance = { file, sopInstanceUid: meta.sopInstanceUid, bytes: c.bytes };
    this.instances.push(instance);
    try {
      this.onInstance?.(instance);
    } catch {
      /* a progress callback must not fail the retrieve */
    }
  }
}
