import type { Activity } from 'botbuilder';

/**
 * Only our own Entra tenant is served. Teams puts the tenant in channelData.tenant.id (and conversation.tenantId).
 * In the sandbox without ALLOWED_TENANT_ID every tenant passes, because the Playground invents one.
 */
export function tenantOf(activity: Partial<Activity>): string | undefined {
  const cd = activity.channelData as { tenant?: { id?: string } } | undefined;
  return cd?.tenant?.id ?? activity.conversation?.tenantId;
}

export function isAllowedTenant(activity: Partial<Activity>, allowedTenantId: string | undefined): boolean {
  if (!allowedTenantId) return true;
  return tenantOf(activity) === allowedTenantId;
}
