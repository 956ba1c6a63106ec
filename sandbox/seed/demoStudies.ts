import { createHash } from 'node:crypto';
import { demoPatient, type DemoPatient } from '../demo';

/** Which sandbox Orthanc holds a seed study: the remote trusts' archive, or UHL's own PACS. */
export type SeedArchive = 'remote' | 'uhl';

/** One synthetic study to seed, under the holder's own patient identifiers. */
export interface SeedStudy {
  key: string;
  archive: SeedArchive;
  patientKey: string;
  /** Days before the seed date (so "recent studies" stay recent in a demo). */
  daysAgo: number;
  modality: string;
  description: string;
  instances: number;
  /**
   * The RIS report the trust's FHIR facade serves for this study (sandbox/pas), keyed by its accession number. Synthetic
   * text. A preliminary one lets the trauma flow show that only issued reports are attached (Appendix 4 step 13).
   */
  report?: { status: 'final' | 'preliminary'; text: string };
}

/**
 * The demo studies. Remote ones carry the sending trust's own patient id (not the S number): the DICOM import engine
 * must reconcile them (guideline Appendix 1: "insert the UHL Patient ID"). UHL ones carry the S number already.
 * The trauma patient has four recent UHL studies, so the radiologist can pick "only relevant imaging" (Appendix 4).
 */
export const SEED_STUDIES: readonly SeedStudy[] = [
  { key: 'hartwell-ct-head', archive: 'remote', patientKey: 'ameliaHartwell', daysAgo: 70, modality: 'CT', description: 'CT HEAD', instances: 24 },
  { key: 'hartwell-mr-brain', archive: 'remote', patientKey: 'ameliaHartwell', daysAgo: 52, modality: 'MR', description: 'MR BRAIN', instances: 16 },
  { key: 'patelkar-ct-abdo', archive: 'remote', patientKey: 'dhruvPatelkar', daysAgo: 13, modality: 'CT', description: 'CT ABDOMEN PELVIS', instances: 24 },
  { key: 'patelkar-cr-chest', archive: 'remote', patientKey: 'dhruvPatelkar', daysAgo: 13, modality: 'CR', description: 'XR CHEST', instances: 1 },
  { key: 'vasquez-cr-wrist', archive: 'remote', patientKey: 'noNhsNumber', daysAgo: 114, modality: 'CR', description: 'XR LEFT WRIST', instances: 2 },
  { key: 'canary-ct-head', archive: 'remote', patientKey: 'canary', daysAgo: 30, modality: 'CT', description: 'CT HEAD', instances: 8 },
  { key: 'notreg-ct-head', archive: 'remote', patientKey: 'notRegistered', daysAgo: 20, modality: 'CT', description: 'CT HEAD', instances: 8 },
  { key: 'mcallister-ct-chest', archive: 'uhl', patientKey: 'export', daysAgo: 34, modality: 'CT', description: 'CT CHEST', instances: 24 },
  { key: 'mcallister-mr-knee', archive: 'uhl', patientKey: 'export', daysAgo: 164, modality: 'MR', description: 'MR RIGHT KNEE', instances: 16 },
  {
    key: 'trauma-ct-head',
    archive: 'uhl',
    patientKey: 'traumaPatient',
    daysAgo: 0,
    modality: 'CT',
    description: 'CT HEAD TRAUMA',
    instances: 24,
    report: { status: 'final', text: 'CT HEAD: Synthetic sandbox report. Small right frontal extradural haematoma. No midline shift. No skull fracture seen.' },
  },
  {
    key: 'trauma-ct-cspine',
    archive: 'uhl',
    patientKey: 'traumaPatient',
    daysAgo: 0,
    modality: 'CT',
    description: 'CT CERVICAL SPINE',
    instances: 16,
    report: { status: 'final', text: 'CT CERVICAL SPINE: Synthetic sandbox report. No fracture or malalignment.' },
  },
  {
    key: 'trauma-ct-tap',
    archive: 'uhl',
    patientKey: 'traumaPatient',
    daysAgo: 0,
    modality: 'CT',
    description: 'CT CHEST ABDOMEN PELVIS',
    instances: 32,
    report: { status: 'preliminary', text: 'CT CAP: Synthetic sandbox preliminary report, not yet verified.' },
  },
  { key: 'trauma-cr-pelvis', archive: 'uhl', patientKey: 'traumaPatient', daysAgo: 400, modality: 'CR', description: 'XR PELVIS', instances: 1, report: { status: 'final', text: 'XR PELVIS: Synthetic sandbox report. Normal.' } },
];

/** A stable DICOM UID (2.25 form, PS3.5 B.2) from a name, so re-seeding finds the same study and skips it. */
export function seedUid(name: string): string {
  const hex = createHash('sha256').update(`itb-seed:${name}`).digest('hex').slice(0, 30);
  return `2.25.${BigInt(`0x${hex}`).toString(10)}`;
}

/** The study's Accession Number (0008,0050): the RIS order it belongs to, and the key of its report. */
export function seedAccessionOf(study: SeedStudy): string {
  return `${study.archive === 'uhl' ? 'UHL' : 'KGH'}${seedUid(study.key).slice(-8)}`;
}

/** The remote trust's own id for a patient (what another hospital's PACS would file them under). */
export function remotePatientId(p: DemoPatient): string {
  return `KGH${p.pasId.replace(/\D/g, '').padStart(7, '0')}`;
}

/** DICOM PN: FAMILY^Given^Middle. */
export function dicomName(p: DemoPatient): string {
  return [p.familyName, ...p.givenNames].join('^');
}

export function seedPatientOf(study: SeedStudy): DemoPatient {
  return demoPatient(study.patientKey);
}
