/**
 * The DICOM import engine (issue 5): identity checks against the request and PAS, quarantine, IHE IRWF.b rewrite
 * (S number into Patient ID, originals into Original Attributes Sequence), streaming per instance. See
 * docs/dicom-engine.md.
 */
export type { ExpectedPatient, RequestedExam } from './types';
export { DicomFileError, DicomRewriteConfigError, type DicomFileErrorCode } from './errors';
export { instanceProblems } from './instanceProblems';
export { readDicomHeader, parseDicomHeader, type DicomHeader, type ElementSpan, type OtherPatientId, type PixelDataInfo } from './headerReader';
export { identityOf, identityDigest, DEFAULT_NHS_ISSUERS, NHS_NUMBER_OID, type InstanceIdentity, type IdentityField, type IdentityProblem } from './identity';
export { planRewrite, validatePatientRewrite, type AccessionRule, type PatientRewrite, type RewritePlan } from './headerRewrite';
export { fixUpInstance, fixUpInstanceBytes, COPY_CHUNK, type FixUpGuard, type FixUpOptions, type FixUpResult } from './fixUpInstance';
export { fixUpStudy, type FixUpTask, type FixUpFailure, type FixUpStudyResult, type FixUpStudyOptions } from './fixUpStudy';
export {
  reconcileStudy,
  DeliveryCheck,
  logSafeReasons,
  type ReconcileOptions,
  type ReconcileResult,
  type ImportDecision,
  type QuarantineDecision,
  type QuarantineReason,
  type QuarantineCode,
  type FileErrorEntry,
  type StudySummary,
  type PlannedInstance,
} from './reconcile';
export { importStudy, type ImportStudyOptions, type ImportStudyResult, type ImportedStudy } from './importStudy';
export { readCdContents, type CdContents } from './cdContents';
export { TransferSyntaxUid } from './transferSyntax';
