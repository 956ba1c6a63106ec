/** Every queue of ours, by name. The prefix (config REDIS_PREFIX, default "{itb}") is hash-tagged for Redis Cluster. */
export const QueueName = {
  selfCheck: 'self-check',
  /** The steps of every transfer flow that hold no IEP thread (create request, follow, find studies, RIS...). */
  flow: 'flow',
  /** Outbound IEP transfers (export) in the shared lanes: 4 at once across every worker (2.3d). */
  iepOutbound: 'iep-outbound',
  /** Outbound IEP transfers at Blue Light or trauma priority: may use the fifth, reserved thread. */
  iepOutboundEmergency: 'iep-outbound-emergency',
  /** Inbound IEP downloads (import): 4 at once across every worker (2.3d). */
  iepInbound: 'iep-inbound',
  /** Deadlines and escalations as delayed jobs, and the IEP incoming poll. */
  timers: 'timers',
  /** Owned by workers/notifyQueue.ts (the conversation colleague). */
  notify: 'notify',
  /** Owned by workers/retentionQueue.ts (the store colleague). */
  retention: 'retention',
} as const;
export type QueueName = (typeof QueueName)[keyof typeof QueueName];
