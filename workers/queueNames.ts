/** Every queue of ours, by name. The prefix (config REDIS_PREFIX, default "{itb}") is hash-tagged for Redis Cluster. */
export const QueueName = {
  selfCheck: 'self-check',
} as const;
export type QueueName = (typeof QueueName)[keyof typeof QueueName];
