import type { FlowStarter } from '../app/ports';
import type { PriorityLane, RequestKind } from '../domain';
import { readClock } from './clock';
import type { FlowDeps } from './flowDeps';
import { addStep, type FlowStep } from './flowSteps';
import { armBlueLightTimers } from './timers/armTimers';

/** What starting a flow needs: enough for the bot process, which only enqueues. */
export type FlowStarterDeps = Pick<FlowDeps, 'store' | 'flowState' | 'queues' | 'clock' | 'redis' | 'prefix'>;

/** The first step of each kind's flow. */
export const FIRST_STEP: Record<RequestKind, FlowStep> = {
  import: 'import.request',
  export: 'export.find',
  trauma: 'outbound.send',
  cdImport: 'cd.import',
};

/**
 * The app's FlowStarter (app/ports.ts) over our queues. Idempotent, as the port requires: the run is recorded only if
 * it is the latest (a re-delivered approval of run 0 after run 1 started does nothing), the first step's job id is
 * `<flowId>.<step>` (BullMQ drops a second add while the first is kept, a week), and every step re-reads the request,
 * so even a start after that week finds nothing to do unless the request is where the flow begins.
 *
 * The lane comes from the stored request, not from the caller: it decides which IEP thread a transfer may use.
 */
export class QueueFlowStarter implements FlowStarter {
  constructor(private readonly deps: FlowStarterDeps) {}

  async start(requestId: string, opts: { lane: PriorityLane; reprocess?: number }): Promise<void> {
    await readClock(this.deps.clock);
    const summary = await this.deps.store.requests.getSummary(requestId);
    if (!summary) return;
    const run = opts.reprocess ?? 0;
    const current = await this.deps.flowState.claimRun(requestId, run);
    if (current > run) return;
    if (summary.lane === 'blueLight') await armBlueLightTimers(this.deps, requestId, new Date(summary.createdAt));
    await addStep(this.deps, { requestId, run }, FIRST_STEP[summary.kind], summary.lane);
  }
}
