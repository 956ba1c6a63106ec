import * as dcmjsDimse from 'dcmjs-dimse';

/**
 * The one place dcmjs-dimse 0.3.3 is imported, with its logging silenced: by default it logs at TRACE to the console
 * (association dumps, request descriptions that can carry UIDs), bypassing pino and its patient-field redaction. Every
 * failure reaches us through its events and is reported as a typed PacsError instead.
 */
dcmjsDimse.log.setLevel('silent');

export const { Client, Dataset, Scp, constants } = dcmjsDimse;
export const { CEchoRequest, CFindRequest, CMoveRequest, CStoreRequest } = dcmjsDimse.requests;
export const { CEchoResponse, CStoreResponse } = dcmjsDimse.responses;
export type DimseClient = InstanceType<typeof dcmjsDimse.Client>;
export type DimseRequest = InstanceType<typeof dcmjsDimse.requests.Request>;
export type DimseResponse = InstanceType<typeof dcmjsDimse.responses.Response>;
export type DimseAssociation = InstanceType<typeof dcmjsDimse.association.Association>;
export type DimseStoreRequest = InstanceType<typeof dcmjsDimse.requests.CStoreRequest>;
export type DimsePresentationContext = InstanceType<typeof dcmjsDimse.association.PresentationContext>;

/** PS3.7 C.4 status classes. */
export const STATUS_SUCCESS = 0x0000;
export const STATUS_PENDING = 0xff00;
export const STATUS_PENDING_WARNING = 0xff01;
export const STATUS_CANCEL = 0xfe00;

export function isPending(status: number): boolean {
  return status === STATUS_PENDING || status === STATUS_PENDING_WARNING;
}

/** PS3.7 C.4: 0x0001 and 0xBxxx are warnings (the operation was done, with a remark). */
export function isWarning(status: number): boolean {
  return status === 0x0001 || (status & 0xf000) === 0xb000;
}

/**
 * PS3.8 9.3.4 table 9-21: A-ASSOCIATE-RJ reason, which depends on its source, in words.
 * Source 1 service-user, 2 service-provider (ACSE), 3 service-provider (presentation).
 */
export function rejectReasonName(source: number, reason: number): string {
  if (source === 1) {
    return (
      { 1: 'no-reason-given', 2: 'application-context-not-supported', 3: 'calling-ae-not-recognized', 7: 'called-ae-not-recognized' }[reason] ??
      `service-user-reason-${reason}`
    );
  }
  if (source === 2) return { 1: 'no-reason-given', 2: 'protocol-version-not-supported' }[reason] ?? `acse-reason-${reason}`;
  return { 1: 'temporary-congestion', 2: 'local-limit-exceeded' }[reason] ?? `presentation-reason-${reason}`;
}
