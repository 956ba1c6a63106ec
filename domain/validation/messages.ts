/**
 * Every message a clinician may see next to a form field, in one place so they read alike and can be reviewed by
 * the clinical safety officer. Plain words, say what to do, never echo the value typed (it may be patient data).
 * Example numbers are synthetic: NHS numbers from the 999 test range, phone numbers from Ofcom's drama range.
 */
export const messages = {
  formMissing: 'The form could not be read. Please open it again and resubmit.',

  nhsNumberFormat: 'An NHS number has 10 digits (spaces or dashes are fine), for example 999 000 0018.',
  nhsNumberCheckDigit:
    'This NHS number is not valid: its last digit does not match the others. Please check it against the patient record.',
  addressNeededWithoutNhsNumber: "Enter the patient's address: it is needed when there is no NHS number.",
  noNhsNumberReasonNeeded: 'Say why there is no NHS number (for example: unknown patient, not yet registered).',

  localIdInvalid: (description: string) => `Enter the hospital number: ${description}.`,

  familyNameMissing: "Enter the patient's family name (surname).",
  givenNameMissing: "Enter the patient's given name (first name).",
  nameCharacters: 'Use letters, spaces, hyphens and apostrophes only.',

  birthDateMissing: "Enter the patient's date of birth.",
  /**
   * The card's own check of the date input (isRequired + max = today) has one errorMessage for both failures, so it
   * must cover both: a date typed in the future otherwise reads as "enter the date" with the date still there.
   */
  birthDateCardCheck: "Enter the patient's date of birth; it cannot be in the future.",
  dateInvalid: 'Enter a real date (day, month and year).',
  birthDateInFuture: 'The date of birth cannot be in the future.',
  birthDateTooOld: 'This date of birth makes the patient older than 130. Please check the year.',

  examsMissing: 'Add at least one examination, with its date and type/body part.',
  examsTooMany: (max: number) => `List at most ${max} examinations in one request. Send another request for the rest.`,
  examDateMissing: 'Enter the date of this scan.',
  examDateInFuture: 'The date of the scan cannot be in the future.',
  examDateBeforeBirth: "The date of the scan is before the patient's date of birth.",
  examDescriptionMissing: 'Enter the type of study and body part, for example "CT head".',
  cdStudyDescriptionOrCode: 'Enter the full study description or the CRIS examination code.',
  examBlanket:
    "It is essential to state each examination and date of scan required. 'All imaging' will not be accepted: list each examination with its date.",
  examCodeInvalid: 'An exam code is letters and digits (up to 20 characters), for example XCHES.',

  priorityMissing: (choices: string) => `Choose a priority: ${choices}.`,
  priorityReasonMissing: 'Choose the reason for the priority.',
  priorityReasonDetailMissing: 'You chose "Other": say briefly why the images are needed.',
  blueLightWrongReason:
    'Blue Light is only for emergency admission or surgery in the next 12 hours. Choose that reason, or choose Standard.',
  blueLightReasonNotBlueLight:
    'This reason is for Blue Light requests. Set the priority to Blue Light, or choose another reason.',

  requiredByMissing: 'Enter the date the images are needed by.',
  requiredByInPast: 'The date needed by cannot be in the past.',

  organisationMissing: (what: string) => `Enter the name of the ${what}.`,
  organisationInFull: 'Give the organisation name in full, not an abbreviation (for example "Nottingham University Hospitals NHS Trust").',

  siteContactNameMissing: 'Enter the name of the contact at the receiving site.',
  siteContactPositionMissing: "Enter the site contact's position (for example: PACS manager, consultant radiologist).",
  siteContactPhoneInvalid: "Enter the site contact's full phone number, for example 0116 496 0123.",
  siteContactEmailInvalid: "Enter the site contact's e-mail address, for example name@nhs.net.",

  clinicianMissing: 'Enter the requesting clinician.',
  consultantMissing: 'Enter the consultant responsible for the patient.',
  departmentMissing: 'Enter the department.',
  requesterNameMissing: 'Enter your name.',
  requesterEmailInvalid: 'Enter your e-mail address, for example name@nhs.net.',
  requesterPhoneInvalid: 'Enter a phone number, extension or bleep, for example 0116 496 0123 or ext 18000.',

  toggleInvalid: 'Please tick or untick this box.',
  textMissing: (what: string) => `Enter ${what}.`,
  textTooLong: (max: number, actual: number) => `Keep this to ${max} characters or fewer (it has ${actual}).`,

  studiesMissing: 'Pick at least one study to send. Only send relevant imaging.',
  studiesTooMany: (max: number) => `Pick at most ${max} studies in one transfer.`,
  studyUidInvalid: 'One of the picked studies could not be read. Please search and pick the studies again.',
  destinationUnknown: 'Choose the destination from the list.',
  edTraumaNotConfirmed:
    'This route is for trauma patients in the Emergency Department only. Other requests go through the service desk.',

  cdCountInvalid: (max: number) => `Enter how many CDs there are (1 to ${max}).`,
  internalPostAddressMissing: 'Enter the internal post address for returning the CDs.',
} as const;
