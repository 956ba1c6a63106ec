import type { ComplianceFigures, Notifier, PriorityLane, ReportCounts } from '../domain';

/**
 * Starts (or restarts) a request's transfer flow in the workers. Implemented in workers/ by the workflows colleague.
 *
 * Contract: idempotent. The app calls it again when a submission or approval is re-delivered (Teams retries, double
 * clicks), so an implementation must dedupe, e.g. a BullMQ flow whose job id is `<requestId>` (or
 * `<requestId>.r<reprocess>` for the nth re-process).
 */
export interface FlowStarter {
  start(requestId: string, opts: { lane: PriorityLane; reprocess?: number }): Promise<void>;
}

/**
 * The domain's Notifier plus one more thing the conversation needs: re-render, in place, every card already posted
 * about a request (the channel's approval card, the requester's status card) so that everyone sees who did what and
 * when. Ids only; implemented by workers/notifyQueue.ts (QueueNotifier) and processed in the bot process.
 */
export interface AppNotifier extends Notifier {
  refreshRequestCards(requestId: string, version: number): Promise<void>;
}

/** An organisation on IEP as the forms offer it. */
export interface Institution {
  id: string;
  name: string;
}

/**
 * Where trust names come from for the import/export pickers and for "request images from Kettering". A static list
 * for now (iepDirectory.ts); later IepClient.searchInstitutions(name) behind the same port.
 */
export interface InstitutionDirectory {
  /** Every institution whose name matches `text` (empty: all), A-Z. */
  search(text: string): Promise<Institution[]>;
}

/** Images on IEP with no request (guideline 2.4) as the analysts' card shows them: ids and non-identifying facts. */
export interface UnsolicitedImages {
  itemId: string;
  institutionName: string;
  studyCount: number;
  modalities: string[];
  /** ISO instant they were first seen. */
  receivedAt: string;
  /** YYYY-MM-DD (London): cancelled if nothing is established by then (2.4d). */
  deadline: string;
  state: 'open' | 'asked' | 'matched' | 'cancelled';
  requestId?: string;
  /** The last analyst action on them: who (Entra id), what, when; absent for the deadline's own cancel. */
  decision?: { what: 'matched' | 'askedSender' | 'cancelled'; by: string; at: string; callRef?: string };
}

/** What a worker-side operation did: done, or refused with a reason in plain words (no patient data). */
export type WorkOutcome<T> = { outcome: 'done'; value: T } | { outcome: 'refused'; reason: string };

/**
 * The worker-side operations analysts start from the channel: images with no request (2.4: match, ask the sender,
 * cancel). Implemented in workers/analystWork.ts over the workers' own functions (unsolicited.ts), so the bot only
 * calls them; the use-cases in app/ check the role first. `by` is the analyst's Entra id, recorded with the item.
 */
export interface AnalystWork {
  /** Guideline section 4: the compliance figures for requests submitted in [from, to) (workers/report.ts). */
  complianceReport(from: Date, to: Date): Promise<ComplianceFigures>;
  readUnsolicited(itemId: string): Promise<UnsolicitedImages | undefined>;
  /** Export step 2 (issue #7): the UHL studies found for an ambiguous export, or undefined when none are waiting. */
  exportCandidates(requestId: string): Promise<ExportCandidate[] | undefined>;
  /** The analyst's choice among the candidates; the transfer is queued. */
  confirmExportStudies(requestId: string, studyInstanceUids: readonly string[]): Promise<WorkOutcome<{ studyCount: number }>>;
  /** CD import (Appendix 6): point an approved CD import at the disc's contents (inside the workers' CD folder). */
  pointCdImportAt(requestId: string, source: string): Promise<WorkOutcome<{ source: string }>>;
  matchUnsolicited(itemId: string, requestId: string, by: { aadObjectId: string; at: Date; callRef?: string }): Promise<WorkOutcome<UnsolicitedImages>>;
  askSender(itemId: string, by: { aadObjectId: string; at: Date }): Promise<WorkOutcome<UnsolicitedImages>>;
  cancelUnsolicited(itemId: string, by: { aadObjectId: string; at: Date }): Promise<WorkOutcome<UnsolicitedImages>>;
  /** A quarantined import as the DICOM engine held it (findings' kinds and version, no values), or undefined. */
  readQuarantine(requestId: string): Promise<HeldImport | undefined>;
  /**
   * The held import's findings in the engine's words, values included (the images' name or birth date beside the
   * request's and PAS's): for the approver's 1:1 patient details only, never the channel or a log.
   */
  quarantineFindingTexts(requestId: string): Promise<string[] | undefined>;
  /**
   * Orders the release to PACS of exactly the findings with this version (compare and set against the stored one),
   * keeping the approver's confirmation sealed, and queues the re-run (workers/steps/releaseQuarantine.ts). Refused
   * when the findings changed, cannot be released, or the request is no longer held. A repeat of the same version is
   * done again with `alreadyOrdered` (a failed re-run is retried).
   */
  releaseQuarantine(requestId: string, version: string, by: { aadObjectId: string; at: Date }, confirmation: string): Promise<WorkOutcome<HeldImport & { alreadyOrdered: boolean }>>;
}

/**
 * A quarantined import (issue 5: held by the DICOM checks, nothing sent to PACS) as the channel card and the release
 * see it: codes, fields and the findings' version; the values stay sealed in the workers' record.
 */
export interface HeldImport {
  requestId: string;
  /** The version of the findings stored at quarantine time: a release must name it (the card carries it as a hint). */
  version: string;
  /** Every finding is of a kind a person can settle by checking (name, birth date, NHS number mismatches). */
  releasable: boolean;
  findings: Array<{ code: string; field?: string; against?: 'request' | 'pas' }>;
  /** ISO instant it was held. */
  heldAt: string;
  /** The release ordered for this version, when one was: who (Entra id) and when. */
  release?: { by: string; at: string };
}


/** A UHL PACS study an ambiguous export might send (workers/flowState.ts CandidateStudy). */
export interface ExportCandidate {
  studyInstanceUid: string;
  studyDate?: string;
  modalities: string[];
  description?: string;
  /** The request's exam it was found for (index into its exams). */
  examIndex: number;
}

export type { ComplianceFigures, ReportCounts };
