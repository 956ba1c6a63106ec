import { informationDeadline, isBlueLightOverdue, isInformationOverdue } from '../../../domain/lifecycle';
import { toLocalDate } from '../../../domain/localDate';

describe('deadlines', () => {
  it('cancels a request waiting for details two weeks (14 London days) later, 2.4d', () => {
    const since = toLocalDate('2026-03-20');
    expect(informationDeadline(since)).toBe('2026-04-03');
    expect(isInformationOverdue(since, toLocalDate('2026-04-02'))).toBe(false);
    expect(isInformationOverdue(since, toLocalDate('2026-04-03'))).toBe(true);
  });

  it('flags a Blue Light request past its 4-hour target', () => {
    const submitted = new Date('2026-03-29T00:30:00Z'); // the clock change does not matter: 4 hours is elapsed time
    expect(isBlueLightOverdue(submitted, new Date('2026-03-29T04:30:00Z'))).toBe(false);
    expect(isBlueLightOverdue(submitted, new Date('2026-03-29T04:30:00.001Z'))).toBe(true);
  });
});
