import type { PatientIdentity, RequestedExam } from '../domain';
import type { IepClient, IepInstitution, IepPatient, IepRequestedExam } from '../integrations/iep';
import type { RequestedExam as DicomRequestedExam } from '../integrations/dicom';
import { PermanentStepError } from './stepOutcome';

/**
 * Mapping our request to what IEP and the DICOM engine need. Patient data passes through these functions to IEP and to
 * the engine only; nothing here logs or throws it.
 */

/** The patient as IEP holds them. `patientId` is ours (S number) on a transfer, where we hold the images. */
export function iepPatientOf(patient: Omit<PatientIdentity, 'address'> & { address?: string }, opts: { withLocalId: boolean; noNhsNumberReason?: string }): IepPatient {
  const lines = patient.address?.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '') ?? [];
  return {
    ...(opts.withLocalId ? { patientId: patient.sNumber } : {}),
    ...(patient.nhsNumber !== undefined ? { nhsNumber: patient.nhsNumber } : {}),
    ...(patient.nhsNumber === undefined && opts.noNhsNumberReason ? { noNhsNumberReason: opts.noNhsNumberReason } : {}),
    familyName: patient.familyName,
    givenNames: patient.givenName.split(/\s+/).filter((g) => g !== ''),
    birthDate: patient.birthDate,
    // Appendix 1 step 2: the address is needed when there is no NHS number.
    ...(lines.length > 0 ? { address: { lines } } : {}),
  };
}

// DICOM modality codes (PS3.3 C.7.3.1.1.1) as people write them at the start of an exam description.
const MODALITY_WORDS: Record<string, string> = {
  CT: 'CT',
  MR: 'MR',
  MRI: 'MR',
  US: 'US',
  ULTRASOUND: 'US',
  NM: 'NM',
  PET: 'PT',
  PT: 'PT',
  MG: 'MG',
  MAMMOGRAM: 'MG',
  MAMMOGRAPHY: 'MG',
  XA: 'XA',
  RF: 'RF',
  DX: 'DX',
  CR: 'CR',
};

/**
 * The DICOM modality an exam description names, e.g. "CT head" -> CT, "MRI lumbar spine" -> MR. Undefined when the
 * description does not start with one we can be sure of ("X-ray chest" may be CR or DX): then the date alone matches,
 * which is safer than a guess that would make a study look unrequested.
 */
export function modalityOf(description: string | undefined): string | undefined {
  const first = description?.trim().split(/[\s/,(-]+/)[0]?.toUpperCase();
  return first ? MODALITY_WORDS[first] : undefined;
}

/** The exams for IEP (Appendix 2: named and dated; "all imaging" is refused). */
export function iepExamsOf(exams: readonly RequestedExam[]): IepRequestedExam[] {
  return exams.map((e) => {
    const modality = modalityOf(e.description);
    return { studyDate: e.date, description: e.description, ...(modality ? { modality } : {}), ...(e.examCode ? { examCode: e.examCode } : {}) };
  });
}

/** The exams for the DICOM engine's "requested exams decide what is kept" rule (date, and modality when sure). */
export function engineExamsOf(exams: ReadonlyArray<{ date: string; description?: string }>): DicomRequestedExam[] {
  return exams.map((e) => {
    const modality = modalityOf(e.description);
    return { date: e.date, ...(modality ? { modality } : {}) };
  });
}

/**
 * The IEP institution for an organisation name as the form recorded it (picked from the same directory): an exact
 * match, case and spacing aside, or the only one the search finds. Anything else is for an analyst: sending images to
 * the wrong organisation is not a risk to take on a guess.
 */
export async function resolveInstitution(iep: IepClient, organisation: string | undefined, callRef: string | undefined): Promise<IepInstitution> {
  if (!organisation) throw new PermanentStepError('NO_ORGANISATION', 'the request names no organisation');
  const norm = (s: string) => s.trim().replace(/\s+/g, ' ').toLowerCase();
  const found = await iep.searchInstitutions(organisation.trim().replace(/\s+/g, ' '), callRef ? { callRef } : {});
  const exact = found.filter((i) => norm(i.name) === norm(organisation));
  if (exact.length === 1) return exact[0]!;
  if (exact.length === 0 && found.length === 1) return found[0]!;
  throw new PermanentStepError('ORGANISATION_NOT_ON_IEP', `the organisation matches ${found.length} IEP institutions, not exactly one`);
}

/** How long to wait before looking at an IEP transaction again: often at first, less as a step drags on. */
export function iepPollDelayMs(sinceStatusMs: number, urgent: boolean, min: number, max: number): number {
  const cap = urgent ? Math.min(max, min * 2) : max;
  return Math.min(cap, Math.max(min, Math.round(sinceStatusMs / 4)));
}
