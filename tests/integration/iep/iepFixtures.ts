import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { nhsCheckDigit } from '../../../domain/nhsNumber';
import { generateStudy } from '../../../sandbox/dicom-generator/generateStudy';
import type { NewIepRequest, NewIepTransfer } from '../../../integrations/iep';

/** A synthetic patient unique to this run, so suites sharing the run's Orthancs never find each other's studies. */
export interface TestPatient {
  /** The sending trust's own Patient ID. */
  remoteId: string;
  familyName: string;
  givenName: string;
  birthDate: string;
  nhsNumber: string;
  sNumber: string;
}

const rand = (n: number) => Math.floor(Math.random() * n);

/** An NHS number from the 999 000 0000-999 999 9999 test range with a valid Modulus 11 check digit (computed). */
export function syntheticNhsNumber(): string {
  for (;;) {
    const first9 = `999${String(rand(1_000_000)).padStart(6, '0')}`;
    const check = nhsCheckDigit(first9);
    if (check !== undefined) return `${first9}${check}`;
  }
}

export function testPatient(): TestPatient {
  const tag = Math.random().toString(36).slice(2, 8).toUpperCase().replace(/[^A-Z]/g, 'Q');
  const year = 1930 + rand(75);
  return {
    remoteId: `RKGH${rand(1e6)}`,
    familyName: `IEPTEST${tag}`,
    givenName: 'SYNTHETIC',
    birthDate: `${year}-${String(1 + rand(12)).padStart(2, '0')}-${String(1 + rand(28)).padStart(2, '0')}`,
    nhsNumber: syntheticNhsNumber(),
    sNumber: `S${String(1_000_000 + rand(8_999_999)).slice(0, 7)}`,
  };
}

/** Generates a small synthetic study and stores it in an Orthanc over REST; returns its Study Instance UID. */
export async function seedStudy(orthancUrl: string, p: TestPatient, studyDate: string, modality = 'CT', instances = 2): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iep-seed-'));
  try {
    const study = generateStudy({
      outDir: dir,
      patient: { id: p.remoteId, name: `${p.familyName}^${p.givenName}`, birthDate: p.birthDate, nhsNumber: p.nhsNumber, sex: 'O' },
      studyDate,
      modality,
      instances,
      rows: 16,
      cols: 16,
    });
    for (const file of study.files) {
      const res = await fetch(`${orthancUrl}/instances`, { method: 'POST', body: fs.readFileSync(file) });
      if (!res.ok) throw new Error(`Orthanc refused a seed instance: ${res.status}`);
    }
    return study.studyInstanceUid;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** True when the Orthanc holds a study with this UID. */
export async function holdsStudy(orthancUrl: string, studyInstanceUid: string): Promise<boolean> {
  const res = await fetch(`${orthancUrl}/tools/find`, { method: 'POST', body: JSON.stringify({ Level: 'Study', Query: { StudyInstanceUID: studyInstanceUid } }) });
  return ((await res.json()) as string[]).length > 0;
}

/** POSTs to the simulator's control API and returns the JSON answer (throws on non-2xx). */
export async function control<T = Record<string, unknown>>(controlUrl: string, pathname: string, body: unknown = {}): Promise<T> {
  const res = await fetch(`${controlUrl}${pathname}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = (await res.json()) as T;
  if (!res.ok) throw new Error(`control ${pathname} answered ${res.status}: ${JSON.stringify(json)}`);
  return json;
}

let refSeq = 0;
/** An external reference unique to this run (our request id / call ref). */
export const externalReference = () => `ITB-T${process.pid}-${Date.now().toString(36)}-${++refSeq}`;

/** An import request for `p` from Kettering, CT on `studyDate`. */
export function importRequest(p: TestPatient, studyDate: string, over: Partial<NewIepRequest> = {}): NewIepRequest {
  return {
    externalReference: externalReference(),
    institutionId: 'kgh',
    priority: 'Normal',
    deliveryNode: 'UHLPACSWFM01',
    patient: { familyName: p.familyName, givenNames: [p.givenName], birthDate: p.birthDate, nhsNumber: p.nhsNumber },
    dicomHeaderPatientId: p.sNumber,
    exams: [{ studyDate, modality: 'CT', description: 'CT head' }],
    requestedBy: { clinician: 'Dr A Clinician', consultant: 'Dr B Consultant', department: 'Neurology' },
    ...over,
  };
}

/** A trauma transfer of `uids` to NUH at clinical-emergency priority (Appendix 4). */
export function traumaTransfer(p: TestPatient, uids: string[], over: Partial<NewIepTransfer> = {}): NewIepTransfer {
  return {
    externalReference: externalReference(),
    institutionId: 'nuh',
    priority: 'Clinical emergency',
    deliveryNode: 'NUH Radiology PACS',
    patient: { patientId: p.sNumber, nhsNumber: p.nhsNumber, familyName: p.familyName, givenNames: [p.givenName], birthDate: p.birthDate },
    studies: uids.map((studyInstanceUid) => ({ studyInstanceUid })),
    ...over,
  };
}
