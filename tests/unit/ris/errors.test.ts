import { Writable } from 'node:stream';
import { createLogger } from '../../../config/logger';
import {
  RisAckMismatchError,
  RisApplicationError,
  RisEntryInvalidError,
  RisError,
  RisMalformedAckError,
  RisRejectedError,
  RisTimeoutError,
  RisUnreachableError,
} from '../../../integrations/ris/errors';

const ctx = { callRef: 'IEP-2024-000123', examId: 'exam-7f3c2a', messageControlId: 'ITB0123456789ABCDEF0', peer: '127.0.0.1:2575', attempts: 3 };
const peerText = 'Patient TESTPATIENT S1234567 not registered';

const all: [RisError, string, boolean][] = [
  [new RisUnreachableError('refused', ctx), 'RIS_UNREACHABLE', true],
  [new RisTimeoutError(30_000, ctx), 'RIS_TIMEOUT', true],
  [new RisMalformedAckError('the reply has no MSA segment', ctx), 'RIS_MALFORMED_ACK', true],
  [new RisAckMismatchError('ITBFFFFFFFFFFFFFFFFF', ctx), 'RIS_ACK_MISMATCH', true],
  [new RisRejectedError({ peerText }, ctx), 'RIS_AR', true],
  [new RisApplicationError({ errorCode: '204', errorLocation: 'PID^1^3', peerText }, ctx), 'RIS_AE', false],
  [new RisEntryInvalidError(['patient.sNumber: must be S followed by 7 digits'], ctx), 'RIS_ENTRY_INVALID', false],
];

describe('RIS typed errors', () => {
  it.each(all.map(([e, code, retryable]) => [e.name, e, code, retryable] as const))(
    '%s has its code, retry class and the ids an analyst needs',
    (_name, err, code, retryable) => {
      expect(err).toBeInstanceOf(RisError);
      expect(err).toBeInstanceOf(Error);
      expect(err.code).toBe(code);
      expect(err.retryable).toBe(retryable);
      for (const id of ['IEP-2024-000123', 'exam-7f3c2a', 'ITB0123456789ABCDEF0', '127.0.0.1:2575', '3 attempts']) expect(err.message).toContain(id);
    },
  );

  it('says AE is not resent and AR is, so the analyst knows what happens next', () => {
    expect(new RisApplicationError({}, ctx).message).toMatch(/will not be resent/);
    expect(new RisRejectedError({}, ctx).message).toMatch(/resent with the same message control id/);
  });

  it('quotes the AE code and location but keeps CRIS free text out of the message and out of logs', () => {
    const err = new RisApplicationError({ errorCode: '204', errorLocation: 'PID^1^3', peerText }, ctx);
    expect(err.message).toContain('HL7 error code 204 at PID^1^3');
    expect(err.peerText).toBe(peerText); // available on purpose, for a deliberate display
    expect(Object.keys(err)).not.toContain('peerText');

    const lines: string[] = [];
    const logger = createLogger({ level: 'info' }, new Writable({ write: (c: Buffer, _e, cb) => { lines.push(c.toString()); cb(); } }));
    logger.error({ err }, 'ris failed');
    const logged = lines.join('');
    expect(logged).toContain('IEP-2024-000123');
    expect(logged).toContain('RIS_AE');
    expect(logged).not.toContain('TESTPATIENT');
    expect(logged).not.toContain('S1234567');
  });

  it('omits the context it does not have rather than printing "undefined"', () => {
    const err = new RisTimeoutError(500, {});
    expect(err.message).not.toMatch(/undefined|\[\]/);
  });
});
