/**
 * Typed per-file failures of the DICOM engine. Each has a `code` the caller puts in the request's audit and a
 * `retryable` flag for workers/ (false: BullMQ UnrecoverableError, an analyst must look; true: try again later).
 *
 * Messages carry codes, offsets and tags only: never a header value, because header values are patient data.
 * The file path is kept on `path` (CD folder names can be patient names, so it is not in the message either).
 */
export type DicomFileErrorCode =
  /** No Part 10 preamble + "DICM" (PS3.10 7.1), or shorter than that. */
  | 'NOT_DICOM'
  /** The file ends inside the meta header, the data set, or the pixel data. */
  | 'TRUNCATED'
  /** Structure the reader cannot follow: bad VR, missing item tag, length overrun, tags out of order, too deep. */
  | 'MALFORMED'
  /** File meta information (group 0002) unusable: no Transfer Syntax UID (0002,0010). */
  | 'META_INVALID'
  /** A transfer syntax we decided not to rewrite (deflated, PS3.5 A.5); see docs/dicom-engine.md. */
  | 'UNSUPPORTED_TRANSFER_SYNTAX'
  /** A value we must read (identity, UIDs) is implausibly long (> 64 KiB). */
  | 'VALUE_TOO_LONG'
  /** SOP Class UID (0008,0016), SOP Instance UID (0008,0018) or Study Instance UID (0020,000D) missing. */
  | 'MISSING_UID'
  /** A UID that is not digits and dots of at most 64 characters (PS3.5 9.1). */
  | 'INVALID_UID'
  /** Pixel Data (7FE0,0010) with an odd value length (PS3.5 7.1.1 requires even lengths). */
  | 'ODD_LENGTH_PIXEL_DATA'
  /** Pixel Data (7FE0,0010) present with zero length: an image with no image. */
  | 'EMPTY_PIXEL_DATA'
  /** An image (by its SOP class, or it has Rows (0028,0010)) without Pixel Data: a file cut short between elements. */
  | 'MISSING_PIXEL_DATA'
  /** The file changed between the identity check and the rewrite (different instance or identity). */
  | 'IDENTITY_CHANGED'
  /** A file that should be there is not (e.g. a DICOMDIR record pointing at a missing file). */
  | 'FILE_NOT_FOUND'
  /** A DICOMDIR (PS3.10 7.2, PS3.3 F) that cannot be read. */
  | 'DICOMDIR_UNREADABLE'
  /** A DICOMDIR Referenced File ID (0004,1500) that leaves the CD's root (".." or absolute). */
  | 'PATH_OUTSIDE_MEDIA'
  /** The operating system failed us (no space, too many open files, I/O error). Retryable. */
  | 'IO_ERROR';

/** One file's failure. Catch this to handle every per-file problem; switch on `code`. */
export class DicomFileError extends Error {
  readonly retryable: boolean;
  declare readonly path?: string;
  constructor(
    readonly code: DicomFileErrorCode,
    detail: string,
    opts: { path?: string; offset?: number; retryable?: boolean; cause?: unknown } = {},
  ) {
    super(`${code}: ${detail}${opts.offset === undefined ? '' : ` (at byte ${opts.offset})`}`, { cause: opts.cause });
    this.name = 'DicomFileError';
    this.retryable = opts.retryable ?? code === 'IO_ERROR';
    // Non-enumerable so pino's serialiser and JSON.stringify skip it: CD paths can contain patient names.
    Object.defineProperty(this, 'path', { value: opts.path, enumerable: false, writable: true });
  }

  /** The same error, now knowing which file it was about. */
  withPath(path: string): this {
    if (this.path === undefined) Object.defineProperty(this, 'path', { value: path, enumerable: false });
    return this;
  }
}

/** A caller mistake in the rewrite settings (bad issuer, accession too long): fix the configuration. Permanent. */
export class DicomRewriteConfigError extends Error {
  readonly code = 'REWRITE_CONFIG_INVALID' as const;
  readonly retryable = false;
  constructor(readonly field: string, problem: string) {
    super(`rewrite setting ${field}: ${problem}`);
    this.name = 'DicomRewriteConfigError';
  }
}

const RETRYABLE_ERRNO = new Set(['EMFILE', 'ENFILE', 'ENOSPC', 'EIO', 'EAGAIN', 'EBUSY', 'EDQUOT']);

/**
 * Turns a Node fs error into a DicomFileError. Reading (`side` 'input'): ENOENT is FILE_NOT_FOUND, permanent.
 * Writing ('output'): always IO_ERROR, named as the output's, since an ENOENT there is a missing output folder.
 * Resource exhaustion (no space, too many open files, I/O error) is retryable either way.
 */
export function fromFsError(err: unknown, path: string, side: 'input' | 'output' = 'input'): DicomFileError {
  if (err instanceof DicomFileError) return err.withPath(path);
  const errno = (err as NodeJS.ErrnoException | undefined)?.code ?? 'UNKNOWN';
  const retryable = RETRYABLE_ERRNO.has(errno);
  if (side === 'output') return new DicomFileError('IO_ERROR', `cannot write the output file (${errno})`, { path, cause: err, retryable });
  if (errno === 'ENOENT') return new DicomFileError('FILE_NOT_FOUND', 'the file does not exist', { path, cause: err });
  if (errno === 'EISDIR') return new DicomFileError('NOT_DICOM', 'a directory, not a file', { path, cause: err });
  return new DicomFileError('IO_ERROR', `file system error ${errno}`, { path, cause: err, retryable });
}
