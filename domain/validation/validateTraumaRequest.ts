import { z } from 'zod';
import { DEFAULT_TRAUMA_DESTINATION_ID, TRAUMA_DESTINATIONS, type TraumaRequest } from '../requests';
import { isBlank, readCardForm } from './cardForm';
import { optionalText, requiredText, TEXT_LIMITS, toggleField } from './fields';
import { FieldChecks, type ValidationContext, type ValidationResult } from './fieldErrors';
import { messages } from './messages';
import { readPatient } from './patientFields';

/** Most studies one trauma transfer may carry ("Only send relevant imaging", Appendix 4 step 12). */
export const MAX_TRAUMA_STUDIES = 30;

// DICOM PS3.5 9.1: a UID is dot-separated numbers without leading zeros, at most 64 characters.
const DICOM_UID = /^(0|[1-9]\d*)(\.(0|[1-9]\d*))*$/;

/** Picked studies: an array, or the comma-separated string a multi-select Input.ChoiceSet submits. */
const studyUidsField = z.preprocess(
  (v) => (typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter((s) => s !== '') : v),
  z
    .array(z.string().max(64, { error: messages.studyUidInvalid }).regex(DICOM_UID, { error: messages.studyUidInvalid }), {
      error: messages.studiesMissing,
    })
    .min(1, { error: messages.studiesMissing })
    .max(MAX_TRAUMA_STUDIES, { error: messages.studiesTooMany(MAX_TRAUMA_STUDIES) })
    .transform((uids) => [...new Set(uids)]),
);

/**
 * Validates a radiologist's trauma transfer (guideline 2.1c, 2.8, Appendix 4). Input ids: sNumber (the local id; the
 * appendix's RWES number, pattern from ctx), nhsNumber, noNhsNumberReason (required without an NHS number), familyName,
 * givenName, birthDate, destination (default "nuh"), studyInstanceUids, attachReport, edTraumaConfirmed, clinicalNote.
 */
export function validateTraumaRequest(input: unknown, ctx: ValidationContext): ValidationResult<TraumaRequest> {
  const form = readCardForm(input);
  if (!form) return { ok: false, errors: [{ field: 'form', message: messages.formMissing }] };
  const checks = new FieldChecks();
  const patient = readPatient(form, checks, ctx, 'reason');
  const noNhsNumberReason = checks.read(
    'noNhsNumberReason',
    isBlank(form.nhsNumber)
      ? requiredText({ missing: messages.noNhsNumberReasonNeeded, max: TEXT_LIMITS.reason })
      : optionalText({ max: TEXT_LIMITS.reason }),
    form.noNhsNumberReason,
  );
  const destinationId = isBlank(form.destination) ? DEFAULT_TRAUMA_DESTINATION_ID : form.destination;
  const destination = TRAUMA_DESTINATIONS.find((d) => d.id === destinationId);
  if (!destination) checks.add('destination', messages.destinationUnknown);
  const studyInstanceUids = checks.read('studyInstanceUids', studyUidsField, form.studyInstanceUids);
  const attachReport = checks.read('attachReport', toggleField, form.attachReport);
  const edTraumaConfirmed = checks.read('edTraumaConfirmed', toggleField, form.edTraumaConfirmed);
  // guideline 2.1c: "This agreement is for trauma patients in ED only, not for general IEP requests".
  if (edTraumaConfirmed === false) checks.add('edTraumaConfirmed', messages.edTraumaNotConfirmed);
  const clinicalNote = checks.read('clinicalNote', optionalText({ max: TEXT_LIMITS.reason, multiline: true }), form.clinicalNote);

  return checks.result(() => ({
    kind: 'trauma' as const,
    patient: patient!,
    ...(noNhsNumberReason !== undefined && patient?.nhsNumber === undefined ? { noNhsNumberReason } : {}),
    destination: destination!,
    studyInstanceUids: studyInstanceUids!,
    attachReport: attachReport ?? false,
    edTraumaConfirmed: true as const,
    ...(clinicalNote !== undefined ? { clinicalNote } : {}),
  }));
}
