import { UnrecoverableError } from 'bullmq';
import { IllegalTransitionError } from '../../../domain';
import { IepHttpError, IepTimeoutError } from '../../../integrations/iep';
import { PacsUnreachableError } from '../../../integrations/pacs';
import { RisApplicationError, RisTimeoutError } from '../../../integrations/ris';
import { ConflictError, RequestNotFoundError } from '../../../store';
import { GatewayError } from '../../../workers/gatewayStudies';
import { errorFacts, isRetryable, later, PermanentStepError } from '../../../workers/stepOutcome';

describe('which failures BullMQ retries (STYLE: permanent -> UnrecoverableError, transient -> rethrow)', () => {
  it.each([
    ['IEP 400 (a request IEP refuses)', new IepHttpError(400, 'VALIDATION_FAILED', {}), false],
    ['IEP 409', new IepHttpError(409, 'NOT_ON_IEP', {}), false],
    ['IEP 503', new IepHttpError(503, undefined, {}), true],
    ['IEP 429', new IepHttpError(429, undefined, {}), true],
    ['IEP timeout', new IepTimeoutError(10_000, {}), true],
    ['HL7 AE', new RisApplicationError({}, { examId: 'e1' }), false],
    ['RIS ACK timeout', new RisTimeoutError(30_000, { examId: 'e1' }), true],
    ['PACS unreachable', new PacsUnreachableError('ECONNREFUSED', {}), true],
    ['store conflict', new ConflictError('r1', 1, 2), true],
    ['store: no such request', new RequestNotFoundError('r1'), false],
    ['an illegal transition', new IllegalTransitionError('import', 'completed', 'approved'), false],
    ['our permanent step error', new PermanentStepError('ORGANISATION_NOT_ON_IEP', 'x'), false],
    ['the gateway 500', new GatewayError('x', true), true],
    ['BullMQ UnrecoverableError', new UnrecoverableError('x'), false],
    ['an untyped error (a socket reset)', new Error('socket hang up'), true],
  ])('%s: retryable %s', (_label, err, retryable) => {
    expect(isRetryable(err)).toBe(retryable);
  });

  it('describes an error for the log by class and code only, never by its message', () => {
    const facts = errorFacts(new IepHttpError(404, 'TRANSACTION_NOT_FOUND', { callRef: 'ITB-2026-000001' }));
    expect(facts).toEqual({ errType: 'IepHttpError', code: 'IEP_HTTP', retryable: false });
    expect(JSON.stringify(errorFacts(new Error('Patient SMITH 9990000018')))).not.toContain('SMITH');
  });

  it('later() never asks for a negative or fractional delay', () => {
    expect(later(-5, 'x')).toEqual({ kind: 'later', inMs: 0, detail: 'x' });
    expect(later(1.6, 'x', new Date(0))).toEqual({ kind: 'later', inMs: 2, detail: 'x', dueAt: new Date(0) });
  });
});
