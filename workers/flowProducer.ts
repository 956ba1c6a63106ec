import type { Redis } from 'ioredis';
import type { FlowStarter } from '../app/ports';
import type { StepRetrier } from '../app/retryStep';
import type { AppConfig } from '../config';
import { createStore } from '../store';
import { RedisOffsetClock, systemClock } from './clock';
import { DEFAULT_FLOW_OPTIONS, flowOptionsFrom } from './flowDeps';
import { retryFailedSteps } from './failedSteps';
import { createFlowQueue } from './flowQueue';
import { QueueFlowStarter } from './flowStarter';
import { FlowStateStore } from './flowState';
import { createInboundQueue } from './inboundQueue';
import { createOutboundEmergencyQueue, createOutboundQueue } from './outboundQueue';
import { createTimerQueue } from './timerQueue';

/** The flow starter for a process that only enqueues (the bot), and how to close its queues. */
export interface FlowProducer {
  flows: FlowStarter;
  /** Retries a failed step of a request's current run (an analyst's Re-process while the request is mid-flow). */
  steps: StepRetrier;
  close(): Promise<void>;
}

/**
 * Builds the app's FlowStarter for the bot process (bot/conversationRoot.ts passes it as `flows`): the same queues and
 * job ids as the workers, on the caller's producer connection (which the caller closes). The sandbox reads the
 * shared Redis clock, so a Blue Light timer armed here agrees with the workers.
 */
export function createFlowProducer(redis: Redis, config: Pick<AppConfig, 'mode' | 'redis' | 'encryptionKeys'> & Partial<Pick<AppConfig, 'workflow' | 'iep'>>): FlowProducer {
  const prefix = config.redis.prefix;
  const store = createStore(redis, config);
  // The same attempts and back-off as the workers' own queues (ITB_STEP_ATTEMPTS, ITB_STEP_BACKOFF_MS).
  const { stepAttempts, stepBackoffMs } = config.workflow && config.iep ? flowOptionsFrom({ workflow: config.workflow, iep: config.iep }) : DEFAULT_FLOW_OPTIONS;
  const queues = {
    flow: createFlowQueue(redis, prefix, stepAttempts, stepBackoffMs),
    outbound: createOutboundQueue(redis, prefix, stepAttempts, stepBackoffMs),
    outboundEmergency: createOutboundEmergencyQueue(redis, prefix, stepAttempts, stepBackoffMs),
    inbound: createInboundQueue(redis, prefix, stepAttempts, stepBackoffMs),
    timers: createTimerQueue(redis, prefix) as never,
  };
  const flowState = new FlowStateStore(redis, prefix, store.requests.cipher);
  const flows = new QueueFlowStarter({
    store,
    flowState,
    queues,
    clock: config.mode === 'sandbox' ? new RedisOffsetClock(redis, prefix) : systemClock,
    redis,
    prefix,
  });
  return {
    flows,
    steps: { retryFailedSteps: (requestId) => retryFailedSteps({ queues, flowState }, requestId) },
    async close() {
      await Promise.all(Object.values(queues).map((q) => (q as { close(): Promise<void> }).close()));
    },
  };
}
