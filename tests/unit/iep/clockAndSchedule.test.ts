import { SimClock } from '../../../sandbox/iep-simulator/simClock';
import { ThreadLanes } from '../../../sandbox/iep-simulator/threadLanes';
import { DEFAULT_SCHEDULE, acknowledgeAt, nextBatchWindow, stepMs } from '../../../sandbox/iep-simulator/schedule';

const T0 = Date.parse('2026-02-02T10:00:00Z');

describe('SimClock', () => {
  it('stands still in manual mode until it is set, and never goes backwards', () => {
    let wall = 1_000;
    const clock = new SimClock(new Date(T0), 'manual', 1, () => wall);
    wall += 60_000;
    expect(clock.now()).toBe(T0);
    clock.set(T0 + 5_000);
    expect(clock.now()).toBe(T0 + 5_000);
    expect(() => clock.set(T0)).toThrow(RangeError);
    expect(clock.now()).toBe(T0 + 5_000);
  });

  it('runs with the wall clock, `speed` times as fast, in realtime mode', () => {
    let wall = 1_000;
    const clock = new SimClock(new Date(T0), 'realtime', 60, () => wall);
    wall += 1_000;
    expect(clock.now()).toBe(T0 + 60_000);
    clock.set(T0 + 3_600_000);
    wall += 500;
    expect(clock.now()).toBe(T0 + 3_600_000 + 30_000);
  });

  it('refuses a speed that is not positive', () => {
    expect(() => new SimClock(new Date(T0), 'realtime', 0)).toThrow();
  });
});

describe('schedule', () => {
  it('runs clinical emergencies at a quarter of the time, and slow faults stretch every step', () => {
    expect(stepMs(20 * 60_000, 'Normal', DEFAULT_SCHEDULE, 1)).toBe(20 * 60_000);
    expect(stepMs(20 * 60_000, 'Clinical emergency', DEFAULT_SCHEDULE, 1)).toBe(5 * 60_000);
    expect(stepMs(20 * 60_000, 'Normal', DEFAULT_SCHEDULE, 3)).toBe(60 * 60_000);
  });

  it('holds Batch until the overnight window (Appendix 1 step 5: "Batch is overnight transfers")', () => {
    expect(acknowledgeAt(T0, 'Normal', DEFAULT_SCHEDULE, 1)).toBe(T0 + 10 * 60_000);
    expect(acknowledgeAt(T0, 'Batch', DEFAULT_SCHEDULE, 1)).toBe(Date.parse('2026-02-02T20:00:00Z'));
    // Inside the window (after 20:00, or before 06:00) it goes as soon as it is looked at.
    const late = Date.parse('2026-02-02T22:00:00Z');
    expect(acknowledgeAt(late, 'Batch', DEFAULT_SCHEDULE, 1)).toBe(late + 10 * 60_000);
    const early = Date.parse('2026-02-03T05:00:00Z');
    expect(nextBatchWindow(early, DEFAULT_SCHEDULE)).toBe(early);
    expect(nextBatchWindow(Date.parse('2026-02-03T06:00:00Z'), DEFAULT_SCHEDULE)).toBe(Date.parse('2026-02-03T20:00:00Z'));
  });
});

describe('ThreadLanes (guideline 2.3d: five outbound, one for clinical emergency only; four inbound)', () => {
  it('gives Normal four outbound threads and keeps the fifth for a clinical emergency', () => {
    const lanes = new ThreadLanes(5, 1, 4);
    for (let i = 0; i < 4; i++) expect(lanes.tryTake('outbound', 'Normal')).toBe(true);
    expect(lanes.tryTake('outbound', 'Normal')).toBe(false);
    expect(lanes.tryTake('outbound', 'Batch')).toBe(false);
    expect(lanes.tryTake('outbound', 'Clinical emergency')).toBe(true);
    expect(lanes.tryTake('outbound', 'Clinical emergency')).toBe(false);
    lanes.release('outbound');
    expect(lanes.canTake('outbound', 'Normal')).toBe(false);
    expect(lanes.canTake('outbound', 'Clinical emergency')).toBe(true);
  });

  it('gives downloads four inbound threads whatever the priority', () => {
    const lanes = new ThreadLanes(5, 1, 4);
    for (let i = 0; i < 4; i++) expect(lanes.tryTake('inbound', 'Clinical emergency')).toBe(true);
    expect(lanes.tryTake('inbound', 'Clinical emergency')).toBe(false);
    lanes.release('inbound');
    expect(lanes.inUse()).toEqual({ outbound: 0, inbound: 3 });
  });
});
