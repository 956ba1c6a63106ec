/**
 * Every status a request can be in. Before approval they are ours; the iep* ones are the IEP statuses the guideline
 * lists (Appendix 1 "Statuses": New, Started, Downloading, Download Request, Delivered, On IEP, Failed, Decline, Purged);
 * after that, PACS and RIS steps, then the end states.
 */
export const REQUEST_STATUSES = [
  'submitted',
  'logged',
  'awaitingApproval',
  'needsInformation',
  'rejected',
  'approved',
  'iepNew',
  'iepStarted',
  'onIep',
  'iepDownloadRequest',
  'iepDownloading',
  'iepDelivered',
  'iepFailed',
  'iepDeclined',
  'iepPurged',
  'quarantined',
  'deliveredToPacs',
  'registeredOnRis',
  'completed',
  'cancelled',
] as const;

/** One of REQUEST_STATUSES. */
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

/** Type guard for RequestStatus (e.g. when reading a stored record). */
export function isRequestStatus(value: unknown): value is RequestStatus {
  return typeof value === 'string' && (REQUEST_STATUSES as readonly string[]).includes(value);
}

/** Where every request starts. */
export const INITIAL_STATUS: RequestStatus = 'submitted';

/** Statuses nothing leaves. */
export const TERMINAL_STATUSES: readonly RequestStatus[] = ['rejected', 'completed', 'cancelled'];

/** True for rejected, completed and cancelled. */
export function isTerminal(status: RequestStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}

/** Words for requesters and analysts on cards. */
export const STATUS_LABELS: Record<RequestStatus, string> = {
  submitted: 'Submitted',
  logged: 'Logged with the service desk',
  awaitingApproval: 'Waiting for approval',
  needsInformation: 'More information needed',
  rejected: 'Rejected',
  approved: 'Approved',
  iepNew: 'IEP: New',
  iepStarted: 'IEP: Started',
  onIep: 'IEP: On IEP',
  iepDownloadRequest: 'IEP: Download Request',
  iepDownloading: 'IEP: Downloading',
  iepDelivered: 'IEP: Delivered',
  iepFailed: 'IEP: Failed',
  iepDeclined: 'IEP: Declined by the sending organisation',
  iepPurged: 'IEP: Purged (no longer on IEP)',
  quarantined: 'Action required: held for an analyst',
  deliveredToPacs: 'Delivered to PACS',
  registeredOnRis: 'Registered on RIS',
  completed: 'Completed',
  cancelled: 'Cancelled',
};

/** The status names IEP shows (Appendix 1), mapped to ours. */
export const IEP_STATUS_NAMES = {
  New: 'iepNew',
  Started: 'iepStarted',
  // The IEP worklist also shows "Uploading" (Appendix 1 screenshot); the guideline defines Started as "acknowledged &
  // is uploading", so it is the same step for us.
  Uploading: 'iepStarted',
  'On IEP': 'onIep',
  'Download Request': 'iepDownloadRequest',
  Downloading: 'iepDownloading',
  Delivered: 'iepDelivered',
  Failed: 'iepFailed',
  Decline: 'iepDeclined',
  Purged: 'iepPurged',
} as const satisfies Record<string, RequestStatus>;

/** One of the names IEP shows. */
export type IepStatusName = keyof typeof IEP_STATUS_NAMES;

/** Our status for an IEP status name, or undefined for a name we do not know. */
export function statusFromIep(name: string): RequestStatus | undefined {
  return Object.prototype.hasOwnProperty.call(IEP_STATUS_NAMES, name) ? IEP_STATUS_NAMES[name as IepStatusName] : undefined;
}
