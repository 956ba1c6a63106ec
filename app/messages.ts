import { PRIORITY_LABELS, STATUS_LABELS, type CallRef, type Priority, type RequestKind, type RequestStatus } from '../domain';

/** The service desk's number, as the guideline gives it (2.3a, 2.6a). */
export const SERVICE_DESK_PHONE = 'x18000';

const callUs = `If it keeps happening, call the IM&T service desk on ${SERVICE_DESK_PHONE}.`;

/**
 * Every sentence the use-cases say to a person. Kind, plain, and never quoting what was typed: a value in a message
 * can end up in a log or on a card other people see.
 */
export const appMessages = {
  // Refusals that are about a dependency, not the person.
  notAcceptedStore: `Your request was NOT accepted: we could not save it just now, so nothing has been sent and no call reference was made. Please try again in a minute. ${callUs}`,
  notAcceptedPas: `Your request was NOT accepted: we could not check the patient's registration on PatientCentre just now. Please try again in a minute. ${callUs}`,
  savedNotLogged:
    'Your request is saved, but the service desk has not given it a call reference yet. Please press Submit again in a minute: ' +
    `it carries on where it stopped and does not make a second request. ${callUs}`,
  savedNotStarted: (callRef: string) =>
    `${callRef} is saved and logged, but sending has not started yet. Please press Submit again now: it carries on where it stopped. ${callUs}`,
  actionNotSaved: `That was not saved: our system could not record it just now. Please try again in a minute. ${callUs}`,

  // guideline 2.7d: "Patients must already be registered on PatientCentre/HISS".
  notRegisteredOnPas:
    'This hospital number is not registered on PatientCentre/HISS. The patient must be registered before images can be ' +
    'transferred (guideline 2.7d): please ask your registration team, then submit again.',
  inactiveOnPas:
    'PatientCentre marks this hospital number as not in use (for example merged into another record). Please check the ' +
    'number with your registration team (guideline 2.7e).',
  birthDateNotOnPas: 'This date of birth does not match the PatientCentre record for this hospital number. Please check both.',
  nhsNumberNotOnPas: 'This NHS number does not match the PatientCentre record for this hospital number. Please check both.',

  // Trauma (Appendix 4 steps 8-12).
  pacsUnavailable:
    'PACS cannot be searched just now, so the studies cannot be listed. Please try again in a minute; if PACS is down, a ' +
    `disc from the modality will be needed (Appendix 4 step 8). ${callUs}`,
  noStudiesOnPacs: 'PACS has no studies for this hospital number. Please check the number (Appendix 4 step 10: check you have the correct patient).',
  studiesNotThisPatient: "Some of the studies picked are not in this patient's PACS record. Please start the trauma transfer again.",

  // Roles (guideline 2.7b: transfers are authorised by approved staff; 2.8: trauma by the imaging department).
  deniedApprover:
    'Only service-desk approvers can approve, reject, query or re-process requests. If you should be one, ask the IM&T ' +
    `service desk (${SERVICE_DESK_PHONE}) to add you. Nothing was changed.`,
  deniedTrauma:
    'Trauma transfers to Nottingham are sent by the on-call radiologist (guideline 2.8, Appendix 4). If you are on call, ' +
    `ask the service desk (${SERVICE_DESK_PHONE}) to add you to the on-call list. For other urgent requests use import or export with Blue Light priority.`,
  deniedNotYours: 'Only the person who made this request can do that. Nothing was changed.',
  deniedPatientDetails: 'Patient details are shown only to service-desk approvers.',
  notFound: (ref?: string) => (ref ? `I can't find ${ref} among the requests you can see.` : "I can't find that request among the requests you can see."),
  notACallRef: 'That is not a call reference. They look like ITB-2026-000123.',

  detailsPurged: (callRef: string) => `The patient details of ${callRef} were removed after the retention period; the call reference and its history remain.`,

  // State.
  cannotCancelNow: (callRef: string, status: RequestStatus) =>
    `${callRef} can no longer be cancelled here because processing has started (now: ${STATUS_LABELS[status]}). ` +
    `Please call the service desk on ${SERVICE_DESK_PHONE}.`,
  notInStatusFor: (what: string, callRef: string, status: RequestStatus) => `${callRef} cannot be ${what} now: it is "${STATUS_LABELS[status]}".`,
  noLongerOpen: (callRef: string, status: RequestStatus) => `${callRef} is already closed ("${STATUS_LABELS[status]}").`,

  // Decision fields.
  rejectReasonMissing: 'Give the reason for rejecting: the requester will see it.',
  cancelReasonMissing: 'Give the reason for cancelling: the requester will see it.',
  questionMissing: 'Write the question for the requester.',
  answerMissing: 'Write your answer for the service desk.',
  textTooLong: (max: number) => `Keep this to ${max} characters or fewer.`,
} as const;

/** What happens next after a request is accepted (confirmation card), in the guideline's words. */
export function nextStepFor(kind: RequestKind): string {
  switch (kind) {
    case 'import':
      return 'A service-desk analyst checks your request, then asks the other organisation for the images on IEP (guideline 2.3b).';
    case 'export':
      return 'A service-desk analyst checks your request, then sends the images to the organisation on IEP (guideline 2.6b).';
    case 'cdImport':
      return 'A service-desk analyst checks your request. Write the call reference on the form, the CD(s) and the envelope (Appendix 5).';
    case 'trauma':
      return 'Sending now to Nottingham University Hospitals (NUH Radiology PACS) at clinical-emergency priority (Appendix 4).';
  }
}

/** The expected time, per priority (Glossary "Blue Light": within 4 hours; Appendix 1: Batch is overnight). */
export function expectedFor(kind: RequestKind, priority: Priority | undefined, requiredBy: string | undefined, urgentCd?: boolean): string {
  if (kind === 'trauma') return "Once the study is On IEP, NUH downloads it (Appendix 4 step 17). If images fail, burn a CD (step 18).";
  if (kind === 'cdImport') {
    return urgentCd
      ? `Urgent: arrange with the service desk (${SERVICE_DESK_PHONE}) to bring the CD(s) to County Hall (Appendix 5).`
      : 'CDs are collected on Wednesdays from Radiology Reception at the LRI, GH and LGH (Appendix 5).';
  }
  switch (priority) {
    case 'blueLight':
      return 'Blue Light: images are expected within 4 hours, depending on how many Blue Light transfers are running.';
    case 'batch':
      return 'Batch: transferred overnight.';
    default:
      return requiredBy ? `${PRIORITY_LABELS.standard}: aiming for the date you need them by, ${requiredBy}.` : `${PRIORITY_LABELS.standard}.`;
  }
}

/** Out of hours (guideline 2.9): when a standard request will be picked up. */
export function outOfHoursNote(nextOpening: string): string {
  return `The service desk is closed now. Your request is accepted and will be processed from ${nextOpening}.`;
}

/** Blue Light out of hours: for a trauma patient, the on-call radiologist can send now (2.8); otherwise, the desk's hours. */
export function blueLightOutOfHoursNote(nextOpening: string, traumaRoute: boolean): string {
  return traumaRoute
    ? `The service desk is closed until ${nextOpening}. If this is an ED trauma patient going to Nottingham, the on-call radiologist can send the images now with the "trauma" command (guideline 2.8). Otherwise your request will be processed from ${nextOpening}.`
    : `The service desk is closed until ${nextOpening}; your Blue Light request will be processed first when it opens. If this is an ED trauma patient going to Nottingham, ask the on-call radiologist (guideline 2.8).`;
}

/** "ITB-2026-000123" or a neutral phrase when a request has none yet. */
export function refText(callRef: CallRef | undefined): string {
  return callRef ?? 'your request';
}
