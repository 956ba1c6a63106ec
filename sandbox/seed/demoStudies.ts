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
  { key: 'trauma-ct-head', archive: 'uhl', patientKey: 'traumaPatient', daysAgo: 0, modality: 'CT', description: 'CT HEAD TRAUMA', instances: 24 },
  { key: 'trauma-ct-cspine', archive: 'uhl', patientKey: 'traumaPatient', daysAgo: 0, modality: 'CT', description: 'CT CERVICAL SPINE', instances: 16 },
  { key: 'trauma-ct-tap', archive: 'uhl', patientKey: 'traumaPatient', daysAgo: 0, modality: 'CT', description: 'CT CHEST ABDOMEN PELVIS', instances: 32 },
  { key: 'trauma-cr-pelvis', archive: 'uhl', patientKey: 'traumaPatient', daysAgo: 400, modality: 'CR', description: 'XR PELVIS', instances: 1 },
];

/** A stable DICOM UID (2.25 form, PS3.5 B.2) from a name, so re-seeding finds the same study and skips it. */
export function seedUid(name: string): string {
  const hex = createHash('sha256').update(`itb-seed:${name}`).digest('hex').slice(0, 30);
  return `2.25.${BigInt(`0x${hex}`).toString(10)}`;
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
