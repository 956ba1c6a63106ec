/**
 * A worker process for tests that need several real processes (capacity across processes, a worker killed mid-flow).
 * Run with `node -r ./tsRequire.js workerProcess.ts <mode> <json>`; says "ready" over IPC, stops on "stop" or a signal.
 *  - flows <FlowPeers>: the real initWorkers, wired to the test's peers;
 *  - capacity {prefix, holdMs}: the real outbound (shared and emergency) and inbound queue wiring (global concurrency,
 *    admission, priorities)
 *    with a probe processor that records how many jobs run at once across every process.
 */
import { Redis } from 'ioredis';
import type { Job } from 'bullmq';
import { createLogger } from '../../../../config/logger';
import { ServiceCalendar } from '../../../../domain';
import { systemClock } from '../../../../workers/clock';
import { DEFAULT_FLOW_OPTIONS, type FlowDeps, type FlowJobData } from '../../../../workers/flowDeps';
import { createFlowQueue } from '../../../../workers/flowQueue';
import { createInboundQueue, initInboundWorker } from '../../../../workers/inboundQueue';
import { initWorkers } from '../../../../workers/lifecycle';
import { createOutboundEmergencyQueue, createOutboundQueue, initOutboundWorker } from '../../../../workers/outboundQueue';
import { done } from '../../../../workers/stepOutcome';
import { createTimerQueue } from '../../../../workers/timerQueue';
import { testConfig } from '../../../support/config';
import { testRedisUrl } from '../../../support/services';
import { flowOverrides, type FlowPeers } from './flowPorts';
import { probeKeys } from './probeKeys';

// Atomically: one more running (and, for a shared-thread job, one more of those); keep the highest counts seen.
const ENTER = `
local a = redis.call('INCR', KEYS[1])
if tonumber(redis.call('GET', KEYS[3]) or '0') < a then redis.call('SET', KEYS[3], a) end
if ARGV[1] == '1' then
  local s = redis.call('INCR', KEYS[2])
  if tonumber(redis.call('GET', KEYS[4]) or '0') < s then redis.call('SET', KEYS[4], s) end
end
redis.call('RPUSH', KEYS[5], ARGV[2])
return a`;
const LEAVE = `redis.call('DECR', KEYS[1]) if ARGV[1] == '1' then redis.call('DECR', KEYS[2]) end return 1`;

async function runCapacity(args: { prefix: string; holdMs: number; urgentHoldMs?: number }): Promise<() => Promise<void>> {
  const commands = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
  const blocking = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
  const logger = createLogger({ level: 'silent' });
  const deps = {
    redis: commands,
    prefix: args.prefix,
    clock: systemClock,
    calendar: new ServiceCalendar(),
    logger,
    options: { ...DEFAULT_FLOW_OPTIONS, admissionBackoffMs: 100, lockDurationMs: 5_000, stalledIntervalMs: 2_000 },
    queues: {
      flow: createFlowQueue(commands, args.prefix),
      outbound: createOutboundQueue(commands, args.prefix),
      outboundEmergency: createOutboundEmergencyQueue(commands, args.prefix),
      inbound: createInboundQueue(commands, args.prefix),
      timers: createTimerQueue(commands, args.prefix),
    },
  } as unknown as FlowDeps;
  const probe = (queue: string) => async (job: Job<FlowJobData>) => {
    const shared = (job.opts.priority ?? 0) > 2 ? '1' : '0';
    const k = probeKeys(args.prefix, queue);
    const startedAt = Date.now();
    await commands.eval(ENTER, 5, k.active, k.activeShared, k.max, k.maxShared, k.starts, shared, JSON.stringify({ jobId: job.id, priority: job.opts.priority, pid: process.pid, startedAt, addedAt: job.timestamp }));
    try {
      await new Promise((r) => setTimeout(r, shared === '1' ? args.holdMs : (args.urgentHoldMs ?? args.holdMs)));
    } finally {
      await commands.eval(LEAVE, 2, k.active, k.activeShared, shared);
    }
    return done('probe');
  };
  // Both outbound queues record into the same counters: the limit is on the two together.
  const outbound = initOutboundWorker(blocking, deps, probe('outbound'));
  const emergency = initOutboundWorker(blocking, deps, probe('outbound'), 'emergency');
  const inbound = initInboundWorker(blocking, deps, probe('inbound'));
  await Promise.all([outbound.ready, emergency.ready, inbound.ready]);
  return async () => {
    await Promise.all([outbound.close(), emergency.close(), inbound.close()]);
    await Promise.all(Object.values(deps.queues).map((q) => q.close()));
    commands.disconnect();
    blocking.disconnect();
  };
}

async function runFlows(peers: FlowPeers): Promise<() => Promise<void>> {
  const redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
  const running = initWorkers(testConfig({ REDIS_PREFIX: peers.prefix }), createLogger({ level: process.env.ITB_TEST_LOG ?? 'silent', name: `itb-workers-${process.pid}` }), flowOverrides(peers, redis));
  await running.ready;
  return async () => {
    await running.close();
    redis.disconnect();
  };
}

async function main(): Promise<void> {
  const [mode, json] = process.argv.slice(2);
  const args = JSON.parse(json ?? '{}');
  const stop = mode === 'capacity' ? await runCapacity(args) : await runFlows(args);
  const quit = async () => {
    await stop().catch(() => undefined);
    process.exit(0);
  };
  process.on('message', (m) => m === 'stop' && void quit());
  process.once('SIGTERM', () => void quit());
  process.send?.('ready');
}

if (require.main === module) {
  void main().catch((err: Error) => {
    console.error(`workerProcess: ${err.name}: ${err.message}`);
    process.exit(1);
  });
}
