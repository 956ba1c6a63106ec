import fc from 'fast-check';
import { accessionNumbers, auditReasonOf } from '../../../workers/pacsImport';
import { flowIdOf, jobIdOf, stepJobId } from '../../../workers/flowRef';
import { examIdOf } from '../../../workers/steps/risRegister';
import { timerJobId } from '../../../workers/timers/timerJobs';
import { reasonOf, percentile } from '../../../workers/report';
import { execStep } from '../../../workers/execStep';
import type { FlowDeps } from '../../../workers/flowDeps';

describe('ids that make repeats idempotent', () => {
  it('a run is the request id, a re-process adds .r<n>; job ids never contain ":"', () => {
    expect(flowIdOf({ requestId: 'abc', run: 0 })).toBe('abc');
    expect(flowIdOf({ requestId: 'abc', run: 2 })).toBe('abc.r2');
    expect(stepJobId({ requestId: 'a:b', run: 1 }, 'import.watch')).toBe('a~b.r1.import.watch');
    expect(jobIdOf('timer', 'x:y', 5)).toBe('timer.x~y.5');
  });

  it('timer ids are one per thing, kind and anchor', () => {
    const a = timerJobId({ timer: 'information.deadline', requestId: 'r1', anchor: '2026-03-11T10:00:00.000Z', dueAt: '2026-03-25T08:00:00.000Z' });
    expect(a).toBe(`timer.information.deadline.r1.${Date.parse('2026-03-11T10:00:00.000Z')}`);
    expect(timerJobId({ timer: 'information.deadline', requestId: 'r1', anchor: '2026-03-12T10:00:00.000Z', dueAt: '2026-03-26T08:00:00.000Z' })).not.toBe(a);
  });

  it('RIS exam ids stay within HL7 ST limits (1-64 printable characters), readable when they fit', () => {
    expect(examIdOf('2b0c3f1e-9a4d-4c55-8e21-0d3b9a7e6f10.r1', 0)).toBe('2b0c3f1e-9a4d-4c55-8e21-0d3b9a7e6f10.r1.e0');
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 140 }), fc.nat(99), (flowId, i) => {
        const id = examIdOf(flowId, i);
        return /^[\x21-\x7e]{1,64}$/.test(id) && id === examIdOf(flowId, i);
      }),
    );
  });

  it('accession numbers: the same study in the same run always gets the same one, valid SH, ours, distinct per study', () => {
    const forRun = accessionNumbers('ITB', 'req-1');
    expect(forRun('1.2.3')).toBe(accessionNumbers('ITB', 'req-1')('1.2.3'));
    expect(forRun('1.2.3')).not.toBe(accessionNumbers('ITB', 'req-1.r1')('1.2.3'));
    fc.assert(
      fc.property(fc.uniqueArray(fc.stringMatching(/^[1-9][0-9]{0,5}(\.[0-9]{1,6}){1,6}$/), { minLength: 2, maxLength: 50 }), (uids) => {
        const numbers = uids.map(forRun);
        return new Set(numbers).size === uids.length && numbers.every((n) => /^ITB[0-9A-Z]{13}$/.test(n));
      }),
    );
  });
});

describe('quarantine reasons for the audit', () => {
  it('a wrong patient wins over every other finding', () => {
    expect(auditReasonOf(['STUDY_NOT_REQUESTED', 'BIRTH_DATE_MISMATCH'])).toBe('patientMismatch');
    expect(auditReasonOf(['MISSING_IDENTITY', 'UNREADABLE_INSTANCE'])).toBe('missingIdentifiers');
    expect(auditReasonOf(['NO_INSTANCES'])).toBe('noMatchingRequest');
    expect(auditReasonOf(['MEDIA_INCOMPLETE'])).toBe('unreadable');
    expect(auditReasonOf(['PATIENT_NOT_ON_PAS'])).toBe('other');
  });
});

describe('report arithmetic', () => {
  it('nearest-rank percentiles', () => {
    expect(percentile([5], 50)).toBe(5);
    expect(percentile([20, 70, 180, 270, 540], 50)).toBe(180);
    expect(percentile([20, 70, 180, 270, 540], 90)).toBe(540);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90)).toBe(9);
    fc.assert(fc.property(fc.array(fc.integer(), { minLength: 1 }), fc.integer({ min: 0, max: 100 }), (xs, p) => xs.includes(percentile(xs, p))));
  });

  it('reasons: the code in brackets at the end, or the text as recorded', () => {
    expect(reasonOf('declined by the sending organisation (studyNotHeld)')).toBe('studyNotHeld');
    expect(reasonOf('the IEP transfer failed')).toBe('the IEP transfer failed');
    expect(reasonOf(undefined)).toBe('unknown');
  });
});

describe('execStep', () => {
  it('refuses a job whose name is not a flow step (permanent: it would fail the same way every time)', async () => {
    await expect(execStep({ name: 'import.teleport', data: { requestId: 'r1', run: 0 } }, {} as FlowDeps)).rejects.toMatchObject({ code: 'UNKNOWN_STEP', retryable: false });
  });
});
