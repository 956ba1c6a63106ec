import fc from 'fast-check';
import {
  BULLMQ_PRIORITY,
  CALL_REF_PREFIX,
  InvalidCallRefError,
  PRIORITY_LANES,
  bullmqPriorityOf,
  callRefYear,
  formatCallRef,
  isCallRef,
  parseCallRef,
  priorityLaneOf,
  priorityMatchesReason,
  prioritiesFor,
  validateCdImportRequest,
  validateImportRequest,
  validateTraumaRequest,
} from '../../../domain';
import { cdForm, ctx, importForm, traumaForm } from './formFixtures';

describe('BullMQ priorities', () => {
  it('orders the lanes: clinical emergency, Blue Light, urgent CD, Standard, Batch; every one is at least 1', () => {
    const numbers = PRIORITY_LANES.map((lane) => BULLMQ_PRIORITY[lane]);
    expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
    expect(new Set(numbers).size).toBe(numbers.length);
    expect(BULLMQ_PRIORITY.clinicalEmergency).toBe(1);
    for (const n of numbers) expect(Number.isInteger(n) && n >= 1 && n <= 2_097_152).toBe(true); // BullMQ's range
  });

  it('gives each validated request its lane', () => {
    const lane = (r: { ok: boolean; value?: unknown }) => (r.ok ? bullmqPriorityOf(r.value as Parameters<typeof bullmqPriorityOf>[0]) : NaN);
    expect(lane(validateTraumaRequest(traumaForm(), ctx))).toBe(1);
    expect(lane(validateImportRequest(importForm({ priority: 'blueLight', priorityReason: 'blueLightEmergency' }), ctx))).toBe(2);
    expect(lane(validateCdImportRequest(cdForm({ urgent: 'true' }), ctx))).toBe(3);
    expect(lane(validateImportRequest(importForm(), ctx))).toBe(5);
    expect(lane(validateCdImportRequest(cdForm(), ctx))).toBe(5);
    expect(lane(validateImportRequest(importForm({ priority: 'batch', priorityReason: 'research' }), ctx))).toBe(10);
    expect(priorityLaneOf({ kind: 'export', priority: 'blueLight' })).toBe('blueLight');
  });

  it('Blue Light goes with its reason only, and only imports may be Batch', () => {
    expect(priorityMatchesReason('blueLight', 'blueLightEmergency')).toBe(true);
    expect(priorityMatchesReason('blueLight', 'inpatientAdmission')).toBe(false);
    expect(priorityMatchesReason('standard', 'blueLightEmergency')).toBe(false);
    expect(priorityMatchesReason('batch', 'research')).toBe(true);
    expect(prioritiesFor('import')).toContain('batch');
    expect(prioritiesFor('export')).not.toContain('batch');
    expect(prioritiesFor('trauma')).toEqual([]);
  });
});

describe('call references', () => {
  it('formats ITB-YYYY-NNNNNN and parses back to the same parts', () => {
    expect(formatCallRef(2026, 123)).toBe('ITB-2026-000123');
    expect(formatCallRef(2026, 1_234_567)).toBe('ITB-2026-1234567');
    fc.assert(
      fc.property(fc.integer({ min: 2000, max: 9999 }), fc.integer({ min: 1, max: 999_999_999 }), (year, sequence) => {
        const ref = formatCallRef(year, sequence);
        expect(ref.startsWith(`${CALL_REF_PREFIX}-`)).toBe(true);
        expect(parseCallRef(ref)).toEqual({ callRef: ref, year, sequence });
        expect(isCallRef(ref)).toBe(true);
      }),
    );
  });

  it('is one-to-one: different parts never give the same reference', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2000, max: 2100 }), fc.integer({ min: 1, max: 5_000_000 }), fc.integer({ min: 1, max: 5_000_000 }), (year, a, b) => {
        fc.pre(a !== b);
        expect(formatCallRef(year, a)).not.toBe(formatCallRef(year, b));
      }),
    );
  });

  it('reads what people type and refuses what is not a reference', () => {
    expect(parseCallRef(' itb-2026-000123 ')?.callRef).toBe('ITB-2026-000123');
    expect(isCallRef('itb-2026-000123')).toBe(false); // not canonical
    for (const bad of ['ITB-2026-123', 'ITB-2026-0001234', 'ITB-26-000123', 'XYZ-2026-000123', 'ITB-2026-000000', 'ITB-1999-000001', 'ITB-2026-000123x', '']) {
      expect(parseCallRef(bad)).toBeUndefined();
    }
    expect(() => formatCallRef(2026, 0)).toThrow(InvalidCallRefError);
    expect(() => formatCallRef(2026, 1.5)).toThrow(InvalidCallRefError);
    expect(() => formatCallRef(1999, 1)).toThrow(InvalidCallRefError);
  });

  it('takes the year from London time', () => {
    expect(callRefYear(new Date('2026-12-31T23:59:59Z'))).toBe(2026); // GMT: still 2026 in London
    expect(callRefYear(new Date('2027-01-01T00:00:00Z'))).toBe(2027);
  });
});
