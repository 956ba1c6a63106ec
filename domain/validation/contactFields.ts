import type { ClinicalOwner, ExportDestination, RequesterContact } from '../contacts';
import type { CardForm } from './cardForm';
import { contactPhone, emailField, externalPhone, organisationName, requiredText, TEXT_LIMITS } from './fields';
import type { FieldChecks } from './fieldErrors';
import { messages } from './messages';

/** Reads requesterName, requesterEmail and requesterPhone (the UHL staff contact details, guideline 2.7d). */
export function readRequester(form: CardForm, checks: FieldChecks): RequesterContact | undefined {
  const name = checks.read('requesterName', requiredText({ missing: messages.requesterNameMissing, max: TEXT_LIMITS.staffName }), form.requesterName);
  const email = checks.read('requesterEmail', emailField(messages.requesterEmailInvalid), form.requesterEmail);
  const phone = checks.read('requesterPhone', contactPhone(messages.requesterPhoneInvalid), form.requesterPhone);
  return name !== undefined && email !== undefined && phone !== undefined ? { name, email, phone } : undefined;
}

/** Reads requestingClinician, consultant and department (Appendix 1, step 3). */
export function readClinician(form: CardForm, checks: FieldChecks): ClinicalOwner | undefined {
  const requestingClinician = checks.read(
    'requestingClinician',
    requiredText({ missing: messages.clinicianMissing, max: TEXT_LIMITS.staffName }),
    form.requestingClinician,
  );
  const consultant = checks.read('consultant', requiredText({ missing: messages.consultantMissing, max: TEXT_LIMITS.staffName }), form.consultant);
  const department = checks.read('department', requiredText({ missing: messages.departmentMissing, max: TEXT_LIMITS.department }), form.department);
  return requestingClinician !== undefined && consultant !== undefined && department !== undefined
    ? { requestingClinician, consultant, department }
    : undefined;
}

/**
 * Reads the export destination (Appendix 3): destinationOrganisation (in full), siteContactName, siteContactPosition,
 * siteContactPhone, siteContactEmail. All required.
 */
export function readExportDestination(form: CardForm, checks: FieldChecks): ExportDestination | undefined {
  const organisation = checks.read(
    'destinationOrganisation',
    organisationName(messages.organisationMissing('organisation the images go to')),
    form.destinationOrganisation,
  );
  const contactName = checks.read('siteContactName', requiredText({ missing: messages.siteContactNameMissing, max: TEXT_LIMITS.staffName }), form.siteContactName);
  const contactPosition = checks.read(
    'siteContactPosition',
    requiredText({ missing: messages.siteContactPositionMissing, max: TEXT_LIMITS.staffName }),
    form.siteContactPosition,
  );
  const contactPhone = checks.read('siteContactPhone', externalPhone(messages.siteContactPhoneInvalid), form.siteContactPhone);
  const contactEmail = checks.read('siteContactEmail', emailField(messages.siteContactEmailInvalid), form.siteContactEmail);
  if (organisation === undefined || contactName === undefined || contactPosition === undefined) return undefined;
  if (contactPhone === undefined || contactEmail === undefined) return undefined;
  return { organisation, contactName, contactPosition, contactPhone, contactEmail };
}
