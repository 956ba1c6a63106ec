import { auditEvent } from '../../../domain';
import {
  AuditFactsRejectedError,
  CorruptRecordError,
  StoreCommandError,
  StoreUnavailableError,
  checkAuditFacts,
} from '../../../store';
import { factFields, factsOf, summaryFromHash, transitionFromEntry, entryOf } from '../../../store/requestRecord';
import { toStoreError } from '../../../store/redisCall';
import { CANARY_MARKERS, demoPatient } from '../../../sandbox/demo';
import { cdImportRequest, exportRequest, importRequest, requesterActor, traumaRequest } from '../../integration/store/requestFixtures';

describe('clear facts of a request', () => {
  it('keeps kind, lane, priority, required-by date, trust name and exam count, and nothing of the patient', () => {
    expect(factsOf(importRequest())).toEqual({
      kind: 'import',
      lane: 'standard',
      priority: 'standard',
      requiredBy: '2026-03-20',
      organisation: 'Kettering General Hospital NHS Foundation Trust',
      examCount: 2,
    });
    expect(factsOf(exportRequest())).toEqual({
      kind: 'export',
      lane: 'blueLight',
      priority: 'blueLight',
      requiredBy: '2026-03-02',
      organisation: 'Nottingham University Hospitals NHS Trust',
      examCount: 1,
    });
    // Trauma: clinical-emergency lane (Appendix 4 step 15), studies picked, the MTC as organisation.
    expect(factsOf(traumaRequest())).toEqual({ kind: 'trauma', lane: 'clinicalEmergency', organisation: 'Nottingham University Hospitals', examCount: 3 });
    // Urgent CDs jump the Standard queue (Appendix 5).
    expect(factsOf(cdImportRequest())).toEqual({ kind: 'cdImport', lane: 'urgentCd', examCount: 1 });
    const text = JSON.stringify([importRequest(), exportRequest(), traumaRequest(), cdImportRequest()].map(factsOf));
    for (const key of ['canary', 'export', 'traumaPatient', 'elderly']) {
      const p = demoPatient(key);
      for (const secret of [p.sNumber, p.familyName, p.birthDate, p.nhsNumber ?? 'none']) expect(text).not.toContain(secret);
    }
  });

  it('lists absent facts for removal, so a changed body leaves no stale fact behind', () => {
    expect(factFields(factsOf(cdImportRequest()))).toEqual({
      set: ['kind', 'cdImport', 'lane', 'urgentCd', 'examCount', '1'],
      remove: ['priority', 'requiredBy', 'organisation'],
    });
  });
});

describe('reading a stored record', () => {
  const good = {
    id: 'r1', kind: 'import', status: 'logged', version: '3', lane: 'standard', examCount: '2', requester: 'aad-1',
    createdAt: '2026-03-10T10:00:00.000Z', updatedAt: '2026-03-10T10:05:00.000Z', statusSince: '2026-03-10T10:05:00.000Z',
    callRef: 'ITB-2026-000042', body: 'v1.x.y.z.w',
  };

  it('reads clear facts back with their types', () => {
    expect(summaryFromHash('k', good)).toEqual({
      id: 'r1', kind: 'import', status: 'logged', version: 3, lane: 'standard', examCount: 2, requester: 'aad-1',
      createdAt: good.createdAt, updatedAt: good.updatedAt, statusSince: good.statusSince, callRef: 'ITB-2026-000042',
    });
  });

  it.each([
    ['an unknown status', { status: 'lost' }],
    ['an unknown kind', { kind: 'fax' }],
    ['an unknown lane', { lane: 'fast' }],
    ['a version that is not a number', { version: 'x' }],
    ['a malformed call reference', { callRef: 'ITB-26-1' }],
    ['no requester', { requester: '' }],
  ])('refuses %s with CorruptRecordError naming the key only', (_label, over) => {
    const err = (() => {
      try {
        summaryFromHash('{itb}:request:r1', { ...good, ...over });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(CorruptRecordError);
    expect((err as CorruptRecordError).message).toContain('{itb}:request:r1');
    expect((err as CorruptRecordError).retryable).toBe(false);
  });

  it('stores a transition without its note (the note is sealed apart) and reads it back', () => {
    const t = {
      requestId: 'r1', kind: 'import' as const, from: 'awaitingApproval' as const, to: 'rejected' as const,
      at: '2026-03-10T10:00:00.000Z', by: requesterActor, why: 'rejected by analyst', note: `wrong patient ${CANARY_MARKERS[0]}`,
    };
    const json = JSON.stringify(entryOf(t));
    for (const m of CANARY_MARKERS) expect(json).not.toContain(m);
    const { note: _note, ...rest } = t;
    expect(transitionFromEntry('k', 'r1', 'import', json)).toEqual({ ...rest, hasNote: true });
    expect(() => transitionFromEntry('k', 'r1', 'import', '{"from":"x"}')).toThrow(CorruptRecordError);
    expect(() => transitionFromEntry('k', 'r1', 'import', 'not json')).toThrow(CorruptRecordError);
  });
});

describe('audit facts check', () => {
  const who = { at: new Date('2026-03-10T10:00:00Z'), actor: requesterActor, requestId: 'r1' };

  it('lets non-identifying facts through', () => {
    expect(() => checkAuditFacts(auditEvent('request.statusChanged', who, { kind: 'import', from: 'logged', to: 'awaitingApproval', why: 'logged with the service desk' }))).not.toThrow();
    expect(() => checkAuditFacts(auditEvent('request.validationFailed', who, { kind: 'import', fields: ['nhsNumber', 'birthDate'] }))).not.toThrow();
  });

  it('refuses facts that carry an S number, a date or an NHS number, quoting only the fact name', () => {
    const canary = demoPatient('canary');
    for (const why of [`patient ${canary.sNumber}`, `born ${canary.birthDate}`, `NHS ${canary.nhsNumber}`]) {
      let caught: unknown;
      try {
        checkAuditFacts(auditEvent('request.statusChanged', who, { kind: 'import', from: 'logged', to: 'cancelled', why }));
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(AuditFactsRejectedError);
      const err = caught as AuditFactsRejectedError;
      expect(err.factNames).toEqual(['why']);
      for (const m of [...CANARY_MARKERS, canary.birthDate]) expect(err.message).not.toContain(m);
    }
  });
});

describe('Redis failures as typed store errors', () => {
  const reply = (message: string) => Object.assign(new Error(message), { name: 'ReplyError', command: { name: 'evalsha', args: ['v1.secret'] } });

  it('a refused command is permanent, a transient reply or a lost connection retryable', () => {
    const refused = toStoreError('write request r1', reply('WRONGTYPE Operation against a key holding the wrong kind of value'));
    expect(refused).toBeInstanceOf(StoreCommandError);
    expect(refused.retryable).toBe(false);
    for (const transient of ['LOADING Redis is loading the dataset in memory', 'READONLY You cannot write against a read only replica.', 'OOM command not allowed']) {
      const e = toStoreError('write request r1', reply(transient));
      expect(e).toBeInstanceOf(StoreUnavailableError);
      expect(e.retryable).toBe(true);
    }
    const lost = toStoreError('read a request', new Error("Stream isn't writeable and enableOfflineQueue options is false"));
    expect(lost).toBeInstanceOf(StoreUnavailableError);
    expect(lost.message).toBe("Redis could not read a request: Stream isn't writeable and enableOfflineQueue options is false");
  });

  it('does not carry the command arguments along (no cause), so a logger cannot print sealed values', () => {
    const e = toStoreError('write request r1', reply('ERR user_script:1: boom'));
    expect(e.cause).toBeUndefined();
    expect(JSON.stringify(e)).not.toContain('v1.secret');
  });
});
