/**
 * The conversation's use-cases (see README.md). Handlers call these; every one checks the actor's role against the
 * stored request, audits denials, and is safe to repeat.
 */
export type { AppActor } from './appActor';
export { hasRole, isRequesterOf, auditActor } from './appActor';
export type { AppDeps } from './deps';
export type { FlowStarter, AppNotifier, Institution, InstitutionDirectory, AnalystWork, UnsolicitedImages, WorkOutcome, ComplianceFigures, ReportCounts, ExportCandidate, HeldImport } from './ports';
export type { Refusal, RefusalKind } from './outcomes';
export { isRefusal } from './outcomes';
export { submitRequest, type SubmitOutcome, type AcceptedRequest } from './submitRequest';
export { approve, reject, askForInformation, reprocess, DECISION_REASONS } from './analystDecisions';
export { answerInformation, cancel } from './requesterActions';
export type { DecisionOutcome, DecisionDone } from './decide';
export { statusOf, myRequests, patientDetails, type RequestStatusView, type MyRequestsView, type PatientDetailsView } from './queries';
export { StaticInstitutionDirectory, STATIC_IEP_INSTITUTIONS, matchInstitutions, bestInstitution, editDistance } from './iepDirectory';
export { appMessages, SERVICE_DESK_PHONE } from './messages';
export { NO_REQUEST_ID, auditDenial, type GuardedAction } from './denials';
export { findTraumaStudies, checkPickedStudies, type TraumaStudiesFound } from './traumaStudies';
export { expectedFor, nextStepFor } from './messages';
export { reprocessAs, REPROCESS_FROM } from './analystDecisions';
export {
  editAndResend,
  openRequestForEdit,
  editableValuesOf,
  formValuesOf,
  changedParts,
  isEditableField,
  EDITABLE_FIELDS,
  type EditableKind,
  type EditableRequestView,
  type EditOutcome,
} from './editRequest';
export { matchImagesToRequest, askSenderAboutImages, cancelImages, unsolicitedImages, type ImagesOutcome } from './unsolicitedImages';
export { complianceReport, REPORT_MAX_DAYS, type ComplianceReportOutcome } from './complianceReport';
export { confirmExportStudies, exportStudiesToConfirm, pointCdImport, type FlowActionOutcome, type ExportStudiesView } from './flowActions';
export { releaseQuarantine, heldImport, type ReleaseOutcome } from './releaseQuarantine';
