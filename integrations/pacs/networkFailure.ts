import { isTlsCode } from '../http/httpExchange';
import { PacsError, PacsTimeoutError, PacsTlsError, PacsUnreachableError, type PacsErrorContext } from './errors';

/*
 * Sorts a node socket error (HTTP or DICOM upper layer alike) into the PacsError an analyst can act on: a TLS failure
 * needs a certificate or setting fixed, a refused or reset connection may clear by itself.
 */

/** Maps a node socket error to a PacsError (TLS, timeout or unreachable). */
export function networkFailure(err: unknown, ctx: PacsErrorContext, timeoutMs: number): PacsError {
  if (err instanceof PacsError) return err;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (isTlsCode(code)) return new PacsTlsError(code, ctx, { cause: err });
  if (code === 'ETIMEDOUT') return new PacsTimeoutError(timeoutMs, ctx);
  return new PacsUnreachableError(code ?? 'ECONNRESET', ctx, { cause: err });
}

