import { londonLocalDate, normaliseLocalPatientId, validateTraumaRequest, type FieldError } from '../domain';
import { PacsError, type StudySummary } from '../integrations/pacs';
import { hasRole, type AppActor } from './appActor';
import type { AppDeps } from './deps';
import { auditDenial } from './denials';
import { appMessages } from './messages';
import type { Refusal } from './outcomes';

/** The fields of trauma step 1 (Appendix 4 steps 8-9: local id and NHS number, or a reason there is none). */
const STEP_ONE_FIELDS = ['sNumber', 'nhsNumber', 'noNhsNumberReason'];

/** The patient as found on PACS, and their studies newest first, for step 2 ("Only send relevant imaging", step 12). */
export interface TraumaStudiesFound {
  outcome: 'found';
  patient: { sNumber: string; nhsNumber?: string; noNhsNumberReason?: string; familyName?: string; givenName?: string; birthDate?: string };
  studies: StudySummary[];
}

/**
 * Trauma step 1 (Appendix 4 steps 8-10): the on-call radiologist identifies the patient; we search PACS by the local
 * id and offer the patient's studies, with the name and date of birth PACS holds, so they can check it is the right
 * patient (step 10). Radiologists only (2.8). PACS down: say so (step 8: a disc from the modality may be needed).
 */
export async function findTraumaStudies(deps: AppDeps, actor: AppActor, values: unknown): Promise<TraumaStudiesFound | Refusal> {
  if (!hasRole(actor, 'radiologist')) {
    await auditDenial(deps, actor, 'submitTrauma');
    return { outcome: 'denied', message: appMessages.deniedTrauma };
  }
  const form = (values && typeof values === 'object' ? values : {}) as Record<string, unknown>;
  const checked = validateTraumaRequest(form, {
    today: londonLocalDate(deps.now()),
    ...(deps.localIdPattern ? { localIdPattern: deps.localIdPattern } : {}),
    ...(deps.localIdDescription ? { localIdDescription: deps.localIdDescription } : {}),
  });
  const errors: FieldError[] = checked.ok ? [] : checked.errors.filter((e) => STEP_ONE_FIELDS.includes(e.field));
  if (errors.length) return { outcome: 'invalid', errors };
  const sNumber = normaliseLocalPatientId(String(form.sNumber ?? ''), deps.localIdPattern);
  if (!sNumber) return { outcome: 'invalid', errors: [{ field: 'sNumber', message: appMessages.notRegisteredOnPas }] };
  if (!deps.pacs) return { outcome: 'unavailable', message: appMessages.pacsUnavailable };

  let studies: StudySummary[];
  try {
    studies = await deps.pacs.searchStudies({ patientId: sNumber });
  } catch (err) {
    if (!(err instanceof PacsError)) throw err;
    deps.logger.warn({ code: err.code, retryable: err.retryable }, 'PACS search for a trauma transfer failed');
    return { outcome: 'unavailable', message: appMessages.pacsUnavailable };
  }
  if (studies.length === 0) return { outcome: 'invalid', errors: [{ field: 'sNumber', message: appMessages.noStudiesOnPacs }] };
  studies.sort((a, b) => `${b.studyDate ?? ''}${b.studyTime ?? ''}`.localeCompare(`${a.studyDate ?? ''}${a.studyTime ?? ''}`));
  const named = studies.find((s) => s.patientName);
  const [family, given] = (named?.patientName ?? '').split('^');
  const nhs = typeof form.nhsNumber === 'string' ? form.nhsNumber.replace(/[\s\-\u2013]/g, '') : '';
  const reason = typeof form.noNhsNumberReason === 'string' ? form.noNhsNumberReason.trim() : '';
  return {
    outcome: 'found',
    patient: {
      sNumber,
      ...(nhs ? { nhsNumber: nhs } : {}),
      ...(reason && !nhs ? { noNhsNumberReason: reason } : {}),
      ...(family ? { familyName: family.trim() } : {}),
      ...(given ? { givenName: given.trim() } : {}),
      ...(studies.find((s) => s.patientBirthDate)?.patientBirthDate ? { birthDate: studies.find((s) => s.patientBirthDate)!.patientBirthDate! } : {}),
    },
    studies,
  };
}

/**
 * Before a trauma transfer is stored: every picked study must be one of this patient's on PACS (card data is a hint;
 * a UID from another patient's list must never be sent). Field errors, "unavailable", or undefined when all is well.
 */
export async function checkPickedStudies(deps: AppDeps, sNumber: string, picked: readonly string[]): Promise<FieldError[] | 'unavailable' | undefined> {
  if (!deps.pacs) return undefined;
  let held: StudySummary[];
  try {
    held = await deps.pacs.searchStudies({ patientId: sNumber });
  } catch (err) {
    if (!(err instanceof PacsError)) throw err;
    return 'unavailable';
  }
  const uids = new Set(held.map((s) => s.studyInstanceUid));
  return picked.every((u) => uids.has(u)) ? undefined : [{ field: 'studyInstanceUids', message: appMessages.studiesNotThisPatient }];
}
