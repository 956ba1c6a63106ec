import { DelayedError, RateLimitError, UnrecoverableError } from 'bullmq';
import { DomainError } from '../domain';

/** What a step did: finished (this job is done), or must run again later (the same job is delayed). */
export type StepOutcome =
  | { kind: 'done'; detail: string }
  | {
      kind: 'later';
      /** Real milliseconds to wait. */
      inMs: number;
      /** The Clock instant it waits for, when it waits for one (service hours, a deadline): promoteDueTimers uses it. */
      dueAt?: Date;
      detail: string;
    };

export const done = (detail: string): StepOutcome => ({ kind: 'done', detail });
export const later = (inMs: number, detail: string, dueAt?: Date): StepOutcome => ({ kind: 'later', inMs: Math.max(0, Math.round(inMs)), detail, ...(dueAt ? { dueAt } : {}) });

/**
 * A flow problem retrying cannot fix (no such organisation on IEP, PACS refused the images, a request without what the
 * step needs). The message is for the logs and the analysts: ids and codes only.
 */
export class PermanentStepError extends Error {
  readonly retryable = false as const;
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'PermanentStepError';
  }
}

/**
 * Whether BullMQ should retry. Every integration's typed errors carry `retryable` (IEP 4xx, HL7 AE, a wrong patient:
 * false; timeouts, 5xx, unreachable peers, a busy store: true). Domain errors (an illegal transition) are permanent.
 * Anything untyped (a socket reset surfacing as a plain Error) is retried: attempts are bounded and the last one
 * reaches the analysts.
 */
export function isRetryable(err: unknown): boolean {
  if (err instanceof UnrecoverableError || err instanceof DomainError) return false;
  const flag = (err as { retryable?: unknown } | null)?.retryable;
  return typeof flag === 'boolean' ? flag : true;
}

/** BullMQ control-flow errors pass through untouched. */
export function isControlFlow(err: unknown): boolean {
  return err instanceof DelayedError || err instanceof RateLimitError || (err as Error)?.name === 'DelayedError' || (err as Error)?.message === 'bullmq:rateLimitExceeded';
}

/** A log-safe description of an error: its class and code, never its message (peers' texts may echo patient data). */
export function errorFacts(err: unknown): { errType: string; code?: string; retryable: boolean } {
  const e = err as { name?: string; code?: unknown };
  return { errType: e?.name ?? typeof err, ...(typeof e?.code === 'string' ? { code: e.code } : {}), retryable: isRetryable(err) };
}
