import fs from 'node:fs';
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { PacsLocalFileError, PacsMalformedResponseError, type PacsErrorContext } from '../errors';
import type { FailedInstance, StoreFailureReason, StoreOutcome, StoredInstance } from '../pacsClient';
import { mapPool, planBatches, prepareStore, type StoreEntry } from '../storeBatches';
import type { DicomWebTransport } from './httpTransport';

/**
 * STOW-RS "Store Instances" (PS3.18 10.5, POST {root}/studies) in batches, a few in flight at once, each body a
 * multipart/related; type="application/dicom" streamed from the files (never built in memory) with a Content-Length,
 * so the PACS can refuse an oversize body before reading it and no chunked encoding is needed.
 * The answer (PS3.18 10.5.3, DICOM JSON) lists Referenced SOP Sequence (0008,1199) and Failed SOP Sequence
 * (0008,1198) items; each file gets exactly one outcome.
 */
export interface StowOptions {
  batchFiles: number;
  batchBytes: number;
  parallelism: number;
  timeoutMs: number;
  idleTimeoutMs: number;
  call: PacsErrorContext;
}

const READ_CHUNK = 1024 * 1024;
/**
 * A file up to this size is read whole with one synchronous read (a CT or MR slice is about 0.5 MB: tens of
 * microseconds from the page cache) instead of through a read stream, whose per-chunk thread-pool round trips and
 * stream machinery cost this client more CPU than the upload itself (bench/results/import.json). Memory: this times
 * storeParallelism at most. Bigger files (multi-frame) still stream in READ_CHUNK steps.
 */
const WHOLE_FILE_MAX = 4 * READ_CHUNK;

export async function stowStoreFiles(transport: DicomWebTransport, files: readonly string[], opts: StowOptions): Promise<StoreOutcome> {
  const { entries, invalid } = await prepareStore(files);
  const outcome: StoreOutcome = { stored: [], failed: [...invalid], bytes: 0 };
  const batches = planBatches(entries, opts.batchFiles, opts.batchBytes);
  const results = await mapPool(batches, opts.parallelism, (batch) => postBatch(transport, batch, opts));
  for (const r of results) {
    outcome.stored.push(...r.stored);
    outcome.failed.push(...r.failed);
    outcome.bytes += r.bytes;
  }
  return outcome;
}

async function postBatch(transport: DicomWebTransport, batch: StoreEntry[], opts: StowOptions): Promise<StoreOutcome> {
  const ctx = opts.call;
  const boundary = `itb-${randomUUID()}`;
  const partHead = (i: number) => Buffer.from(`${i === 0 ? '' : '\r\n'}--${boundary}\r\nContent-Type: application/dicom\r\n\r\n`, 'latin1');
  const close = Buffer.from(`\r\n--${boundary}--\r\n`, 'latin1');
  const length = batch.reduce((n, e, i) => n + partHead(i).length + e.bytes, close.length);

  const open = await transport.open({
    method: 'POST',
    url: transport.url('studies'),
    headers: {
      'content-type': `multipart/related; type="application/dicom"; boundary=${boundary}`,
      accept: 'application/dicom+json',
    },
    // A byte stream with a small buffer: the next file is read only when the socket has taken the last one. (An
    // object-mode Readable.from would read ahead 16 chunks, i.e. 16 whole files, per request in flight.)
    body: () => Readable.from(multipartBody(batch, partHead, close, ctx), { objectMode: false, highWaterMark: 64 * 1024 }),
    contentLength: length,
    responseTimeoutMs: Math.max(opts.timeoutMs, opts.idleTimeoutMs),
    idleTimeoutMs: opts.idleTimeoutMs,
    call: ctx,
  });
  const status = open.res.statusCode ?? 0;
  // 200 all stored, 202 some stored or warnings, 409 none stored (PS3.18 10.5.3 status codes).
  if (status !== 200 && status !== 202 && status !== 409) throw await transport.httpError(open, ctx);
  const body = await transport.readBody(open, 16 * 1024 * 1024, ctx);
  const bytes = batch.reduce((n, e) => n + e.bytes, 0);
  if (body.length === 0) {
    if (status === 200) return { stored: batch.map(storedOf), failed: [], bytes };
    return { stored: [], failed: batch.map((e) => failedOf(e, 'refused-by-pacs')), bytes };
  }
  const answer = readStowAnswer(body, ctx);
  return { ...matchAnswer(batch, answer), bytes };
}

/** The body, part by part, reading each file as it goes; a file whose size changed since it was measured is an error. */
async function* multipartBody(batch: StoreEntry[], partHead: (i: number) => Buffer, close: Buffer, ctx: PacsErrorContext) {
  for (const [i, e] of batch.entries()) {
    yield partHead(i);
    let read = 0;
    try {
      if (e.bytes <= WHOLE_FILE_MAX) {
        const whole = fs.readFileSync(e.file);
        read = whole.length;
        yield whole;
      } else {
        for await (const chunk of fs.createReadStream(e.file, { highWaterMark: READ_CHUNK })) {
          read += (chunk as Buffer).length;
          yield chunk as Buffer;
        }
      }
    } catch (err) {
      throw new PacsLocalFileError((err as NodeJS.ErrnoException).code, 'read', ctx, { cause: err });
    }
    if (read !== e.bytes) throw new PacsLocalFileError('ESIZE', 'read', ctx);
  }
  yield close;
}

interface StowAnswer {
  referenced: Map<string, string | undefined>;
  failed: Map<string, number | undefined>;
}

function readStowAnswer(body: Buffer, ctx: PacsErrorContext): StowAnswer {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw new PacsMalformedResponseError('store answer is not valid JSON', ctx, { cause: err });
  }
  // Some servers wrap the one data set in an array.
  const root = Array.isArray(parsed) && parsed.length === 1 ? parsed[0] : parsed;
  if (!root || typeof root !== 'object' || Array.isArray(root)) throw new PacsMalformedResponseError('store answer is not a DICOM JSON object', ctx);
  const items = (tag: string): Record<string, unknown>[] => {
    const v = (root as Record<string, { Value?: unknown }>)[tag]?.Value;
    if (v === undefined) return [];
    if (!Array.isArray(v)) throw new PacsMalformedResponseError(`(${tag.slice(0, 4)},${tag.slice(4)}) is not a sequence`, ctx);
    return v.filter((x): x is Record<string, unknown> => !!x && typeof x === 'object');
  };
  const first = (item: Record<string, unknown>, tag: string): unknown => {
    const v = (item[tag] as { Value?: unknown[] } | undefined)?.Value;
    return Array.isArray(v) ? v[0] : undefined;
  };
  const answer: StowAnswer = { referenced: new Map(), failed: new Map() };
  for (const item of items('00081199')) {
    const uid = first(item, '00081155');
    const warning = first(item, '00081196');
    if (typeof uid === 'string') answer.referenced.set(uid, warning === undefined ? undefined : `0x${Number(warning).toString(16).toUpperCase()}`);
  }
  for (const item of items('00081198')) {
    const uid = first(item, '00081155');
    const reason = first(item, '00081197');
    if (typeof uid === 'string') answer.failed.set(uid, typeof reason === 'number' ? reason : reason === undefined ? undefined : Number(reason));
  }
  return answer;
}

function matchAnswer(batch: StoreEntry[], answer: StowAnswer): Omit<StoreOutcome, 'bytes'> {
  const stored: StoredInstance[] = [];
  const failed: FailedInstance[] = [];
  for (const e of batch) {
    const uid = e.meta.sopInstanceUid;
    if (answer.failed.has(uid)) {
      const status = answer.failed.get(uid);
      failed.push({ ...failedOf(e, failureReason(status)), ...(status !== undefined && !Number.isNaN(status) ? { status } : {}) });
    } else if (answer.referenced.has(uid)) {
      const warning = answer.referenced.get(uid);
      stored.push({ ...storedOf(e), ...(warning ? { warning } : {}) });
    } else {
      failed.push(failedOf(e, 'not-acknowledged'));
    }
  }
  return { stored, failed };
}

/** STOW-RS Failure Reason (0008,1197) values are C-STORE statuses (PS3.18 10.5.3, PS3.4 B.2.3). */
function failureReason(status: number | undefined): StoreFailureReason {
  if (status === undefined || Number.isNaN(status)) return 'refused-by-pacs';
  if ((status & 0xff00) === 0xa700) return 'out-of-resources';
  if (status === 0x0122) return 'sop-class-not-accepted';
  return 'refused-by-pacs';
}

const storedOf = (e: StoreEntry): StoredInstance => ({ file: e.file, sopInstanceUid: e.meta.sopInstanceUid });
const failedOf = (e: StoreEntry, reason: StoreFailureReason): FailedInstance => ({ file: e.file, sopInstanceUid: e.meta.sopInstanceUid, reason });
