import { z } from 'zod';

/**
 * Every environment variable the product reads, in one zod schema.
 * `sandbox` (the default with no .env) runs against local stand-ins with bot auth off, bound to loopback;
 * `production` refuses to start without credentials (see ./productionChecks.ts).
 */
const port = z.coerce.number().int().min(0).max(65535);
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

export const envSchema = z.object({
  ITB_MODE: z.enum(['sandbox', 'production']).default('sandbox'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

  // Bot edge
  BOT_HOST: z.string().default('127.0.0.1'),
  BOT_PORT: port.default(3978),
  /** restify body limit: Teams caps a message at ~100 KB, so anything much bigger is not Teams. */
  BOT_MAX_BODY_BYTES: z.coerce.number().int().positive().default(256 * 1024),
  MICROSOFT_APP_ID: optionalString,
  MICROSOFT_APP_PASSWORD: optionalString,
  MICROSOFT_APP_TYPE: z.enum(['SingleTenant', 'MultiTenant', 'UserAssignedMSI']).default('SingleTenant'),
  MICROSOFT_APP_TENANT_ID: optionalString,
  /** The only Entra tenant whose activities we serve (channelData.tenant.id). */
  ALLOWED_TENANT_ID: optionalString,
  /** Test hooks for the auth matrix: point botbuilder at a local OpenID metadata stub. */
  BOT_OPENID_METADATA_URL: optionalString,
  BOT_TOKEN_ISSUER: optionalString,

  // Redis (BullMQ + store)
  REDIS_URL: z.string().default('redis://127.0.0.1:6379'),
  /** Hash-tagged so every key of ours lands in one Redis Cluster slot group (BullMQ needs it). */
  REDIS_PREFIX: z.string().default('{itb}'),

  // Patient identifiers at rest: "keyId:base64-32-bytes[,keyId:...]"; the first is used for new writes.
  ITB_ENCRYPTION_KEYS: optionalString,

  // PACS (UHL archive)
  PACS_DICOMWEB_URL: z.string().default('http://127.0.0.1:8042/dicom-web'),
  PACS_REST_URL: z.string().default('http://127.0.0.1:8042'),
  PACS_DIMSE_HOST: z.string().default('127.0.0.1'),
  PACS_DIMSE_PORT: port.default(4242),
  PACS_DIMSE_AET: z.string().default('UHLPACS'),
  ITB_DICOM_AET: z.string().default('ITBOT'),
});

export type Env = z.infer<typeof envSchema>;
