import { PRIORITY_LANES } from '../../../domain';
import type { FlowDeps } from '../../../workers/flowDeps';
import { FIRST_STEP } from '../../../workers/flowStarter';
import { STEP_QUEUE } from '../../../workers/flowSteps';
import { isEmergencyLane } from '../../../workers/outboundLanes';
import { SHARED_OUTBOUND_THREADS } from '../../../workers/outboundAdmission';
import { execTimerJob } from '../../../workers/timers/execTimer';

describe('the reserved outbound thread (guideline 2.3d)', () => {
  it('is for trauma (clinical emergency) and Blue Light only; the others share 4', () => {
    expect(SHARED_OUTBOUND_THREADS).toBe(4);
    expect(PRIORITY_LANES.filter(isEmergencyLane)).toEqual(['clinicalEmergency', 'blueLight']);
  });

  it('each kind starts where the guideline starts it, and IEP transfers and downloads hold threads', () => {
    expect(FIRST_STEP).toEqual({ import: 'import.request', export: 'export.find', trauma: 'outbound.send', cdImport: 'cd.import' });
    expect(STEP_QUEUE['outbound.send']).toBe('outbound');
    expect(STEP_QUEUE['import.download']).toBe('inbound');
    expect(Object.entries(STEP_QUEUE).filter(([, q]) => q !== 'flow').map(([s]) => s).sort()).toEqual(['import.download', 'outbound.send']);
  });
});

describe('a timer delivered before its time', () => {
  it('re-delays itself to its dueAt on the shared clock, touching nothing else', async () => {
    const now = new Date('2026-03-11T10:00:00Z');
    // Only the clock is reached before an early timer returns: anything else would throw on this stub.
    const deps = { clock: { now: () => now } } as unknown as FlowDeps;
    const out = await execTimerJob({ data: { timer: 'blueLight.atRisk', requestId: 'r1', dueAt: '2026-03-11T13:00:00.000Z' } }, deps);
    expect(out).toEqual({ kind: 'later', inMs: 3 * 3600_000, detail: 'not due yet on the shared clock', dueAt: new Date('2026-03-11T13:00:00.000Z') });
  });
});
