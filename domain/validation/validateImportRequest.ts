import type { ImportRequest } from '../requests';
import { readCardForm } from './cardForm';
import { readClinician, readRequester } from './contactFields';
import { readRequestedExams } from './examFields';
import { optionalText, organisationName, TEXT_LIMITS } from './fields';
import { FieldChecks, type ValidationContext, type ValidationResult } from './fieldErrors';
import { messages } from './messages';
import { readPatient } from './patientFields';
import { readPriority } from './priorityFields';

/**
 * Validates an import form (guideline 2.3a, 2.7d, Appendix 2). Input ids: the patient block (sNumber, nhsNumber,
 * familyName, givenName, birthDate, address), exams[i].date/description/examCode, sourceOrganisation, priority,
 * priorityReason, priorityReasonDetail, requiredBy, requestingClinician, consultant, department, requesterName,
 * requesterEmail, requesterPhone, comments.
 */
export function validateImportRequest(input: unknown, ctx: ValidationContext): ValidationResult<ImportRequest> {
  const form = readCardForm(input);
  if (!form) return { ok: false, errors: [{ field: 'form', message: messages.formMissing }] };
  const checks = new FieldChecks();
  const patient = readPatient(form, checks, ctx, 'address');
  const exams = readRequestedExams(form, checks, ctx, patient?.birthDate);
  const sourceOrganisation = checks.read(
    'sourceOrganisation',
    organisationName(messages.organisationMissing('trust or hospital the images come from')),
    form.sourceOrganisation,
  );
  const priority = readPriority<ImportRequest['priority']>(form, checks, ctx, 'import');
  const clinician = readClinician(form, checks);
  const requester = readRequester(form, checks);
  const comments = checks.read('comments', optionalText({ max: TEXT_LIMITS.comments, multiline: true }), form.comments);

  return checks.result(() => ({
    kind: 'import' as const,
    patient: patient!,
    exams: exams!,
    sourceOrganisation: sourceOrganisation!,
    ...priority!,
    clinician: clinician!,
    requester: requester!,
    ...(comments !== undefined ? { comments } : {}),
  }));
}
