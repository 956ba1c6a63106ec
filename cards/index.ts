/**
 * Every Adaptive Card of the Imaging Transfer Bot: one typed render function per card, each expanding a JSON template
 * in cards/templates with adaptivecards-templating. Handlers call these and send the result
 * (CardFactory.adaptiveCard(card)); no card JSON lives in handlers. Verbs the cards submit are in CARD_VERBS.
 * See docs/cards.md for each card's data, verbs and screenshots.
 */
export { renderTemplate, cardBytes, unresolvedExpressions, MAX_CARD_BYTES, type AdaptiveCard } from './render';
export { CARD_VERBS, ALL_CARD_VERBS, isCardVerb, type CardVerb, type CardSubmitData } from './verbs';
export { escapeCardText, ZWJ } from './escape';
export { FIELD_LABELS, labelOf, type FormState, type FieldView } from './formFields';
export { localIdRule, type LocalIdFormat } from './clientRules';
export { IEP_INSTITUTIONS_DATASET, institutionChoices, searchInstitutionChoices, type InstitutionChoice, type Choice } from './institutions';
export { DEFAULT_EXAM_ROWS } from './examRows';
export { KIND_LABELS, KIND_SHORT_LABELS, LANE_LABELS, formatCardTime, formatCardDate } from './words';
export type { CardInstant, CardEvent, CardDecision } from './cardEvents';

export { renderHelpCard, HELP_COMMANDS, ANALYST_HELP_COMMANDS, type HelpCardOptions } from './help';
export { renderImportForm, renderExportForm, renderCdImportForm, type RequestFormOptions, type TrustFormOptions } from './requestForms';
export {
  renderTraumaPatientForm,
  renderTraumaStudiesForm,
  studyChoiceTitle,
  type TraumaPatientFormOptions,
  type TraumaStudiesFormOptions,
  type TraumaPatient,
  type TraumaStudyChoice,
} from './traumaForms';
export { renderConfirmationCard, type ConfirmationCardData } from './confirmationCard';
export { renderApprovalCard, type ApprovalCardData, type InformationExchange } from './approvalCard';
export { renderPatientDetailsCard, type PatientDetailsCardData } from './patientDetailsCard';
export { renderStatusCard, type StatusCardData, type StatusStep } from './statusCard';
export { renderMyRequestsCard, type MyRequestsCardData, type MyRequestRow } from './myRequestsCard';
export { renderCancelConfirmCard, type CancelConfirmCardData } from './cancelCard';
export { renderInformationRequestCard, type InformationRequestCardData } from './informationRequestCard';
export { renderActionRequiredCard, type ActionRequiredCardData } from './actionRequiredCard';
export { renderFailureCard, type FailureCardData } from './failureCard';
export { renderEditRequestCard, type EditRequestCardData } from './editRequestCard';
export { renderExportStudiesCard, renderCdSourceCard, type ExportStudiesCardData, type ExportStudyChoice, type CdSourceCardData } from './analystFlowCards';
export { renderComplianceReportCard, formatDuration, type ComplianceReportCardData } from './complianceReportCard';
export { renderTraumaFyiCard, type TraumaFyiCardData } from './traumaFyiCard';
export { renderRefusedCard, REFUSAL_REASONS, type RefusalReason, type RefusedCardData } from './refusedCard';
