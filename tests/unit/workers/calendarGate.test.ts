import { ServiceCalendar } from '../../../domain';
import { batchMayDownload, notBefore } from '../../../workers/calendarGate';

const calendar = new ServiceCalendar();
const at = (iso: string) => new Date(iso);

describe('notBefore: when a flow may start (guideline 2.9, Batch overnight)', () => {
  it('trauma goes at any hour, even on a bank holiday night', () => {
    expect(notBefore('clinicalEmergency', at('2026-12-25T03:00:00Z'), calendar)).toBeUndefined();
  });

  it('standard and Blue Light go in service hours and wait for the next opening otherwise', () => {
    expect(notBefore('standard', at('2026-03-11T10:00:00Z'), calendar)).toBeUndefined(); // Wednesday 10:00
    expect(notBefore('blueLight', at('2026-03-10T22:00:00Z'), calendar)).toEqual(at('2026-03-11T08:00:00Z')); // Tuesday night
    // Friday 17:30 closes; Saturday opens 08:00 (weekend hours 08:00-20:00).
    expect(notBefore('standard', at('2026-03-13T17:30:00Z'), calendar)).toEqual(at('2026-03-14T08:00:00Z'));
    // Good Friday 2026 (3 April) is closed all day: Saturday 08:00 BST = 07:00 UTC.
    expect(notBefore('urgentCd', at('2026-04-03T09:00:00Z'), calendar)).toEqual(at('2026-04-04T07:00:00Z'));
  });

  it('Batch waits for the overnight window (20:00-07:00 London), whatever the service hours', () => {
    expect(notBefore('batch', at('2026-03-11T10:00:00Z'), calendar)).toEqual(at('2026-03-11T20:00:00Z'));
    expect(notBefore('batch', at('2026-03-11T21:00:00Z'), calendar)).toBeUndefined();
    expect(notBefore('batch', at('2026-07-01T05:30:00Z'), calendar)).toBeUndefined(); // 06:30 BST: still inside
    expect(notBefore('batch', at('2026-07-01T06:00:00Z'), calendar)).toEqual(at('2026-07-01T19:00:00Z')); // 07:00 BST -> 20:00 BST
  });

  it('a Batch download waits for the window; every other lane downloads as soon as it can', () => {
    expect(batchMayDownload('batch', at('2026-03-11T12:00:00Z'))).toEqual(at('2026-03-11T20:00:00Z'));
    expect(batchMayDownload('batch', at('2026-03-11T23:00:00Z'))).toBeUndefined();
    expect(batchMayDownload('standard', at('2026-03-11T23:00:00Z'))).toBeUndefined();
  });
});
