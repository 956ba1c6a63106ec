/**
 * Shared helpers for the DICOM engine's unit and integration tests: synthetic patients (NHS numbers from the 999
 * test range), small generated studies, temp folders, and the default options of the engine.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ExpectedPatient, ImportStudyOptions, PatientRewrite, ReconcileOptions } from '../../../integrations/dicom';
import { generateStudy, type GenerateStudyOptions, type GeneratedStudy, type SyntheticPatient } from '../../../sandbox/dicom-generator/generateStudy';

/** Valid Modulus 11 numbers from the 999 test range (computed, see nhsNumber.test.ts). */
export const NHS = ['9990000018', '9990000026', '9990000034', '9990000042', '9990000050', '9990000069'] as const;

/** The patient the request names (and PAS agrees). */
export const EXPECTED: ExpectedPatient = {
  sNumber: 'S1234567',
  nhsNumber: NHS[0],
  familyName: 'Testpatient',
  givenName: 'Alpha',
  birthDate: '1980-01-01',
};

/** The same patient as the sending trust wrote them into the headers. */
export const SENDER: SyntheticPatient = { id: 'RXX0012345', issuer: 'RXX', name: 'TESTPATIENT^ALPHA', birthDate: '19800101', nhsNumber: NHS[0] };

export const OUR_ISSUER = 'UHL';
export const STUDY_DATE = '2026-01-15';
export const REQUESTED = [{ date: STUDY_DATE, modality: 'CT' }];

export function reconcileOptions(overrides: Partial<ReconcileOptions> = {}): ReconcileOptions {
  return { pas: EXPECTED, ourIssuer: OUR_ISSUER, ...overrides };
}

export function importOptions(outDir: string, overrides: Partial<ImportStudyOptions> = {}): ImportStudyOptions {
  return {
    ...reconcileOptions(),
    outDir,
    rewrite: { accession: { kind: 'keep' }, modifyingSystem: 'ITB', sourceOfPreviousValues: 'Synthetic Sending Trust', modifiedAt: new Date('2026-02-01T09:30:00Z') },
    ...overrides,
  };
}

export function rewriteFor(overrides: Partial<PatientRewrite> = {}): PatientRewrite {
  return {
    sNumber: EXPECTED.sNumber,
    issuer: OUR_ISSUER,
    accession: { kind: 'keep' },
    modifyingSystem: 'ITB',
    sourceOfPreviousValues: 'Synthetic Sending Trust',
    modifiedAt: new Date('2026-02-01T09:30:00Z'),
    ...overrides,
  };
}

/** A fresh folder under the OS temp dir; remove with removeTemp. */
export function makeTemp(prefix = 'itb-dicom-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function removeTemp(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

/** A small study (16x16 pixels) of the expected patient, requested date and modality, unless overridden. */
export function smallStudy(outDir: string, opts: Partial<GenerateStudyOptions> = {}): GeneratedStudy {
  return generateStudy({ outDir, patient: SENDER, studyDate: STUDY_DATE, modality: 'CT', instances: 3, rows: 16, cols: 16, ...opts });
}

/** Every regular file under a folder (recursively). */
export function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? filesUnder(full) : [full];
  });
}
