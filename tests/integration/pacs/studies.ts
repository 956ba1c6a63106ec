import fs from 'node:fs';
import path from 'node:path';
import { PacsError } from '../../../integrations/pacs';
import { generateStudy, type GeneratedStudy, type GenerateStudyOptions } from '../../../sandbox/dicom-generator/generateStudy';
import { testVarDir } from '../../support/services';

/**
 * Synthetic studies and Orthanc look-ups for the PACS tests. The Orthancs are shared by every suite of a run, so every
 * study gets its own Patient ID and UIDs (the generator makes fresh 2.25 UIDs).
 */
export interface TestStudy extends GeneratedStudy {
  patientId: string;
  patientName: string;
  accessionNumber: string;
  dir: string;
}

const rand = () => Math.random().toString(36).slice(2, 8).toUpperCase();

/** A Patient ID no other test uses (LO, at most 64 characters). */
export function uniquePatientId(label: string): string {
  return `ITBT-${label}-${process.pid}-${rand()}`.slice(0, 64);
}

/** Writes a small synthetic study under the run's var dir. */
export function makeStudy(label: string, over: Partial<GenerateStudyOptions> = {}): TestStudy {
  const patientId = uniquePatientId(label);
  const patientName = `TESTPATIENT^${label.toUpperCase().replace(/[^A-Z]/g, '')}`;
  const accessionNumber = `A${rand()}${rand()}`.slice(0, 16);
  const dir = path.join(testVarDir(), 'pacs', `${label}-${rand()}`);
  const study = generateStudy({
    outDir: path.join(dir, 'in'),
    patient: { id: patientId, name: patientName, birthDate: '1961-04-12', sex: 'F' },
    studyDate: '2026-03-02',
    modality: 'CT',
    instances: 4,
    rows: 64,
    cols: 64,
    accessionNumber,
    ...over,
  });
  return { ...study, patientId, patientName, accessionNumber, dir };
}

/** A fresh empty folder for a retrieve. */
export function outFolder(study: TestStudy, name: string): string {
  return path.join(study.dir, name);
}

/** SOP Instance UIDs Orthanc holds for a study (REST /tools/find), sorted. */
export async function orthancSopUids(restUrl: string, studyUid: string, authorization?: string): Promise<string[]> {
  const res = await fetch(`${restUrl}/tools/find`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
    body: JSON.stringify({ Level: 'Instance', Query: { StudyInstanceUID: studyUid }, Expand: true }),
  });
  if (!res.ok) throw new Error(`Orthanc /tools/find answered ${res.status}`);
  const found = (await res.json()) as Array<{ MainDicomTags: { SOPInstanceUID: string } }>;
  return found.map((i) => i.MainDicomTags.SOPInstanceUID).sort();
}

/** Tells Orthanc about a DICOM node (C-MOVE destination) through its REST API (PUT /modalities/{name}). */
export async function registerModality(restUrl: string, name: string, aet: string, port: number): Promise<void> {
  const res = await fetch(`${restUrl}/modalities/${name}`, {
    method: 'PUT',
    body: JSON.stringify({ AET: aet, Host: '127.0.0.1', Port: port, AllowEcho: true, AllowStore: true }),
  });
  if (!res.ok) throw new Error(`Orthanc PUT /modalities answered ${res.status}`);
}

/** Awaits a failure, checks it is a PacsError of `type`, and that its message and JSON carry none of `secrets`. */
export async function pacsFailure<T extends PacsError>(
  run: Promise<unknown>,
  type: abstract new (...args: never[]) => T,
  secrets: readonly string[] = [],
): Promise<T> {
  let caught: unknown;
  try {
    await run;
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(type);
  const err = caught as T;
  for (const s of secrets) {
    expect(err.message).not.toContain(s);
    expect(JSON.stringify(err)).not.toContain(s);
  }
  return err;
}

/** Sorted file names in a folder. */
export function filesIn(folder: string): string[] {
  return fs.readdirSync(folder).sort();
}
