import type { ExportRequest } from '../requests';
import { readCardForm } from './cardForm';
import { readClinician, readExportDestination, readRequester } from './contactFields';
import { readRequestedExams } from './examFields';
import { optionalText, TEXT_LIMITS } from './fields';
import { FieldChecks, type ValidationContext, type ValidationResult } from './fieldErrors';
import { messages } from './messages';
import { readPatient } from './patientFields';
import { readPriority } from './priorityFields';

/**
 * Validates an export form (guideline 2.6a, Appendix 3). Input ids: the patient block, exams[i].*,
 * destinationOrganisation, siteContactName, siteContactPosition, siteContactPhone, siteContactEmail, priority,
 * priorityReason, priorityReasonDetail, requiredBy, requestingClinician, consultant, department, requesterName,
 * requesterEmail, requesterPhone, comments, additionalInstructions.
 */
export function validateExportRequest(input: unknown, ctx: ValidationContext): ValidationResult<ExportRequest> {
  const form = readCardForm(input);
  if (!form) return { ok: false, errors: [{ field: 'form', message: messages.formMissing }] };
  const checks = new FieldChecks();
  const patient = readPatient(form, checks, ctx, 'address');
  const exams = readRequestedExams(form, checks, ctx, patient?.birthDate);
  const destination = readExportDestination(form, checks);
  const priority = readPriority<ExportRequest['priority']>(form, checks, ctx, 'export');
  const clinician = readClinician(form, checks);
  const requester = readRequester(form, checks);
  const longText = optionalText({ max: TEXT_LIMITS.comments, multiline: true });
  const comments = checks.read('comments', longText, form.comments);
  const additionalInstructions = checks.read('additionalInstructions', longText, form.additionalInstructions);

  return checks.result(() => ({
    kind: 'export' as const,
    patient: patient!,
    exams: exams!,
    destination: destination!,
    ...priority!,
    clinician: clinician!,
    requester: requester!,
    ...(comments !== undefined ? { comments } : {}),
    ...(additionalInstructions !== undefined ? { additionalInstructions } : {}),
  }));
}
