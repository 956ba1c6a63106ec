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
  roles: {
    approverAadObjectIds: string[];
    serviceDeskTeamId?: string;
    serviceDeskChannelId?: string;
    oncallRadiologistAadObjectIds: string[];
    cacheSeconds: number;
  };
  /** `clusterNodes` (REDIS_CLUSTER_NODES) set: a Redis Cluster, and `url` is not used. */
  redis: { url: string; prefix: string; tlsCaFile?: string; clusterNodes?: string[] };
  encryptionKeys: EncryptionKey[];
  pacs: {
    client: 'dicomweb' | 'dimse';
    dicomWebUrl: string;
    restUrl: string;
    dimse: { host: string; port: number; aet: string };
    ourAet: string;
    auth?: { kind: 'basic'; username: string; password: string } | { kind: 'bearer'; token: string };
    tlsCaFile?: string;
    timeoutMs: number;
    storeParallelism: number;
    storageScp: { aet: string; port: number };
  };
  localIdPattern: RegExp;
  retentionDays: number;
  ris: {
    host: string;
    port: number;
    ackTimeoutMs: number;
    maxAttempts: number;
    message: { sendingApplication: string; sendingFacility: string; receivingApplication: string; receivingFacility: string; processingId: 'P' | 'T' | 'D' };
  };
  pas: { baseUrl: string; sNumberSystem: string; bearerToken?: string; timeoutMs: number };
  /** Where trauma transfers read the report of a study (Appendix 4 step 13). */
  reports: { baseUrl: string; accessionSystem: string; bearerToken?: string; timeoutMs: number };
  iep: {
    baseUrl: string;
    auth?: { kind: 'bearer'; token: string } | { kind: 'apiKey'; key: string; header: string };
    timeoutMs: number;
    deliveryNode: string;
    gateway: { dicomWebUrl: string; restUrl: string };
  };
  serviceDesk:
    | { mode: 'local' }
    | { mode: 'ivanti'; baseUrl: string; apiKey: string; businessObject: string; requestIdField?: string };
  /** Workflow tunables (ITB_*; the workers turn them into FlowOptions with workers/flowDeps.ts flowOptionsFrom). */
  workflow: {
    workDir: string;
    /** ITB_CD_ROOT: CD imports may only be pointed at folders or zips under it. */
    cdRoot: string;
    dicomIssuer: string;
    dicomModifyingSystem: string;
    accessionPrefix: string;
    risDefaultExamCode: string;
    iepPollMinMs: number;
    iepPollMaxMs: number;
    iepThreadPollMs: number;
    iepThreadHoldMaxMs: number;
    outboundAdmissionBackoffMs: number;
    stepAttempts: number;
    stepBackoffMs: number;
    workerLockMs: number;
    workerStalledIntervalMs: number;
    flowConcurrency: number;
  };
  /** The worker process's /metrics and /healthz (ITB_WORKER_METRICS_*); no port: not served. */
  workerMetrics: { host: string; port?: number };
}


/** "a, b,,c" -> ["a","b","c"] (lower-cased: Entra object ids are GUIDs, compared case-insensitively). */
function idList(raw: string): string[] {
  return raw.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
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
  let localIdPattern: RegExp;
  try {
    localIdPattern = new RegExp(e.LOCAL_ID_PATTERN);
  } catch {
    throw new ConfigError('invalid configuration: LOCAL_ID_PATTERN: not a valid regular expression');
  }
  if (e.PACS_AUTH === 'basic' && (!e.PACS_USERNAME || !e.PACS_PASSWORD)) throw new ConfigError('invalid configuration: PACS_AUTH=basic needs PACS_USERNAME and PACS_PASSWORD');
  if (e.PACS_AUTH === 'bearer' && !e.PACS_BEARER_TOKEN) throw new ConfigError('invalid configuration: PACS_AUTH=bearer needs PACS_BEARER_TOKEN');
  if (e.IEP_AUTH === 'bearer' && !e.IEP_BEARER_TOKEN) throw new ConfigError('invalid configuration: IEP_AUTH=bearer needs IEP_BEARER_TOKEN');
  if (e.IEP_AUTH === 'apiKey' && !e.IEP_API_KEY) throw new ConfigError('invalid configuration: IEP_AUTH=apiKey needs IEP_API_KEY');
  if (e.SERVICEDESK_MODE === 'ivanti' && (!e.IVANTI_BASE_URL || !e.IVANTI_API_KEY)) {
    throw new ConfigError('invalid configuration: SERVICEDESK_MODE=ivanti needs IVANTI_BASE_URL and IVANTI_API_KEY');
  }
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
    roles: {
      approverAadObjectIds: idList(e.APPROVER_AAD_OBJECT_IDS),
      serviceDeskTeamId: e.SERVICE_DESK_TEAM_ID,
      serviceDeskChannelId: e.SERVICE_DESK_CHANNEL_ID,
      oncallRadiologistAadObjectIds: idList(e.ONCALL_RADIOLOGIST_AAD_OBJECT_IDS),
      cacheSeconds: e.ROLE_CACHE_SECONDS,
    },
    redis: {
      url: e.REDIS_URL,
      prefix: e.REDIS_PREFIX,
      tlsCaFile: e.REDIS_TLS_CA_FILE,
      ...(e.REDIS_CLUSTER_NODES ? { clusterNodes: e.REDIS_CLUSTER_NODES.split(',').map((s) => s.trim()).filter(Boolean) } : {}),
    },
    encryptionKeys,
    pacs: {
      client: e.PACS_CLIENT,
      auth:
        e.PACS_AUTH === 'basic'
          ? { kind: 'basic', username: e.PACS_USERNAME!, password: e.PACS_PASSWORD! }
          : e.PACS_AUTH === 'bearer'
            ? { kind: 'bearer', token: e.PACS_BEARER_TOKEN! }
            : undefined,
      tlsCaFile: e.PACS_TLS_CA_FILE,
      timeoutMs: e.PACS_TIMEOUT_MS,
      storeParallelism: e.PACS_STORE_PARALLELISM,
      storageScp: { aet: e.PACS_STORE_SCP_AET, port: e.PACS_STORE_SCP_PORT },
      dicomWebUrl: e.PACS_DICOMWEB_URL,
      restUrl: e.PACS_REST_URL,
      dimse: { host: e.PACS_DIMSE_HOST, port: e.PACS_DIMSE_PORT, aet: e.PACS_DIMSE_AET },
      ourAet: e.ITB_DICOM_AET,
    },
    localIdPattern,
    retentionDays: e.ITB_RETENTION_DAYS,
    ris: {
      host: e.RIS_MLLP_HOST,
      port: e.RIS_MLLP_PORT,
      ackTimeoutMs: e.RIS_ACK_TIMEOUT_MS,
      maxAttempts: e.RIS_MAX_ATTEMPTS,
      message: {
        sendingApplication: e.RIS_SENDING_APPLICATION,
        sendingFacility: e.RIS_SENDING_FACILITY,
        receivingApplication: e.RIS_RECEIVING_APPLICATION,
        receivingFacility: e.RIS_RECEIVING_FACILITY,
        processingId: e.RIS_PROCESSING_ID,
      },
    },
    iep: {
      baseUrl: e.IEP_BASE_URL,
      auth:
        e.IEP_AUTH === 'bearer'
          ? { kind: 'bearer', token: e.IEP_BEARER_TOKEN! }
          : e.IEP_AUTH === 'apiKey'
            ? { kind: 'apiKey', key: e.IEP_API_KEY!, header: e.IEP_API_KEY_HEADER }
            : undefined,
      timeoutMs: e.IEP_TIMEOUT_MS,
      deliveryNode: e.IEP_DELIVERY_NODE,
      gateway: { dicomWebUrl: e.IEP_GATEWAY_DICOMWEB_URL, restUrl: e.IEP_GATEWAY_REST_URL },
    },
    pas: { baseUrl: e.PAS_FHIR_BASE_URL, sNumberSystem: e.PAS_S_NUMBER_SYSTEM, bearerToken: e.PAS_BEARER_TOKEN, timeoutMs: e.PAS_TIMEOUT_MS },
    reports: { baseUrl: e.REPORTS_FHIR_BASE_URL, accessionSystem: e.REPORTS_ACCESSION_SYSTEM, bearerToken: e.REPORTS_BEARER_TOKEN, timeoutMs: e.REPORTS_TIMEOUT_MS },
    serviceDesk:
      e.SERVICEDESK_MODE === 'ivanti'
        ? { mode: 'ivanti', baseUrl: e.IVANTI_BASE_URL!, apiKey: e.IVANTI_API_KEY!, businessObject: e.IVANTI_BUSINESS_OBJECT, requestIdField: e.IVANTI_REQUEST_ID_FIELD }
        : { mode: 'local' },
    workflow: {
      workDir: e.ITB_WORK_DIR,
      cdRoot: e.ITB_CD_ROOT,
      dicomIssuer: e.ITB_DICOM_ISSUER,
      dicomModifyingSystem: e.ITB_DICOM_MODIFYING_SYSTEM,
      accessionPrefix: e.ITB_ACCESSION_PREFIX,
      risDefaultExamCode: e.ITB_RIS_DEFAULT_EXAM_CODE,
      iepPollMinMs: e.ITB_IEP_POLL_MIN_MS,
      iepPollMaxMs: e.ITB_IEP_POLL_MAX_MS,
      iepThreadPollMs: e.ITB_IEP_THREAD_POLL_MS,
      iepThreadHoldMaxMs: e.ITB_IEP_THREAD_HOLD_MAX_MS,
      outboundAdmissionBackoffMs: e.ITB_OUTBOUND_ADMISSION_BACKOFF_MS,
      stepAttempts: e.ITB_STEP_ATTEMPTS,
      stepBackoffMs: e.ITB_STEP_BACKOFF_MS,
      workerLockMs: e.ITB_WORKER_LOCK_MS,
      workerStalledIntervalMs: e.ITB_WORKER_STALLED_INTERVAL_MS,
      flowConcurrency: e.ITB_FLOW_CONCURRENCY,
    },
    workerMetrics: { host: e.ITB_WORKER_METRICS_HOST, ...(e.ITB_WORKER_METRICS_PORT !== undefined ? { port: e.ITB_WORKER_METRICS_PORT } : {}) },
  };
}

export { ConfigError } from './errors';
export { checkProductionConfig, checkProductionRedis } from './productionChecks';
export type { EncryptionKey } from './encryptionKeys';
