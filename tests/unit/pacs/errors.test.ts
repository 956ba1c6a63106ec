import fc from 'fast-check';
import {
  DicomWebPacsClient,
  DimsePacsClient,
  PacsAssociationRejectedError,
  PacsConfigError,
  PacsDimseStatusError,
  PacsError,
  PacsHttpError,
  PacsUnreachableError,
  createPacsClient,
} from '../../../integrations/pacs';
import { isTlsCode } from '../../../integrations/http/httpExchange';
import { networkFailure } from '../../../integrations/pacs/networkFailure';
import { rejectReasonName } from '../../../integrations/pacs/dimse/dimseLibrary';

describe('retryable, as workers/ read it', () => {
  it('HTTP: 5xx, 408 and 429 are retried; every other status is not', () => {
    fc.assert(
      fc.property(fc.integer({ min: 300, max: 599 }), (status) => {
        expect(new PacsHttpError(status, {}).retryable).toBe(status >= 500 || status === 408 || status === 429);
      }),
    );
  });

  it('DIMSE: only 0xA7xx (out of resources) is retried', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0x0100, max: 0xcfff }), (status) => {
        expect(new PacsDimseStatusError('C-MOVE', status, 'hint', {}).retryable).toBe(status >= 0xa700 && status <= 0xa7ff);
      }),
    );
    expect(new PacsDimseStatusError('C-FIND', 0xc000, 'x', {}).message).toContain('0xC000');
  });

  it('an association rejection is retried only when the PACS said transient', () => {
    expect(new PacsAssociationRejectedError(true, 'temporary-congestion', {}).retryable).toBe(true);
    expect(new PacsAssociationRejectedError(false, 'calling-ae-not-recognized', {}).retryable).toBe(false);
  });
});

describe('messages', () => {
  it('name the call reference and the peer, and the class', () => {
    const err = new PacsUnreachableError('ECONNREFUSED', { callRef: 'ITB-2026-000042', peer: 'UHLPACS@10.0.0.5:104' });
    expect(err).toBeInstanceOf(PacsError);
    expect(err.name).toBe('PacsUnreachableError');
    expect(err.message).toMatch(/ECONNREFUSED.*\[call ITB-2026-000042, PACS UHLPACS@10\.0\.0\.5:104\]$/);
  });

  it('A-ASSOCIATE-RJ reasons read differently by source (PS3.8 table 9-21)', () => {
    expect(rejectReasonName(1, 3)).toBe('calling-ae-not-recognized');
    expect(rejectReasonName(1, 7)).toBe('called-ae-not-recognized');
    expect(rejectReasonName(2, 2)).toBe('protocol-version-not-supported');
    expect(rejectReasonName(3, 1)).toBe('temporary-congestion');
    expect(rejectReasonName(3, 2)).toBe('local-limit-exceeded');
    expect(rejectReasonName(1, 9)).toBe('service-user-reason-9');
  });
});

describe('network failures', () => {
  it.each([
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'PacsTlsError'],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'PacsTlsError'],
    ['ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED', 'PacsTlsError'],
    ['ETIMEDOUT', 'PacsTimeoutError'],
    ['ECONNREFUSED', 'PacsUnreachableError'],
    [undefined, 'PacsUnreachableError'],
  ])('%s is %s', (code, name) => {
    const err = Object.assign(new Error('x'), { code });
    expect(networkFailure(err, {}, 1000).name).toBe(name);
  });

  it('does not take a refused connection for TLS', () => {
    expect(isTlsCode('ECONNRESET')).toBe(false);
  });
});

describe('settings', () => {
  it.each([
    ['not a URL', 'the DICOMweb base URL is not a valid URL'],
    ['ftp://pacs/dicom-web', 'must be http(s)'],
    ['https://user:pw@pacs/dicom-web', 'must not carry credentials'],
    ['https://pacs/dicom-web?token=abc', 'must not carry a query string'],
  ])('refuses DICOMweb base URL %s', (baseUrl, message) => {
    expect(() => new DicomWebPacsClient({ kind: 'dicomweb', baseUrl })).toThrow(message);
  });

  it('does not echo credentials from a refused URL', () => {
    try {
      new DicomWebPacsClient({ kind: 'dicomweb', baseUrl: 'https://itb:hunter2secret@pacs/dicom-web' });
    } catch (err) {
      expect(err).toBeInstanceOf(PacsConfigError);
      expect((err as Error).message).not.toContain('hunter2secret');
      return;
    }
    throw new Error('accepted credentials in the URL');
  });

  it('refuses non-positive sizes and timeouts', () => {
    expect(() => new DicomWebPacsClient({ kind: 'dicomweb', baseUrl: 'http://127.0.0.1:1/dicom-web', storeParallelism: 0 })).toThrow('storeParallelism');
    expect(() => new DicomWebPacsClient({ kind: 'dicomweb', baseUrl: 'http://127.0.0.1:1/dicom-web', timeoutMs: -1 })).toThrow('timeoutMs');
  });

  it('createPacsClient picks the implementation by kind', async () => {
    const web = createPacsClient({ kind: 'dicomweb', baseUrl: 'http://127.0.0.1:1/dicom-web' });
    const dimse = createPacsClient({ kind: 'dimse', host: '127.0.0.1', port: 104, calledAet: 'UHLPACS', callingAet: 'ITBOT' });
    expect([web.kind, dimse.kind]).toEqual(['dicomweb', 'dimse']);
    expect(dimse).toBeInstanceOf(DimsePacsClient);
    await Promise.all([web.close(), dimse.close()]);
  });

  it('refuses bad DIMSE settings', () => {
    const base = { kind: 'dimse' as const, host: '127.0.0.1', port: 104, calledAet: 'UHLPACS', callingAet: 'ITBOT' };
    expect(() => new DimsePacsClient({ ...base, port: 70000 })).toThrow(PacsConfigError);
    expect(() => new DimsePacsClient({ ...base, host: ' ' })).toThrow(PacsConfigError);
    expect(() => new DimsePacsClient({ ...base, storageScp: { aet: '', port: 11112 } })).toThrow(PacsConfigError);
  });
});
