/**
 * PACS clients (issue 4): one PacsClient interface, a DICOMweb and a DIMSE implementation, typed errors.
 * See docs/pacs-contract.md.
 */
export type {
  PacsClient,
  PacsCallContext,
  RetrieveCallContext,
  StudyQuery,
  StudySummary,
  EchoResult,
  RetrievedInstance,
  RetrievedStudy,
  StoredInstance,
  FailedInstance,
  StoreFailureReason,
  StoreOutcome,
} from './pacsClient';
export {
  isAeTitle,
  type PacsClientOptions,
  type DicomWebPacsOptions,
  type DimsePacsOptions,
  type StorageScpOptions,
  type PacsAuth,
  type PacsTls,
} from './pacsClientOptions';
export { createPacsClient } from './createPacsClient';
export { DicomWebPacsClient } from './dicomweb/dicomWebPacsClient';
export { DimsePacsClient } from './dimse/dimsePacsClient';
export type { MoveResult } from './dimse/studyMove';
export { readPartTenMeta, type PartTenMeta } from './partTenMeta';
export * from './errors';
