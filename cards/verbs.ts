/**
 * Every verb a card can submit, in one place: the bot routes on these (one handler per verb). Each Action.Submit's
 * data is `{ verb, ...fields }` so botbuilder and the Agents SDK can both route it (DESIGN "Decisions"). Ids that ride
 * along (requestId, callRef, formId) are hints for routing only: the bot re-reads the request and checks the user's
 * role and ownership itself, never trusting card data.
 */
export const CARD_VERBS = {
  // Help menu: open a form.
  openHelp: 'openHelp',
  openImport: 'openImport',
  openExport: 'openExport',
  openCd: 'openCd',
  openTrauma: 'openTrauma',
  openMyRequests: 'openMyRequests',

  // Forms. Fields are the domain's input ids (docs/domain.md); the bot passes the data to validateXRequest.
  submitImport: 'submitImport',
  submitExport: 'submitExport',
  submitCdImport: 'submitCdImport',
  /** Trauma step 1: local id + NHS number (or reason); the bot searches PACS and answers with step 2. */
  traumaFindPatient: 'traumaFindPatient',
  /** Trauma step 2: picked studies, attach report, ED trauma confirmed (plus the step-1 fields carried in data). */
  submitTrauma: 'submitTrauma',

  // Service-desk channel: approval card.
  approve: 'approve',
  /** Data: { reason } (required). */
  reject: 'reject',
  /** Data: { question } (required): sent to the requester, whose answer comes back onto the approval card. */
  askForInformation: 'askForInformation',
  /** The bot checks the clicker is an authorised approver, then sends the patient details card 1:1. */
  showPatientDetails: 'showPatientDetails',

  // Requester.
  /** Data: { answer } (required): the requester's answer to an analyst's question. */
  answerInformation: 'answerInformation',
  /** Status card: ask to cancel (the bot answers with the confirm-cancel card). */
  requestCancel: 'requestCancel',
  /** Confirm-cancel card: yes, cancel it. */
  confirmCancel: 'confirmCancel',
  /** Confirm-cancel card: no, keep it. */
  keepRequest: 'keepRequest',
  /** Show one request's status card: data { requestId, callRef } from a My requests row, confirmation or FYI card. */
  showStatus: 'showStatus',
  /**
   * My requests: the lookup box, input id `callRefQuery` (read it with parseCallRef). A separate verb and input id from
   * showStatus, so text left in the box never overrides the row a user tapped.
   */
  lookupStatus: 'lookupStatus',

  // Service-desk channel: images with no request / quarantined studies (guideline 2.4).
  /** Data: { callRef } (required): attach the images to this request. */
  matchToRequest: 'matchToRequest',
  /** Ask the sending organisation for the request details (2.4b). */
  askSender: 'askSender',
  /** Cancel the unmatched or quarantined images (2.4d). */
  cancelUnmatched: 'cancelUnmatched',
  /**
   * Quarantine card: release the held images to PACS after a check. Data { itemId, requestId, callRef,
   * findingsVersion } (hints: the server re-reads the request and compares the version with the one it stored) and the
   * input `releaseConfirmation` (required: how the analyst confirmed it is the same patient).
   */
  releaseQuarantine: 'releaseQuarantine',

  // Service-desk channel: failure or decline (guideline 2.5).
  reprocess: 'reprocess',
  /** Back to the requester with the sender's reason (2.5b): data { question }. */
  returnToRequester: 'returnToRequester',
  /** Data: { reason } (required). */
  cancelRequest: 'cancelRequest',
  /** "Edit and re-send" on a failure/decline card: the bot answers with the edit card (data { requestId, callRef }). */
  openEditRequest: 'openEditRequest',
  /**
   * The edit card's "Save and re-send": data { requestId, callRef, formId, failureCardId } and the inputs exams[i].date /
   * .description / .examCode, sourceOrganisation or destinationOrganisation, requiredBy, requestingClinician,
   * consultant, department. Validated again on the server; the patient is never taken from the card.
   */
  saveAndResend: 'saveAndResend',

  // Service-desk channel: flow steps that wait for an analyst (issue #7).
  /** Export step 2: data { requestId, callRef, studyInstanceUids } ("uid1,uid2"): the studies to send. */
  confirmExportStudies: 'confirmExportStudies',
  /** CD import: data { requestId, callRef, cdSource }: the full path of the CD folder or .zip. */
  pointCdImportAt: 'pointCdImportAt',
} as const;

/** One of the verbs. */
export type CardVerb = (typeof CARD_VERBS)[keyof typeof CARD_VERBS];

/** Every verb, e.g. for a router's exhaustiveness test. */
export const ALL_CARD_VERBS: readonly CardVerb[] = Object.values(CARD_VERBS);

/** True when a submitted value names one of our verbs. */
export function isCardVerb(value: unknown): value is CardVerb {
  return typeof value === 'string' && (ALL_CARD_VERBS as readonly string[]).includes(value);
}

/**
 * What an Action.Submit sends back: the verb, the hints the card carried, and the card's input values by id (strings,
 * as Teams sends them). Read it with isCardVerb(data.verb) and the domain validators; never trust the hints.
 */
export interface CardSubmitData {
  verb: CardVerb;
  requestId?: string;
  callRef?: string;
  /** A per-render nonce on forms, to spot a double-clicked Submit. */
  formId?: string;
  [inputId: string]: unknown;
}
