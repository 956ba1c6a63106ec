import type { Redis } from 'ioredis';
import type { FlowStarter } from '../app/ports';
import type { AppConfig } from '../config';
import { createStore } from '../store';
import { RedisOffsetClock, systemClock } from './clock';
import { createFlowQueue } from './flowQueue';
import { QueueFlowStarter } from './flowStarter';
import { FlowStateStore } from './flowState';
import { createInboundQueue } from './inboundQueue';
import { createOutboundEmergencyQueue, createOutboundQueue } from './outboundQueue';
import { createTimerQueue } from './timerQueue';

/** The flow starter for a process that only enqueues (the bot), and how to close its queues. */
export interface FlowProducer {
  flows: FlowStarter;
  close(): Promise<void>;
}

/**
 * Builds the app's FlowStarter for the bot process (bot/conversationRoot.ts passes it as `flows`): the same queues and
 * job ids as the workers, on the caller's producer connection (which the caller closes). The sandbox reads the
 * shared Redis clock, so a Blue Light timer armed here agrees with the workers.
 */
export function createFlowProducer(redis: Redis, config: Pick<AppConfig, 'mode' | 'redis' | 'encryptionKeys'>): FlowProducer {
  const prefix = config.redis.prefix;
  const store = createStore(redis, config);
  const queues = {
    flow: createFlowQueue(redis, prefix),
    outbound: createOutboundQueue(redis, prefix),
    outboundEmergency: createOutboundEmergencyQueue(redis, prefix),
    inbound: createInboundQueue(redis, prefix),
    timers: createTimerQueue(redis, prefix) as never,
  };
  const flows = new QueueFlowStarter({
    store,
    flowState: new FlowStateStore(redis, prefix, store.requests.cipher),
    queues,
    clock: config.mode === 'sandbox' ? new RedisOffsetClock(redis, prefix) : systemClock,
    redis,
    prefix,
  });
  return {
    flows,
    async close() {
      await Promise.all(Object.values(queues).map((q) => (q as { close(): Promise<void> }).close()));
    },
  };
}
