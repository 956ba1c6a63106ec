import { Queue } from 'bullmq';
import type { PriorityLane } from '../domain';
import type { FlowJobData, FlowQueues } from './flowDeps';
import { QueueName } from './queueNames';

/** Trauma (clinical emergency) and Blue Light may use the reserved outbound thread (guideline 2.3d). */
export function isEmergencyLane(lane: PriorityLane): boolean {
  return lane === 'clinicalEmergency' || lane === 'blueLight';
}

const made = new WeakMap<Queue, Queue<FlowJobData>>();

/**
 * The emergency outbound queue of a set of queues: the one given, or one made once from the outbound queue's own
 * connection, prefix and job options (so a producer that predates it still routes Blue Light and trauma correctly).
 */
export function emergencyQueueOf(queues: Pick<FlowQueues, 'outbound' | 'outboundEmergency'>): Queue<FlowJobData> {
  if (queues.outboundEmergency) return queues.outboundEmergency;
  let queue = made.get(queues.outbound);
  if (!queue) {
    const { connection, prefix, defaultJobOptions } = queues.outbound.opts;
    queue = new Queue<FlowJobData>(QueueName.iepOutboundEmergency, { connection, ...(prefix ? { prefix } : {}), ...(defaultJobOptions ? { defaultJobOptions } : {}) });
    made.set(queues.outbound, queue);
  }
  return queue;
}
