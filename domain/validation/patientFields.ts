import type { PatientIdentity } from '../patient';
import { isBlank, type CardForm } from './cardForm';
import { birthDate, localIdField, nhsNumberField, personName, requiredText, TEXT_LIMITS } from './fields';
import type { FieldChecks, ValidationContext } from './fieldErrors';
import { messages } from './messages';

/**
 * Reads the patient block (inputs sNumber, nhsNumber, familyName, givenName, birthDate, address). Returns undefined
 * when any of it is wrong; the problems are in `checks`.
 *
 * `withoutNhsNumber` says what replaces a missing NHS number: the address on imports, exports and CDs (IEP form,
 * Appendix 1 step 2: "only when the NHS no is not available then these fields must be completed"), or a reason on
 * trauma transfers (Appendix 4, step 9) which the trauma validator reads itself.
 */
export function readPatient(
  form: CardForm,
  checks: FieldChecks,
  ctx: ValidationContext,
  withoutNhsNumber: 'address' | 'reason',
): PatientIdentity | undefined {
  const sNumber = checks.read('sNumber', localIdField(ctx.localIdPattern, ctx.localIdDescription), form.sNumber);
  const nhsNumber = checks.read('nhsNumber', nhsNumberField, form.nhsNumber);
  const familyName = checks.read('familyName', personName(messages.familyNameMissing), form.familyName);
  const givenName = checks.read('givenName', personName(messages.givenNameMissing), form.givenName);
  const dob = checks.read('birthDate', birthDate(ctx.today), form.birthDate);

  let address: string | undefined;
  if (withoutNhsNumber === 'address') {
    // A blank NHS number makes the address required; a mistyped one gets its own message instead. An address
    // given alongside an NHS number is still checked and kept.
    if (isBlank(form.nhsNumber) || !isBlank(form.address)) {
      const rule = requiredText({ missing: messages.addressNeededWithoutNhsNumber, max: TEXT_LIMITS.address, multiline: true });
      address = checks.read('address', rule, form.address);
    }
  }

  if (sNumber === undefined || familyName === undefined || givenName === undefined || dob === undefined) return undefined;
  if (checks.hasErrorFor('nhsNumber') || checks.hasErrorFor('address')) return undefined;
  return {
    sNumber,
    ...(nhsNumber !== undefined ? { nhsNumber } : {}),
    familyName,
    givenName,
    birthDate: dob,
    ...(address !== undefined ? { address } : {}),
  };
}
