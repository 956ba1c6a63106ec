import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import { readClock } from './clock';
import { indexDueJob } from './dueTimers';
import type { FlowDeps } from './flowDeps';
import { errorFacts, isControlFlow, type StepOutcome } from './stepOutcome';

/**
 * Runs an exec function as a BullMQ processor, the same way for every queue of ours:
 * - the shared clock is read once, so the step sees the time a test or the sandbox set;
 * - "later" delays the same job (no new job, no attempt used) and lists it in the due index when it waits for a time
 *   on our Clock, so promoteDueTimers can start it after the clock is moved;
 * - a permanent failure (IEP 4xx, HL7 AE, a wrong-patient finding the flow cannot handle) tells the analysts' channel
 *   and ends the job with UnrecoverableError; a retryable one is rethrown for BullMQ's backoff, and the channel is
 *   told when the last attempt fails.
 * Logs carry ids, step names and error classes/codes only.
 */
export async function runAsProcessor<T extends { requestId?: string }>(
  queueName: string,
  job: Job<T>,
  token: string | undefined,
  deps: FlowDeps,
  exec: () => Promise<StepOutcome>,
): Promise<string> {
  await readClock(deps.clock);
  const ids = { queue: queueName, step: job.name, jobId: job.id, requestId: job.data.requestId };
  try {
    const outcome = await exec();
    if (outcome.kind === 'done') {
      deps.logger.debug({ ...ids, detail: outcome.detail }, 'step done');
      return outcome.detail;
    }
    if (outcome.dueAt && job.id) await indexDueJob(deps.redis, deps.prefix, queueName, job.id, outcome.dueAt);
    await job.moveToDelayed(Date.now() + outcome.inMs, token);
    deps.logger.debug({ ...ids, inMs: outcome.inMs, detail: outcome.detail }, 'step later');
    throw new DelayedError();
  } catch (err) {
    if (isControlFlow(err)) throw err;
    const facts = errorFacts(err);
    const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    if (!facts.retryable || lastAttempt) {
      deps.logger.error({ ...ids, ...facts, attempt: job.attemptsMade + 1 }, 'step failed: analysts told');
      await tellAnalysts(deps, job.data.requestId);
      if (!facts.retryable) throw new UnrecoverableError(`${job.name}: ${(err as Error).message}`);
    } else {
      deps.logger.warn({ ...ids, ...facts, attempt: job.attemptsMade + 1 }, 'step failed: will retry');
    }
    throw err;
  }
}

/**
 * For a flow worker's 'failed' event. BullMQ fails some jobs without running our processor, so runAsProcessor's catch
 * never sees them and nobody would be told: a job that stalled more than maxStalledCount times (its worker died holding
 * it again and again; BullMQ marks it and the next worker to take it fails it with UnrecoverableError "job stalled
 * more than allowable limit") or any other deferred failure. Those carry `deferredFailure`; the channel gets the same
 * stepFailed notice as for a step that gave up. Failures our processor threw were told in runAsProcessor, not here.
 */
export async function tellAnalystsIfNotRun<T extends { requestId?: string }>(deps: FlowDeps, queueName: string, job: Job<T> | undefined, err: Error): Promise<void> {
  if (!job?.deferredFailure) return;
  deps.logger.error({ queue: queueName, step: job.name, jobId: job.id, requestId: job.data.requestId, errType: err.name }, 'job failed by BullMQ without running (stalled too often): analysts told');
  await tellAnalysts(deps, job.data.requestId);
}

/** The channel hears that a step of this request needs a person (topic stepFailed, at the request's status). */
async function tellAnalysts(deps: FlowDeps, requestId: string | undefined): Promise<void> {
  if (!requestId) return;
  try {
    const summary = await deps.store.requests.getSummary(requestId);
    if (!summary) return;
    await deps.notifier.notifyChannel({ topic: 'stepFailed', requestId, ...(summary.callRef ? { callRef: summary.callRef } : {}), kind: summary.kind, status: summary.status });
  } catch (err) {
    deps.logger.error({ requestId, ...errorFacts(err) }, 'could not tell the analysts about a failed step');
  }
}

