/**
 * Where the remote trusts' studies live (in the sandbox, one shared "remote trust" Orthanc) and how the simulator moves
 * them. An interface so the lifecycle can be unit-tested with studies in memory; ./orthancArchive.ts is the real one.
 */

/** The patient on a study, as the sending trust's DICOM header has it. */
export interface ArchivePatient {
  /** Patient ID (0010,0020): the sending trust's own id. */
  patientId: string;
  familyName: string;
  givenNames: string[];
  /** YYYY-MM-DD, from Patient's Birth Date (0010,0030). */
  birthDate?: string;
  /** From Patient's Sex (0010,0040). */
  sex?: string;
  /** From Other Patient IDs Sequence (0010,1002) with issuer "NHS", when present. */
  nhsNumber?: string;
}

export interface ArchiveStudy {
  /** The archive's own id (Orthanc's study id). */
  archiveId: string;
  studyInstanceUid: string;
  /** YYYY-MM-DD. */
  studyDate?: string;
  modalities: string[];
  description?: string;
  accessionNumber?: string;
  instances: number;
  patient: ArchivePatient;
}

/** A DICOM node (AE title, host, port). */
export interface DicomNode {
  aet: string;
  host: string;
  port: number;
}

export interface StudyArchive {
  /** Studies of patients born on `birthDate`, plus any filed under `patientId` (the trust's search). */
  studiesOfPatient(query: { birthDate: string; patientId?: string }): Promise<ArchiveStudy[]>;
  /** The studies with these Study Instance UIDs that the archive holds (absent ones are left out). */
  studiesByUid(uids: readonly string[]): Promise<ArchiveStudy[]>;
  /** C-STOREs the studies to a node. Rejects with an Error saying why (no patient data). */
  send(studies: readonly ArchiveStudy[], node: DicomNode): Promise<void>;
  /** Fetches studies from a node by C-MOVE into the archive (an export pulled from UHL PACS). */
  pull(uids: readonly string[], source: DicomNode): Promise<void>;
}
