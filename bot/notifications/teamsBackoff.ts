import type { BackoffStrategy } from 'bullmq';
import { TEAMS_BACKOFF } from '../../workers/notifyQueue';
import { TeamsSendError } from './teamsErrors';

/**
 * The notify queue's backoff (job option `backoff: { type: "teamsJittered" }`): exponential from `baseMs`, capped at
 * `maxMs`, with "equal jitter" (half fixed, half random) so many jobs throttled together do not retry together; a
 * 429's Retry-After wins when it asks for longer.
 */
export function teamsBackoff(opts: { baseMs?: number; maxMs?: number; random?: () => number } = {}): BackoffStrategy {
  const base = opts.baseMs ?? 1000;
  const max = opts.maxMs ?? 60_000;
  const random = opts.random ?? Math.random;
  return (attemptsMade, type, err) => {
    if (type !== TEAMS_BACKOFF) return base;
    const ceiling = Math.min(max, base * 2 ** Math.max(0, attemptsMade - 1));
    const jittered = Math.round(ceiling / 2 + random() * (ceiling / 2));
    const asked = err instanceof TeamsSendError ? (err.retryAfterMs ?? 0) : 0;
    return Math.max(jittered, Math.min(asked, 10 * max));
  };
}
