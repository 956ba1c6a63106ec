import type { AppConfig } from './index';

/**
 * What production refuses to start without. Each problem is one line naming the variable or setting, so the
 * start-up failure is a single clear message (DESIGN: "production refuses to start without credentials").
 */
export function checkProductionConfig(config: AppConfig): string[] {
  if (config.mode !== 'production') return [];
  const problems: string[] = [];
  const b = config.bot;
  // botbuilder accepts every request unauthenticated when the app id is empty: never in production.
  if (!b.appId) problems.push('MICROSOFT_APP_ID is required in production (without it every request would be accepted unauthenticated)');
  if (b.appType !== 'UserAssignedMSI' && !b.appPassword)
    problems.push('MICROSOFT_APP_PASSWORD is required in production for MICROSOFT_APP_TYPE=' + b.appType);
  if (!b.appTenantId && b.appType !== 'MultiTenant') problems.push('MICROSOFT_APP_TENANT_ID is required in production');
  if (!b.allowedTenantId) problems.push('ALLOWED_TENANT_ID is required in production (only our own tenant is served)');
  if (config.roles.approverAadObjectIds.length === 0 && !config.roles.serviceDeskTeamId)
    problems.push('APPROVER_AAD_OBJECT_IDS or SERVICE_DESK_TEAM_ID is required in production (someone must be able to approve)');
  if (!config.roles.serviceDeskChannelId) problems.push('SERVICE_DESK_CHANNEL_ID is required in production (where approval cards go)');
  // The OpenID overrides exist for the auth-matrix tests; in production they may only name an https endpoint.
  for (const [name, url] of [['BOT_OPENID_METADATA_URL', b.openIdMetadataUrl], ['BOT_TOKEN_ISSUER', b.tokenIssuer]] as const) {
    if (url && !/^https:\/\//.test(url) && !/^http:\/\/(127\.0\.0\.1|localhost)[:/]/.test(url))
      problems.push(`${name} must be an https URL in production (it decides which tokens are trusted)`);
  }
  if (config.encryptionKeys.length === 0)
    problems.push('ITB_ENCRYPTION_KEYS is required in production (patient identifiers are encrypted at rest)');
  if (config.encryptionKeys.some((k) => k.id === 'sandbox')) problems.push('ITB_ENCRYPTION_KEYS must not use the sandbox key id in production');
  return problems;
}

/** The part of a Redis client the checks need: INFO (allowed to ACL users that CONFIG is not). */
export interface RedisInfoSource {
  info(section: string): Promise<string>;
}

function infoField(info: string, field: string): string | undefined {
  const line = info.split(/\r?\n/).find((l) => l.startsWith(`${field}:`));
  return line?.slice(field.length + 1).trim();
}

/**
 * DESIGN (BullMQ): Redis must be noeviction + AOF. Eviction silently drops queue keys; without persistence a restart
 * loses requests a clinician was already given a call reference for. Throws nothing: returns problems.
 */
export async function checkProductionRedis(redis: RedisInfoSource): Promise<string[]> {
  let memory: string;
  let persistence: string;
  try {
    memory = await redis.info('memory');
    persistence = await redis.info('persistence');
  } catch (err) {
    return [`REDIS_URL: Redis is unreachable (${(err as Error).message})`];
  }
  const problems: string[] = [];
  const policy = infoField(memory, 'maxmemory_policy');
  if (policy !== 'noeviction') problems.push(`Redis maxmemory-policy is "${policy ?? 'unknown'}"; it must be noeviction (queues must never be evicted)`);
  if (infoField(persistence, 'aof_enabled') !== '1') problems.push('Redis persistence is off: appendonly must be yes (AOF), so no accepted request is lost on restart');
  return problems;
}
