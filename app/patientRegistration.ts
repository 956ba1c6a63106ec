import type { FieldError, PatientIdentity } from '../domain';
import { PasError } from '../integrations/pas';
import type { AppDeps } from './deps';
import { appMessages } from './messages';

/** What the PAS check found: registered (and consistent), field errors for the card, or PAS could not be asked. */
export type RegistrationCheck = { result: 'registered' } | { result: 'refused'; errors: FieldError[] } | { result: 'unavailable' };

/**
 * guideline 2.7d: "Patients must already be registered on PatientCentre/HISS"; 2.7e: a recognised S number means a
 * registration exists. Beyond existence, the date of birth and (when both sides have one) the NHS number must agree
 * with PAS: a mistyped S number that happens to belong to someone else is the wrong-patient error this catches.
 */
export async function checkRegistration(deps: AppDeps, patient: Pick<PatientIdentity, 'sNumber' | 'nhsNumber' | 'birthDate'>): Promise<RegistrationCheck> {
  let found;
  try {
    found = await deps.pas.findBySNumber(patient.sNumber);
  } catch (err) {
    if (err instanceof PasError && (err.code === 'PAS_AMBIGUOUS' || err.code === 'PAS_INVALID_S_NUMBER')) {
      return { result: 'refused', errors: [{ field: 'sNumber', message: appMessages.inactiveOnPas }] };
    }
    deps.logger.warn({ errType: (err as Error).name, code: (err as { code?: string }).code }, 'PAS registration check failed');
    return { result: 'unavailable' };
  }
  if (!found) return { result: 'refused', errors: [{ field: 'sNumber', message: appMessages.notRegisteredOnPas }] };
  if (!found.active) return { result: 'refused', errors: [{ field: 'sNumber', message: appMessages.inactiveOnPas }] };
  const errors: FieldError[] = [];
  if (found.birthDate !== patient.birthDate) errors.push({ field: 'birthDate', message: appMessages.birthDateNotOnPas });
  if (found.nhsNumber !== undefined && patient.nhsNumber !== undefined && found.nhsNumber !== patient.nhsNumber) {
    errors.push({ field: 'nhsNumber', message: appMessages.nhsNumberNotOnPas });
  }
  return errors.length ? { result: 'refused', errors } : { result: 'registered' };
}
