import { auditEvent, makeTransition, notificationKey, statusChangeNoticeOf, suspiciousAuditFacts, formatCallRef } from '../../../domain';
import { validateImportRequest } from '../../../domain/validation';
import { ctx, importForm, patientInputs } from './formFixtures';

const actor = { type: 'system', component: 'iep-watch' } as const;

describe('audit events', () => {
  it('carry who, when, what, the call reference and typed facts', () => {
    const callRef = formatCallRef(2026, 42);
    const event = auditEvent('request.statusChanged', { at: new Date('2026-03-29T01:30:00Z'), actor, requestId: 'req-1', callRef }, {
      kind: 'import',
      from: 'onIep',
      to: 'iepDownloading',
      why: 'IEP status Downloading',
    });
    expect(event).toEqual({
      type: 'request.statusChanged',
      at: '2026-03-29T01:30:00.000Z',
      actor,
      requestId: 'req-1',
      callRef: 'ITB-2026-000042',
      facts: { kind: 'import', from: 'onIep', to: 'iepDownloading', why: 'IEP status Downloading' },
    });
    expect(suspiciousAuditFacts(event.facts)).toEqual([]);
  });

  it('flags facts that look like patient data', () => {
    expect(suspiciousAuditFacts({ nhsNumber: 'x', why: 'patient S1234567 moved', other: '999 000 0018', dob: '1970-04-01', count: 3 })).toEqual([
      'nhsNumber',
      'why',
      'other',
      'dob',
    ]);
    // Ten digits that fail Modulus 11 are not flagged (ids can be long numbers).
    expect(suspiciousAuditFacts({ iepTransactionId: '9990000019' })).toEqual([]);
  });

  it('a validation failure audits field names only', () => {
    const result = validateImportRequest(importForm({ nhsNumber: '999 000 0019', birthDate: '2099-01-01' }), ctx);
    if (result.ok) throw new Error('expected errors');
    const facts = { kind: 'import' as const, fields: result.errors.map((e) => e.field) };
    expect(facts.fields).toEqual(['nhsNumber', 'birthDate']);
    expect(suspiciousAuditFacts(facts)).toEqual([]);
    expect(JSON.stringify(auditEvent('request.validationFailed', { at: new Date(0), actor, requestId: 'r' }, facts))).not.toContain(patientInputs.familyName);
  });
});

describe('Notifier helpers', () => {
  it('builds the requester notice from a transition without the free-text note', () => {
    const t = makeTransition({
      requestId: 'req-9', kind: 'export', from: 'awaitingApproval', to: 'rejected', at: new Date('2026-06-15T10:00:00Z'),
      by: { type: 'user', aadObjectId: 'aad-1', role: 'analyst' }, why: 'rejected by analyst', note: 'Mr Testpatient has no consent',
    });
    const notice = statusChangeNoticeOf(t, formatCallRef(2026, 9));
    expect(notice).toEqual({ requestId: 'req-9', callRef: 'ITB-2026-000009', kind: 'export', from: 'awaitingApproval', to: 'rejected', at: '2026-06-15T10:00:00.000Z', why: 'rejected by analyst' });
    expect(JSON.stringify(notice)).not.toContain('Testpatient');
  });

  it('gives a stable de-duplication key per notice', () => {
    const change = { requestId: 'r', kind: 'import', from: 'onIep', to: 'iepDelivered', at: '2026-01-01T00:00:00.000Z', why: 'x' } as const;
    expect(notificationKey(change)).toBe(notificationKey({ ...change }));
    expect(notificationKey(change)).not.toBe(notificationKey({ ...change, to: 'iepFailed' as const }));
    expect(notificationKey({ topic: 'quarantined', requestId: 'r' })).toBe('channel:quarantined:r:-');
  });
});
