import { RestError } from '@azure/core-rest-pipeline';
import { teamsBackoff } from '../../../bot/notifications/teamsBackoff';
import { retryAfterMsOf, statusOf, teamsSendErrorOf, TeamsSendError } from '../../../bot/notifications/teamsErrors';
import { TEAMS_BACKOFF } from '../../../workers/notifyQueue';

function restError(status: number, headers: Record<string, string> = {}): RestError {
  const h = new Map(Object.entries(headers));
  return new RestError(`status ${status}`, { statusCode: status, response: { status, headers: { get: (n: string) => h.get(n.toLowerCase()) } } as never });
}

describe('Teams send failures', () => {
  it('429, 412, 500, 502, 503, 504 and network failures are retryable; 400, 401, 403, 404 are not', () => {
    for (const s of [429, 412, 500, 502, 503, 504]) expect(teamsSendErrorOf(restError(s)).retryable).toBe(true);
    for (const s of [400, 401, 403, 404]) expect(teamsSendErrorOf(restError(s)).retryable).toBe(false);
    const network = teamsSendErrorOf(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    expect(network).toMatchObject({ status: undefined, retryable: true });
    expect(statusOf(restError(418))).toBe(418);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(retryAfterMsOf(restError(429, { 'retry-after': '7' }))).toBe(7000);
    const now = Date.parse('2026-03-11T10:00:00Z');
    expect(retryAfterMsOf(restError(429, { 'retry-after': 'Wed, 11 Mar 2026 10:00:30 GMT' }), now)).toBe(30_000);
    expect(retryAfterMsOf(restError(429))).toBeUndefined();
  });
});

describe('teamsBackoff: jittered exponential, Retry-After wins', () => {
  it('stays between half and all of base * 2^(n-1), capped', () => {
    const lo = teamsBackoff({ baseMs: 1000, maxMs: 60_000, random: () => 0 });
    const hi = teamsBackoff({ baseMs: 1000, maxMs: 60_000, random: () => 0.999999 });
    for (let n = 1; n <= 10; n++) {
      const ceiling = Math.min(60_000, 1000 * 2 ** (n - 1));
      expect(lo(n, TEAMS_BACKOFF) as number).toBe(ceiling / 2);
      expect(hi(n, TEAMS_BACKOFF) as number).toBeLessThanOrEqual(ceiling);
      expect(hi(n, TEAMS_BACKOFF) as number).toBeGreaterThan(ceiling * 0.99);
    }
  });
  it('two jobs failing together usually retry at different times', () => {
    const b = teamsBackoff();
    const delays = new Set(Array.from({ length: 20 }, () => b(4, TEAMS_BACKOFF)));
    expect(delays.size).toBeGreaterThan(10);
  });
  it('waits at least what a 429 asked for', () => {
    const b = teamsBackoff({ baseMs: 1000, random: () => 0 });
    expect(b(1, TEAMS_BACKOFF, new TeamsSendError(429, true, 20_000))).toBe(20_000);
  });
});
