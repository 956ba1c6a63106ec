import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { AppNotifier } from '../app/ports';
import { loadConfig, type AppConfig } from '../config';
import type { NotifyJobData } from './notifyQueue';
import type { Logger } from '../config/logger';
import type { ServiceCalendar } from '../domain';
import type { IepClient } from '../integrations/iep';
import type { PacsClient } from '../integrations/pacs';
import type { PasClient } from '../integrations/pas';
import type { ReportSource } from '../integrations/reports';
import type { RisClient } from '../integrations/ris';
import type { ServiceDesk } from '../integrations/servicedesk';
import type { Store } from '../store';
import type { Clock } from './clock';
import type { FlowStateStore } from './flowState';
import type { GatewayStudies } from './gatewayStudies';

/** The job data of every flow step: ids only (STYLE). The step is the job's name. */
export interface FlowJobData {
  readonly requestId: string;
  /** 0 for the first run; n for the nth re-process. */
  readonly run: number;
}

/** The queues a step may add the next step to. */
export interface FlowQueues {
  flow: Queue<FlowJobData>;
  /** Outbound transfers in the shared lanes (4 threads). */
  outbound: Queue<FlowJobData>;
  /**
   * Outbound transfers at Blue Light or trauma priority (may use the fifth thread). Optional for producers built before
   * it existed: emergencyQueueOf() then makes it from the outbound queue's connection and prefix.
   */
  outboundEmergency?: Queue<FlowJobData>;
  inbound: Queue<FlowJobData>;
  timers: Queue;
}

/**
 * Tunables. Production values come from config (config/schema.ts, ITB_* variables, documented in .env.example) through
 * flowOptionsFrom; DEFAULT_FLOW_OPTIONS are the schema's defaults, for tests and producers built without a config.
 */
export interface FlowOptions {
  /** Work folders for downloads, CD extraction and rewritten studies (ITB_WORK_DIR, default var/work). */
  workDir: string;
  /** Issuer of Patient ID (0010,0021) written with the S number (ITB_DICOM_ISSUER, default UHL). */
  ourIssuer: string;
  /** Modifying System (0400,0563) in the Original Attributes (ITB_DICOM_MODIFYING_SYSTEM, default ITB). */
  modifyingSystem: string;
  /** Prefix of the accession numbers we give imported studies (ITB_ACCESSION_PREFIX, default ITB). */
  accessionPrefix: string;
  /** Our IEP delivery node (config.iep.deliveryNode, UHLPACSWFM01). */
  iepDeliveryNode: string;
  /** RIS exam code when the requester gave none (ITB_RIS_DEFAULT_EXAM_CODE, default IMPORT); to agree with CRIS. */
  risDefaultExamCode: string;
  /** Following an IEP transaction between steps: first and longest re-check (ITB_IEP_POLL_MIN_MS / _MAX_MS). */
  iepPollMinMs: number;
  iepPollMaxMs: number;
  /** Following inside a job that holds an IEP thread (upload, download) (ITB_IEP_THREAD_POLL_MS, default 15 s). */
  threadPollMs: number;
  /** A job holding an IEP thread gives it back (retry later) after following this long (ITB_IEP_THREAD_HOLD_MAX_MS, 2 h). */
  threadHoldMaxMs: number;
  /** While all shared outbound threads are held, the queue is not fetched for this long (ITB_OUTBOUND_ADMISSION_BACKOFF_MS, 250 ms). */
  admissionBackoffMs: number;
  /** Attempts and first backoff of every step (ITB_STEP_ATTEMPTS, ITB_STEP_BACKOFF_MS). */
  stepAttempts: number;
  stepBackoffMs: number;
  /** BullMQ lock of an active job, renewed while it runs; a dead worker's job is retried after it lapses (ITB_WORKER_LOCK_MS, 30 s). */
  lockDurationMs: number;
  /** How often workers look for such stalled jobs (ITB_WORKER_STALLED_INTERVAL_MS, 30 s). */
  stalledIntervalMs: number;
  /** Flow-step jobs one process runs at once (ITB_FLOW_CONCURRENCY, 8); the IEP thread limits are global and separate. */
  flowConcurrency: number;
}

/** The flows' tunables from config: the ITB_* workflow variables and our IEP delivery node. */
export function flowOptionsFrom(config: Pick<AppConfig, 'workflow' | 'iep'>): FlowOptions {
  const w = config.workflow;
  return {
    workDir: w.workDir,
    ourIssuer: w.dicomIssuer,
    modifyingSystem: w.dicomModifyingSystem,
    accessionPrefix: w.accessionPrefix,
    iepDeliveryNode: config.iep.deliveryNode,
    risDefaultExamCode: w.risDefaultExamCode,
    iepPollMinMs: w.iepPollMinMs,
    iepPollMaxMs: w.iepPollMaxMs,
    threadPollMs: w.iepThreadPollMs,
    threadHoldMaxMs: w.iepThreadHoldMaxMs,
    admissionBackoffMs: w.outboundAdmissionBackoffMs,
    stepAttempts: w.stepAttempts,
    stepBackoffMs: w.stepBackoffMs,
    lockDurationMs: w.workerLockMs,
    stalledIntervalMs: w.workerStalledIntervalMs,
    flowConcurrency: w.flowConcurrency,
  };
}

/**
 * The defaults: the schema's own (an empty environment), so there is one place that holds them. loadConfig({}) reads no
 * process.env; it only parses the empty object it is given.
 */
export const DEFAULT_FLOW_OPTIONS: FlowOptions = Object.freeze(flowOptionsFrom(loadConfig({})));

/** Everything a step needs, handed in by initWorkers (or a test). */
export interface FlowDeps {
  store: Store;
  flowState: FlowStateStore;
  iep: IepClient;
  /** UHL PACS. */
  pacs: PacsClient;
  /** The IEP gateway, where IEP delivers our downloads (read over DICOMweb). */
  gateway: PacsClient;
  /** Removes a study from the gateway once it is safely in PACS. */
  gatewayStudies: GatewayStudies;
  ris: RisClient;
  pas: Pick<PasClient, 'findBySNumber'>;
  /** The report of a study, for trauma transfers (Appendix 4 step 13). Optional: without it studies go without reports. */
  reports?: ReportSource;
  notifier: AppNotifier;
  /**
   * The notify queue itself, for the one notice the Notifier port cannot express yet: a Blue Light request overdue at
   * 4 h after the 3 h "at risk" notice on the same status (same notice key). Without it the 4 h notice is skipped.
   */
  notifyQueue?: Queue<NotifyJobData>;
  /** Optional: notes and resolutions on the logged service request (guideline 2.7a, section 4). */
  serviceDesk?: Pick<ServiceDesk, 'addNote' | 'resolve'>;
  clock: Clock;
  calendar: ServiceCalendar;
  /** The workers' command connection (flow state, admission, due index). */
  redis: Redis;
  prefix: string;
  queues: FlowQueues;
  options: FlowOptions;
  /** Ids only. */
  logger: Logger;
}
