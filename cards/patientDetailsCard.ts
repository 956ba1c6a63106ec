import {
  PRIORITY_LABELS,
  PRIORITY_REASON_LABELS,
  formatNhsNumber,
  type NhsNumber,
  type TransferRequest,
} from '../domain';
import { escapeCardText } from './escape';
import { renderTemplate, type AdaptiveCard } from './render';
import { KIND_LABELS, formatCardDate } from './words';

/** The full request, for an authorised approver only. */
export interface PatientDetailsCardData {
  callRef: string;
  /** The validated request as the store holds it (decrypted for this one send). */
  request: TransferRequest;
  /** A quarantined import: what the DICOM checks found, in the engine's words (values included), to check it. */
  heldFindings?: readonly string[];
}

type Fact = { title: string; value: string };
const fact = (title: string, value: string | undefined): Fact[] => (value === undefined || value.trim() === '' ? [] : [{ title, value: escapeCardText(value) }]);

/**
 * Patient details, sent 1:1 to an analyst who asked with "Show patient details" and passed the approver check. Never
 * post it in the channel: the bot sends it to the person only (and audits the read as request.viewed).
 */
export function renderPatientDetailsCard(data: PatientDetailsCardData): AdaptiveCard {
  const r = data.request;
  const p = r.patient;
  const nhs = p.nhsNumber ? formatNhsNumber(p.nhsNumber as NhsNumber) : undefined;
  const patientFacts = [
    ...fact('Name', `${p.familyName.toUpperCase()}, ${p.givenName}`),
    { title: 'Born', value: formatCardDate(p.birthDate) },
    ...fact('Hospital number', p.sNumber),
    ...(nhs ? fact('NHS number', nhs) : [{ title: 'NHS number', value: 'Not given' }]),
    ...(r.kind === 'trauma' ? fact('Why no NHS number', r.noNhsNumberReason) : []),
    ...('address' in p ? fact('Address', p.address) : []),
  ];
  const examFacts: Fact[] =
    r.kind === 'trauma'
      ? []
      : r.exams.map((e) => ({
          title: formatCardDate(e.date),
          value: escapeCardText([e.description, e.examCode ? `(code ${e.examCode})` : undefined].filter(Boolean).join(' ')),
        }));
  const requestFacts: Fact[] = [{ title: 'Request', value: KIND_LABELS[r.kind] }];
  const noteFacts: Fact[] = [];
  switch (r.kind) {
    case 'import':
    case 'export': {
      if (r.kind === 'import') requestFacts.push(...fact('From', r.sourceOrganisation));
      else {
        requestFacts.push(...fact('To', r.destination.organisation));
        requestFacts.push(...fact('Site contact', `${r.destination.contactName}, ${r.destination.contactPosition}`));
        requestFacts.push(...fact('Contact phone', r.destination.contactPhone), ...fact('Contact e-mail', r.destination.contactEmail));
      }
      requestFacts.push({ title: 'Priority', value: PRIORITY_LABELS[r.priority] });
      requestFacts.push({ title: 'Reason', value: PRIORITY_REASON_LABELS[r.priorityReason] });
      requestFacts.push(...fact('Reason detail', r.priorityReasonDetail));
      requestFacts.push({ title: 'Needed by', value: formatCardDate(r.requiredBy) });
      requestFacts.push(...fact('Clinician', r.clinician.requestingClinician), ...fact('Consultant', r.clinician.consultant));
      requestFacts.push(...fact('Department', r.clinician.department));
      noteFacts.push(...fact('Comments', r.comments));
      if (r.kind === 'export') noteFacts.push(...fact('Instructions', r.additionalInstructions));
      break;
    }
    case 'cdImport':
      requestFacts.push({ title: 'CDs', value: String(r.cdCount) }, ...fact('Return to', r.internalPostAddress));
      requestFacts.push({ title: 'Urgent', value: r.urgent ? 'Yes: County Hall by arrangement' : 'No' });
      noteFacts.push(...fact('Comments', r.comments));
      break;
    case 'trauma':
      requestFacts.push(...fact('To', `${r.destination.organisation} (${r.destination.deliveryNode})`));
      requestFacts.push({ title: 'Studies', value: String(r.studyInstanceUids.length) });
      requestFacts.push({ title: 'Report attached', value: r.attachReport ? 'Yes' : 'No' });
      noteFacts.push(...fact('Note', r.clinicalNote));
      break;
  }
  if (r.kind !== 'trauma') {
    requestFacts.push(...fact('Requester', r.requester.name), ...fact('Phone', r.requester.phone), ...fact('E-mail', r.requester.email));
  }
  return renderTemplate('patientDetails', {
    title: `Patient details: ${escapeCardText(data.callRef)}`,
    privacyText: 'Sent to you only. Do not copy these details into the channel or forward them.',
    patientFacts,
    examsHeading: r.kind === 'cdImport' ? 'Studies on the CDs' : 'Examinations',
    examFacts,
    requestFacts,
    noteFacts,
    heldFindings: (data.heldFindings ?? []).map((text) => ({ text: `• ${escapeCardText(text)}` })),
  });
}
