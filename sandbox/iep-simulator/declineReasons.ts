/**
 * Why a sending institution declines a request. Guideline 2.5a names the two usual ones; Appendix 1 step 3 warns that
 * a request without the requesting clinician, consultant and department "may be declined".
 */
export const DECLINE_REASONS = [
  { code: 'studyNotHeld', text: 'The requested study does not exist at this organisation.' },
  {
    code: 'clinicallyInappropriate',
    text: "The request is deemed clinically inappropriate, for example 'all studies' for a patient have been requested.",
  },
  { code: 'requesterDetailsMissing', text: 'The requesting clinician, consultant and department were not given.' },
  { code: 'patientNotIdentified', text: 'The patient could not be identified from the details given.' },
  { code: 'other', text: 'Other: see the messages on this transaction.' },
] as const;

export type DeclineCode = (typeof DECLINE_REASONS)[number]['code'];

/** The text for a decline code. */
export function declineText(code: DeclineCode): string {
  return DECLINE_REASONS.find((r) => r.code === code)?.text ?? code;
}
