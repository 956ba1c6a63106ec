import { IepHttpError, IepMalformedResponseError, IepTimeoutError, IepUnreachableError, iepPriorityFor } from '../../../integrations/iep';
import { describeIssues, iepErrorCode, transactionSchema } from '../../../integrations/iep/responseSchemas';
import { CANARY_MARKERS, demoPatient } from '../../../sandbox/demo';

const canary = demoPatient('canary');

/** A transaction as the contract shows it, for the canary patient. */
function wireTransaction(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'TX00000001',
    type: 'request',
    direction: 'out',
    externalReference: 'ITB-2026-000001',
    institution: { id: 'kgh', name: 'Kettering General Hospital' },
    priority: 'Normal',
    deliveryNode: 'UHLPACSWFM01',
    status: 'On IEP',
    statusChangedAt: '2026-02-02T09:30:00.000Z',
    createdAt: '2026-02-02T09:00:00.000Z',
    updatedAt: '2026-02-02T09:30:00.000Z',
    patient: { familyName: canary.familyName, givenNames: [...canary.givenNames], birthDate: canary.birthDate, nhsNumber: canary.nhsNumber, patientId: null },
    dicomHeaderPatientId: canary.sNumber,
    studies: [{ studyInstanceUid: '2.25.1', studyDate: '2026-01-10', modalities: ['CT'], description: null, accessionNumber: null, instances: 3 }],
    decline: null,
    failure: null,
    purgeAt: '2026-02-17T09:30:00.000Z',
    deliveredAt: null,
    messageCount: 0,
    ...over,
  };
}

describe('iepPriorityFor', () => {
  it('maps Blue Light and trauma to Clinical emergency, Standard to Normal, Batch to Batch', () => {
    expect(iepPriorityFor('blueLight')).toBe('Clinical emergency');
    expect(iepPriorityFor('clinicalEmergency')).toBe('Clinical emergency');
    expect(iepPriorityFor('standard')).toBe('Normal');
    expect(iepPriorityFor('batch')).toBe('Batch');
  });
});

describe('IEP response schemas', () => {
  it('reads a contract transaction, nulls as absent', () => {
    const parsed = transactionSchema.parse(wireTransaction());
    expect(parsed.patient.patientId).toBeUndefined();
    expect(parsed.decline).toBeUndefined();
    expect(parsed.studies[0]).toEqual({ studyInstanceUid: '2.25.1', studyDate: '2026-01-10', modalities: ['CT'], instances: 3, description: undefined, accessionNumber: undefined });
  });

  it('accepts every guideline status and IEP\'s "Uploading", and refuses any other', () => {
    for (const status of ['New', 'Started', 'Uploading', 'On IEP', 'Download Request', 'Downloading', 'Delivered', 'Failed', 'Decline', 'Purged']) {
      expect(transactionSchema.safeParse(wireTransaction({ status })).success).toBe(true);
    }
    expect(transactionSchema.safeParse(wireTransaction({ status: 'Archived' })).success).toBe(false);
  });

  it('describes problems by path and code, never by value', () => {
    const bad = transactionSchema.safeParse(wireTransaction({ patient: { familyName: canary.familyName, givenNames: 'not a list', birthDate: `born ${canary.nhsNumber}` } }));
    expect(bad.success).toBe(false);
    if (bad.success) return;
    const text = describeIssues(bad.error);
    expect(text).toMatch(/patient\./);
    for (const m of CANARY_MARKERS) expect(text).not.toContain(m);
  });

  it('takes IEP\'s error code only when it is a plain code', () => {
    expect(iepErrorCode({ error: { code: 'TRANSACTION_NOT_FOUND', message: 'x' } })).toBe('TRANSACTION_NOT_FOUND');
    expect(iepErrorCode({ error: { code: `Patient ${canary.familyName} not found` } })).toBeUndefined();
    expect(iepErrorCode('oops')).toBeUndefined();
  });
});

describe('IEP errors', () => {
  it.each([
    [500, true],
    [502, true],
    [503, true],
    [408, true],
    [429, true],
    [400, false],
    [401, false],
    [403, false],
    [404, false],
    [409, false],
    [410, false],
  ])('HTTP %i is retryable: %s', (status, retryable) => {
    const err = new IepHttpError(status, undefined, { callRef: 'ITB-2026-000001', transactionId: 'TX1', peer: 'https://iep.example' });
    expect(err.retryable).toBe(retryable);
    expect(err.message).toContain(`HTTP ${status}`);
    expect(err.message).toContain('call ITB-2026-000001');
    expect(err.message).toContain('IEP transaction TX1');
  });

  it('treats timeouts and unreachable peers as retryable and malformed answers as permanent', () => {
    expect(new IepTimeoutError(100, {}).retryable).toBe(true);
    expect(new IepUnreachableError('ECONNREFUSED', {}).retryable).toBe(true);
    expect(new IepMalformedResponseError('x', {}).retryable).toBe(false);
    expect(new IepTimeoutError(100, {}).name).toBe('IepTimeoutError');
  });
});
