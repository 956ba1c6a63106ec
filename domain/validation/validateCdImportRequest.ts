import type { CdImportRequest } from '../requests';
import { readCardForm } from './cardForm';
import { readRequester } from './contactFields';
import { readCdStudies } from './examFields';
import { countField, optionalText, requiredText, TEXT_LIMITS, toggleField } from './fields';
import { FieldChecks, type ValidationContext, type ValidationResult } from './fieldErrors';
import { messages } from './messages';
import { readPatient } from './patientFields';

/** Most CDs one request may cover (a guard against typos such as 100 for 1). */
export const MAX_CDS_PER_REQUEST = 20;

/**
 * Validates a CD import form (Appendix 6: "INCOMPLETE FORMS OR UNLABELLED CD'S WILL NOT BE PROCESSED"). Input ids: the
 * patient block, exams[i].date/description/examCode (description or code), cdCount, internalPostAddress, urgent,
 * requesterName, requesterEmail, requesterPhone, comments.
 */
export function validateCdImportRequest(input: unknown, ctx: ValidationContext): ValidationResult<CdImportRequest> {
  const form = readCardForm(input);
  if (!form) return { ok: false, errors: [{ field: 'form', message: messages.formMissing }] };
  const checks = new FieldChecks();
  const patient = readPatient(form, checks, ctx, 'address');
  const exams = readCdStudies(form, checks, ctx, patient?.birthDate);
  const cdCount = checks.read('cdCount', countField(MAX_CDS_PER_REQUEST, messages.cdCountInvalid(MAX_CDS_PER_REQUEST)), form.cdCount);
  const internalPostAddress = checks.read(
    'internalPostAddress',
    requiredText({ missing: messages.internalPostAddressMissing, max: TEXT_LIMITS.internalPostAddress, multiline: true }),
    form.internalPostAddress,
  );
  const urgent = checks.read('urgent', toggleField, form.urgent);
  const requester = readRequester(form, checks);
  const comments = checks.read('comments', optionalText({ max: TEXT_LIMITS.comments, multiline: true }), form.comments);

  return checks.result(() => ({
    kind: 'cdImport' as const,
    patient: patient!,
    exams: exams!,
    cdCount: cdCount!,
    internalPostAddress: internalPostAddress!,
    urgent: urgent ?? false,
    requester: requester!,
    ...(comments !== undefined ? { comments } : {}),
  }));
}
