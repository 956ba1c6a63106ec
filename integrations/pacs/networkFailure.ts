import { PacsError, PacsTimeoutError, PacsTlsError, PacsUnreachableError, type PacsErrorContext } from './errors';

/*
 * Sorts a node socket error (HTTP or DICOM upper layer alike) into the PacsError an analyst can act on: a TLS failure
 * needs a certificate or setting fixed, a refused or reset connection may clear by itself.
 */

/** OpenSSL / node certificate and handshake codes: the peer was reached but could not be trusted. */
const TLS_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_SIGNATURE_FAILURE',
  'HOSTNAME_MISMATCH',
  'EPROTO',
]);

/** True for node/OpenSSL codes that mean "TLS failed" rather than "network failed". */
export function isTlsCode(code: string | undefined): boolean {
  return code !== undefined && (TLS_CODES.has(code) || code.startsWith('ERR_TLS_') || code.startsWith('ERR_SSL_'));
}

/** Maps a node socket error to a PacsError (TLS, timeout or unreachable). */
export function networkFailure(err: unknown, ctx: PacsErrorContext, timeoutMs: number): PacsError {
  if (err instanceof PacsError) return err;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (isTlsCode(code)) return new PacsTlsError(code, ctx, { cause: err });
  if (code === 'ETIMEDOUT') return new PacsTimeoutError(timeoutMs, ctx);
  return new PacsUnreachableError(code ?? 'ECONNRESET', ctx, { cause: err });
}

