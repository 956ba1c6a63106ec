/**
 * The PACS (UHL's Impax; Orthanc locally) as the workflow sees it: search studies, retrieve one study to a folder,
 * store files, and check the link. Two implementations sit behind it: DICOMweb (PS3.18 QIDO-RS / WADO-RS / STOW-RS)
 * and DIMSE (PS3.7 C-ECHO / C-FIND / C-MOVE / C-STORE); which one is used is a configuration choice.
 *
 * Every method is safe to repeat (delivery is at-least-once): a search changes nothing, a retrieve overwrites the same
 * files (named by SOP Instance UID), and storing an instance the PACS already holds leaves one copy.
 */
export interface PacsClient {
  readonly kind: 'dicomweb' | 'dimse';
  /** Checks the PACS answers (DIMSE C-ECHO; DICOMweb a QIDO-RS search that matches nothing). */
  echo(call?: PacsCallContext): Promise<EchoResult>;
  /** Study-level search. At least one of patientId, accessionNumber or studyInstanceUid is required. */
  searchStudies(query: StudyQuery, call?: PacsCallContext): Promise<StudySummary[]>;
  /** Writes every instance of the study into `folder` (created if needed), one Part 10 file per instance, streamed. */
  retrieveStudy(studyInstanceUid: string, folder: string, call?: RetrieveCallContext): Promise<RetrievedStudy>;
  /** Sends Part 10 files to the PACS in batches with bounded parallelism. Per-instance refusals come back in `failed`. */
  storeFiles(files: readonly string[], call?: PacsCallContext): Promise<StoreOutcome>;
  /** Releases sockets and listeners. Idempotent. */
  close(): Promise<void>;
}

/** Ids that travel with an operation so a failure can be traced; never patient data. */
export interface PacsCallContext {
  callRef?: string;
}

export interface RetrieveCallContext extends PacsCallContext {
  /** Called as each instance lands on disk (progress, and proof that parts are written as they arrive). */
  onInstance?: (instance: RetrievedInstance) => void;
  /**
   * Hand each instance small enough to hold in memory (a CT or MR slice: up to 2 MiB) to this callback instead of
   * writing it to `folder`; the retrieve reads no further until the returned promise settles (backpressure), and a
   * rejection fails the retrieve. Larger instances are still written to `folder` and reported through onInstance.
   * Instances taken this way are counted in `takenInMemory`, not listed in `instances`. A client that cannot hand
   * instances over in memory (DIMSE: C-MOVE lands files) ignores it and writes files as usual.
   */
  takeInMemory?: (part: Buffer) => Promise<void>;
}

/**
 * A study-level search (PS3.4 C.6.2 Study Root, study level; PS3.18 10.6 QIDO-RS "Search for Studies").
 * Dates are local calendar dates "YYYY-MM-DD"; the range is inclusive at both ends (PS3.4 C.2.2.2.5).
 */
export interface StudyQuery {
  /** Patient ID (0010,0020) as the PACS holds it (at UHL, the S number). */
  patientId?: string;
  /** Accession Number (0008,0050). */
  accessionNumber?: string;
  studyInstanceUid?: string;
  studyDateFrom?: string;
  studyDateTo?: string;
  /** Matches Modalities in Study (0008,0061), e.g. "CT". */
  modality?: string;
}

/** One study as the PACS describes it at study level. Holds patient data: never log it. */
export interface StudySummary {
  studyInstanceUid: string;
  /** "YYYY-MM-DD" when the PACS sent a valid Study Date (0008,0020). */
  studyDate?: string;
  /** "HH:MM[:SS]" from Study Time (0008,0030). */
  studyTime?: string;
  accessionNumber?: string;
  studyDescription?: string;
  modalities: string[];
  patientId?: string;
  /** DICOM PN, e.g. "SURNAME^GIVEN". */
  patientName?: string;
  /** "YYYY-MM-DD". */
  patientBirthDate?: string;
  numberOfSeries?: number;
  numberOfInstances?: number;
}

export interface EchoResult {
  roundTripMs: number;
}

export interface RetrievedInstance {
  file: string;
  sopInstanceUid: string;
  bytes: number;
}

export interface RetrievedStudy {
  studyInstanceUid: string;
  folder: string;
  instances: RetrievedInstance[];
  /** Instances handed to takeInMemory (not on disk). */
  takenInMemory?: number;
  bytes: number;
}

export interface StoredInstance {
  file: string;
  sopInstanceUid: string;
  /** The PACS stored it but warned (STOW-RS Warning Reason (0008,1196) or a DIMSE 0xBxxx status). */
  warning?: string;
}

/** Why one instance was not stored. Codes, not free text from the PACS. */
export type StoreFailureReason =
  | 'invalid-file'
  | 'refused-by-pacs'
  | 'out-of-resources'
  | 'sop-class-not-accepted'
  | 'not-acknowledged';

export interface FailedInstance {
  file: string;
  /** Unknown when the file could not be read as Part 10. */
  sopInstanceUid?: string;
  reason: StoreFailureReason;
  /** STOW-RS Failure Reason (0008,1197) or DIMSE status, when the PACS gave one. */
  status?: number;
}

/** What storeFiles did with each file. `stored.length + failed.length` equals the number of files given. */
export interface StoreOutcome {
  stored: StoredInstance[];
  failed: FailedInstance[];
  /** Bytes of the files sent. */
  bytes: number;
}
