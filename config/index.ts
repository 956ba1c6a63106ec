import { envSchema, type Env } from './schema';
import { ConfigError } from './errors';
import { parseEncryptionKeys, SANDBOX_ENCRYPTION_KEY, type EncryptionKey } from './encryptionKeys';

/** The typed configuration, loaded once at the edge and passed explicitly to everything else. */
export interface AppConfig {
  mode: 'sandbox' | 'production';
  logLevel: Env['LOG_LEVEL'];
  bot: {
    host: string;
    port: number;
    maxBodyBytes: number;
    appId?: string;
    appPassword?: string;
    appType: Env['MICROSOFT_APP_TYPE'];
    appTenantId?: string;
    allowedTenantId?: string;
    openIdMetadataUrl?: string;
    tokenIssuer?: string;
  };
  redis: { url: string; prefix: string };
  encryptionKeys: EncryptionKey[];
  pacs: { dicomWebUrl: string; restUrl: string; dimse: { host: string; port: number; aet: string }; ourAet: string };
}


/**
 * Reads and validates the environment. This module (with its siblings) is the only code that touches process.env.
 * Throws ConfigError with one line per bad variable.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`);
    throw new ConfigError(`invalid configuration: ${lines.join('; ')}`);
  }
  const e = parsed.data;
  const encryptionKeys = e.ITB_ENCRYPTION_KEYS
    ? parseEncryptionKeys(e.ITB_ENCRYPTION_KEYS)
    : e.ITB_MODE === 'sandbox'
      ? [SANDBOX_ENCRYPTION_KEY]
      : [];
  return {
    mode: e.ITB_MODE,
    logLevel: e.LOG_LEVEL,
    bot: {
      host: e.BOT_HOST,
      port: e.BOT_PORT,
      maxBodyBytes: e.BOT_MAX_BODY_BYTES,
      appId: e.MICROSOFT_APP_ID,
      appPassword: e.MICROSOFT_APP_PASSWORD,
      appType: e.MICROSOFT_APP_TYPE,
      appTenantId: e.MICROSOFT_APP_TENANT_ID,
      allowedTenantId: e.ALLOWED_TENANT_ID,
      openIdMetadataUrl: e.BOT_OPENID_METADATA_URL,
      tokenIssuer: e.BOT_TOKEN_ISSUER,
    },
    redis: { url: e.REDIS_URL, prefix: e.REDIS_PREFIX },
    encryptionKeys,
    pacs: {
      dicomWebUrl: e.PACS_DICOMWEB_URL,
      restUrl: e.PACS_REST_URL,
      dimse: { host: e.PACS_DIMSE_HOST, port: e.PACS_DIMSE_PORT, aet: e.PACS_DIMSE_AET },
      ourAet: e.ITB_DICOM_AET,
    },
  };
}

export { ConfigError } from './errors';
export { checkProductionConfig, checkProductionRedis } from './productionChecks';
export type { EncryptionKey } from './encryptionKeys';
