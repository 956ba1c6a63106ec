import { RecentWrites } from '../../../store/recentWrites';

describe('RecentWrites', () => {
  it('is fresh only for the same value written less than freshMs ago', () => {
    let now = 1_000;
    const recent = new RecentWrites(30_000, 100, () => now);
    expect(recent.isFresh('k', 'v1')).toBe(false);
    recent.remember('k', 'v1');
    expect(recent.isFresh('k', 'v1')).toBe(true);
    expect(recent.isFresh('k', 'v2')).toBe(false);
    expect(recent.isFresh('other', 'v1')).toBe(false);
    now += 29_999;
    expect(recent.isFresh('k', 'v1')).toBe(true);
    now += 1;
    expect(recent.isFresh('k', 'v1')).toBe(false);
  });

  it('forgets a key on request, and the oldest key past its bound', () => {
    const recent = new RecentWrites(30_000, 3);
    recent.remember('a', '1');
    recent.remember('b', '1');
    recent.forget('a');
    expect(recent.isFresh('a', '1')).toBe(false);
    recent.remember('c', '1');
    recent.remember('d', '1');
    recent.remember('b', '2'); // re-written: now the newest
    recent.remember('e', '1'); // four keys: the oldest (c) goes
    expect(['b', 'c', 'd', 'e'].map((k) => recent.isFresh(k, k === 'b' ? '2' : '1'))).toEqual([true, false, true, true]);
  });
});
