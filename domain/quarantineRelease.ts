/**
 * Releasing a quarantined import to PACS after an analyst has checked it (issue 5 safety; guideline 2.7d: images go
 * into PACS only when the patient is right). The DICOM engine held the delivery on an identity doubt; a service-desk
 * approver who has established that the images ARE the requested patient (e.g. a maiden name, a birth date the sender
 * confirmed by phone) releases it, saying how they confirmed it.
 */

/** The history's `why` for quarantined -> deliveredToPacs by a release: shown to the requester, no patient data. */
export const QUARANTINE_RELEASED_WHY = 'released to UHL PACS after a check by the service desk';

/**
 * How long the analyst's "How did you confirm it is the same patient?" may be. Free text: it may mention the patient,
 * so it is stored sealed like a cancel reason, never logged or audited.
 */
export const RELEASE_CONFIRMATION_MAX = 300;
