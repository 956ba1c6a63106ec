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
/** A whole number of milliseconds, at least `min`. */
const millis = (min: number) => z.coerce.number().int({ message: 'must be a whole number of milliseconds' }).min(min, { message: `must be at least ${min} ms` });
/**
 * A DICOM LO value we write into every imported instance (PS3.5 6.2: at most 64 characters; our rewrite also refuses a
 * backslash, the multi-value separator, and anything but printable ASCII).
 */
const dicomLongString = z
  .string()
  .trim()
  .min(1, { message: 'must not be empty' })
  .max(64, { message: 'must be at most 64 characters (DICOM LO)' })
  .regex(/^[\x20-\x5b\x5d-\x7e]+$/, { message: 'must be printable ASCII without a backslash (DICOM LO)' });

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

  // Roles (checked on the server for every action; never from card data)
  /** Entra object ids of service-desk approvers, comma-separated. */
  APPROVER_AAD_OBJECT_IDS: z.string().default(''),
  /** The service desk's Teams team: its members are approvers too (checked through the Teams API, cached). */
  SERVICE_DESK_TEAM_ID: optionalString,
  /** The channel conversation id where approval and action-required cards are posted. */
  SERVICE_DESK_CHANNEL_ID: optionalString,
  /** Entra object ids of on-call radiologists allowed to send trauma transfers, comma-separated. */
  ONCALL_RADIOLOGIST_AAD_OBJECT_IDS: z.string().default(''),
  /** How long a team-membership answer is trusted. */
  ROLE_CACHE_SECONDS: z.coerce.number().int().min(0).default(300),

  // Redis (BullMQ + store)
  REDIS_URL: z.string().default('redis://127.0.0.1:6379'),
  /** Hash-tagged so every key of ours lands in one Redis Cluster slot group (BullMQ needs it). */
  REDIS_PREFIX: z.string().default('{itb}'),
  /** PEM of the CA that signed Redis's certificate, for rediss:// with a private CA. */
  REDIS_TLS_CA_FILE: optionalString,
  /**
   * Redis Cluster: seed nodes as comma-separated redis:// or rediss:// URLs (same scheme and credentials on each). When
   * set, REDIS_URL is not used and every process connects to the cluster (ioredis Cluster).
   */
  REDIS_CLUSTER_NODES: optionalString,

  // Patient identifiers at rest: "keyId:base64-32-bytes[,keyId:...]"; the first is used for new writes.
  ITB_ENCRYPTION_KEYS: optionalString,

  // PACS (UHL archive)
  PACS_DICOMWEB_URL: z.string().default('http://127.0.0.1:8042/dicom-web'),
  PACS_REST_URL: z.string().default('http://127.0.0.1:8042'),
  PACS_DIMSE_HOST: z.string().default('127.0.0.1'),
  PACS_DIMSE_PORT: port.default(4242),
  PACS_DIMSE_AET: z.string().default('UHLPACS'),
  ITB_DICOM_AET: z.string().default('ITBOT'),
  /** Which PACS client the workers use: DICOMweb (QIDO/WADO/STOW) or DIMSE (C-FIND/C-MOVE/C-STORE). */
  PACS_CLIENT: z.enum(['dicomweb', 'dimse']).default('dicomweb'),
  PACS_AUTH: z.enum(['none', 'basic', 'bearer']).default('none'),
  PACS_USERNAME: optionalString,
  PACS_PASSWORD: optionalString,
  PACS_BEARER_TOKEN: optionalString,
  PACS_TLS_CA_FILE: optionalString,
  PACS_TIMEOUT_MS: z.coerce.number().int().positive().default(60_000),
  PACS_STORE_PARALLELISM: z.coerce.number().int().min(1).max(32).default(4),
  /** Our storage SCP for DIMSE retrieves (C-MOVE destination registered on the PACS). */
  PACS_STORE_SCP_AET: z.string().default('ITBSCP'),
  PACS_STORE_SCP_PORT: port.default(11112),

  // Local patient id (guideline Appendix 7: the S number; the trauma appendix calls it the RWES number).
  LOCAL_ID_PATTERN: z.string().default('^S\\d{7}$'),
  // Days after a request ends before its patient identifiers are purged (the audit keeps the call reference).
  ITB_RETENTION_DAYS: z.coerce.number().int().min(1).default(30),

  // IEP (Image Exchange Portal) integration point (docs/iep-contract.md)
  IEP_BASE_URL: z.string().default('http://127.0.0.1:8045'),
  IEP_AUTH: z.enum(['none', 'bearer', 'apiKey']).default('none'),
  IEP_BEARER_TOKEN: optionalString,
  IEP_API_KEY: optionalString,
  IEP_API_KEY_HEADER: z.string().default('X-Api-Key'),
  IEP_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  /** Our delivery node on IEP (Appendix 1 step 5: "Leave the delivery node as UHLPACSWFM01"). */
  IEP_DELIVERY_NODE: z.string().default('UHLPACSWFM01'),
  /** Where IEP delivers downloaded studies (the IEP gateway), read by the workers over DICOMweb before fix-up. */
  IEP_GATEWAY_DICOMWEB_URL: z.string().default('http://127.0.0.1:8044/dicom-web'),
  IEP_GATEWAY_REST_URL: z.string().default('http://127.0.0.1:8044'),

  // RIS (CRIS): HL7 v2 over MLLP
  RIS_MLLP_HOST: z.string().default('127.0.0.1'),
  RIS_MLLP_PORT: port.default(2575),
  RIS_ACK_TIMEOUT_MS: z.coerce.number().int().positive().default(30_000),
  RIS_MAX_ATTEMPTS: z.coerce.number().int().min(1).default(3),
  RIS_SENDING_APPLICATION: z.string().default('ITB'),
  RIS_SENDING_FACILITY: z.string().default('UHL'),
  RIS_RECEIVING_APPLICATION: z.string().default('CRIS'),
  RIS_RECEIVING_FACILITY: z.string().default('UHL'),
  RIS_PROCESSING_ID: z.enum(['P', 'T', 'D']).default('P'),

  // PAS (PatientCentre): FHIR R4 Patient search
  PAS_FHIR_BASE_URL: z.string().default('http://127.0.0.1:8090/fhir'),
  PAS_S_NUMBER_SYSTEM: z.string().default('https://fhir.sandbox.itb.example/Id/s-number'),
  PAS_BEARER_TOKEN: optionalString,
  PAS_TIMEOUT_MS: z.coerce.number().int().positive().default(5000),

  // Reports: FHIR R4 DiagnosticReport search by accession number, for trauma transfers (Appendix 4 step 13)
  REPORTS_FHIR_BASE_URL: z.string().default('http://127.0.0.1:8090/fhir'),
  REPORTS_ACCESSION_SYSTEM: z.string().default('https://fhir.sandbox.itb.example/Id/accession-number'),
  REPORTS_BEARER_TOKEN: optionalString,
  REPORTS_TIMEOUT_MS: z.coerce.number().int().positive().max(10_000).default(3000),

  // Service desk: "local" (Redis sequence) or "ivanti" (Ivanti Neurons for ITSM REST)
  SERVICEDESK_MODE: z.enum(['local', 'ivanti']).default('local'),
  IVANTI_BASE_URL: optionalString,
  IVANTI_API_KEY: optionalString,
  IVANTI_BUSINESS_OBJECT: z.string().default('ServiceReqs'),
  IVANTI_REQUEST_ID_FIELD: optionalString,

  // Workflows (workers/flowDeps.ts FlowOptions; docs/workflows.md). Defaults are production values.
  /** Work folders for downloads, CD extraction and rewritten studies (one sub-folder per flow, removed when done). */
  ITB_WORK_DIR: z.string().trim().min(1, { message: 'must not be empty' }).default('var/work'),
  // Appendix 6: the folder CD contents are copied or mounted under; a CD import may only be pointed inside it.
  ITB_CD_ROOT: z.string().trim().min(1, { message: 'must not be empty' }).default('var/cd'),
  /** Issuer of Patient ID (0010,0021) written with the S number. */
  ITB_DICOM_ISSUER: dicomLongString.default('UHL'),
  /** Modifying System (0400,0563) in the Original Attributes Sequence of every fixed-up instance. */
  ITB_DICOM_MODIFYING_SYSTEM: dicomLongString.default('ITB'),
  /**
   * Prefix of the accession numbers we give imported studies. Accession Number is SH (16 characters, PS3.5 6.2) and
   * also travels in HL7 to RIS, so: letters, digits, '.', '-', '_' only, and at most 10 so that at least 6 characters
   * of the per-study digest remain (workers/pacsImport.ts accessionNumbers).
   */
  ITB_ACCESSION_PREFIX: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9._-]{1,10}$/, { message: "must be 1-10 letters, digits, '.', '-' or '_' (16-character DICOM SH with room for 6 of ours)" })
    .default('ITB'),
  /** RIS exam code when the requester gave none; to agree with CRIS. Sent in OBR-4, so no HL7 delimiters. */
  ITB_RIS_DEFAULT_EXAM_CODE: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9._-]{1,20}$/, { message: "must be 1-20 letters, digits, '.', '-' or '_' (no HL7 delimiters)" })
    .default('IMPORT'),
  /** Following an IEP transaction between steps: first re-check, doubling up to the longest. */
  ITB_IEP_POLL_MIN_MS: millis(100).default(30_000),
  ITB_IEP_POLL_MAX_MS: millis(100).default(10 * 60_000),
  /** Following inside a job that holds an IEP thread (upload, download). */
  ITB_IEP_THREAD_POLL_MS: millis(100).default(15_000),
  /** A job holding an IEP thread gives it back (retry later) after following this long. */
  ITB_IEP_THREAD_HOLD_MAX_MS: millis(1000).default(2 * 3600_000),
  /** While all shared outbound threads are held, the outbound queue is not fetched for this long. */
  ITB_OUTBOUND_ADMISSION_BACKOFF_MS: millis(10).default(250),
  /** Attempts of every flow step (BullMQ attempts), then the request fails with its reason. */
  ITB_STEP_ATTEMPTS: z.coerce.number().int({ message: 'must be a whole number' }).min(1, { message: 'must be at least 1' }).max(100, { message: 'must be at most 100' }).default(8),
  /** First backoff of a failed step (exponential). */
  ITB_STEP_BACKOFF_MS: millis(100).default(5_000),
  /** BullMQ lock of an active job (renewed at half of it while the job runs); a dead worker's job is retried after it lapses. */
  ITB_WORKER_LOCK_MS: millis(1000).default(30_000),
  /** How often workers look for jobs whose lock lapsed (a worker died). */
  ITB_WORKER_STALLED_INTERVAL_MS: millis(1000).default(30_000),
  /** Flow-step jobs one worker process runs at once (the IEP thread limits are global and separate: guideline 2.3d). */
  ITB_FLOW_CONCURRENCY: z.coerce.number().int({ message: 'must be a whole number' }).min(1, { message: 'must be at least 1' }).max(64, { message: 'must be at most 64' }).default(8),

  // Worker process monitoring (workers/metricsServer.ts; docs/operations.md "Monitoring")
  /**
   * Port of the worker process's GET /metrics (Prometheus) and GET /healthz. Empty: no port (the default, so several
   * worker processes can share a host; give each its own). 0: any free port (logged as "metrics listening").
   */
  ITB_WORKER_METRICS_PORT: z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), port.optional()),
  /** Where it listens. No authentication on it: loopback unless the scraper is elsewhere (then an internal interface). */
  ITB_WORKER_METRICS_HOST: z.string().trim().min(1, { message: 'must not be empty' }).default('127.0.0.1'),
}).superRefine((e, ctx) => {
  // Cross-variable rules, reported under the variable to change.
  if (e.REDIS_CLUSTER_NODES !== undefined) {
    const problem = clusterNodesProblem(e.REDIS_CLUSTER_NODES);
    if (problem) ctx.addIssue({ code: 'custom', path: ['REDIS_CLUSTER_NODES'], message: problem });
    // BullMQ's scripts touch several keys of a queue at once; Redis Cluster allows that only inside one hash slot.
    if (!hasHashTag(e.REDIS_PREFIX)) {
      ctx.addIssue({ code: 'custom', path: ['REDIS_PREFIX'], message: `must contain a hash tag such as {itb} on a Redis Cluster (every key of ours must share one slot), got "${e.REDIS_PREFIX}"` });
    }
  }
  if (e.ITB_IEP_POLL_MIN_MS > e.ITB_IEP_POLL_MAX_MS) {
    ctx.addIssue({ code: 'custom', path: ['ITB_IEP_POLL_MIN_MS'], message: `must not exceed ITB_IEP_POLL_MAX_MS (${e.ITB_IEP_POLL_MAX_MS})` });
  }
  if (e.ITB_IEP_THREAD_POLL_MS >= e.ITB_IEP_THREAD_HOLD_MAX_MS) {
    ctx.addIssue({ code: 'custom', path: ['ITB_IEP_THREAD_HOLD_MAX_MS'], message: `must be longer than ITB_IEP_THREAD_POLL_MS (${e.ITB_IEP_THREAD_POLL_MS}), or a held thread is given back before it is followed once` });
  }
});

export type Env = z.infer<typeof envSchema>;

/** True when `prefix` has a non-empty {hash tag}: Redis Cluster hashes only what is inside the first {...}. */
export function hasHashTag(prefix: string): boolean {
  const open = prefix.indexOf('{');
  const close = open < 0 ? -1 : prefix.indexOf('}', open + 1);
  return close > open + 1;
}

/** Why a REDIS_CLUSTER_NODES value is unusable, or undefined. */
function clusterNodesProblem(raw: string): string | undefined {
  const parts = raw.split(',').map((s) => s.trim()).filter(Boolean);
  if (parts.length === 0) return 'give at least one node URL (redis://host:port)';
  const urls: URL[] = [];
  for (const part of parts) {
    let url: URL;
    try {
      url = new URL(part);
    } catch {
      return `"${redactUrl(part)}" is not a URL (redis://host:port or rediss://user:password@host:port)`;
    }
    if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') return `"${redactUrl(part)}" must start with redis:// or rediss://`;
    if (!url.hostname || !url.port) return `"${redactUrl(part)}" needs a host and a port`;
    if (url.pathname && url.pathname !== '/') return `"${redactUrl(part)}": a cluster has only database 0, so no /db path`;
    urls.push(url);
  }
  const first = urls[0]!;
  if (urls.some((u) => u.protocol !== first.protocol)) return 'every node must use the same scheme (all redis:// or all rediss://)';
  if (urls.some((u) => u.username !== first.username || u.password !== first.password)) return 'every node must carry the same user and password';
  return undefined;
}

/** A URL for an error message: never its password. */
function redactUrl(raw: string): string {
  return raw.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}
