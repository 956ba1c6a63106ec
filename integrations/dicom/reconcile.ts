import { DicomFileError, fromFsError } from './errors';
import { readDicomHeaderSync, type DicomHeader } from './headerReader';
import { instanceProblems } from './instanceProblems';
import { dicomDateToLocal, identityDigest, identityOf, type IdentityField, type InstanceIdentity } from './identity';
import { normaliseNhsNumber } from './nhsNumber';
import { compareNames, displayName, normaliseName } from './personName';
import { findingsMatchAccepted, type AcceptedFinding } from './acceptedFindings';
import type { ExpectedPatient, RequestedExam } from './types';

/** Why a delivery is held for an analyst (the study is marked "action required"). */
export type QuarantineCode =
  | 'PATIENT_NAME_MISMATCH'
  | 'BIRTH_DATE_MISMATCH'
  | 'NHS_NUMBER_MISMATCH'
  /** An id under our own issuer that is not the expected S number (an earlier UHL import of someone else). */
  | 'LOCAL_ID_MISMATCH'
  | 'MULTIPLE_PATIENTS'
  | 'MISSING_IDENTITY'
  | 'GARBLED_IDENTITY'
  | 'STUDY_NOT_REQUESTED'
  /** The request and PAS disagree about the patient. */
  | 'REQUEST_PAS_MISMATCH'
  /** Guideline 2.7d: the patient must already be registered on PAS. */
  | 'PATIENT_NOT_ON_PAS'
  /** An instance could not be read or is unfit for PACS; see fileErrors. */
  | 'UNREADABLE_INSTANCE'
  /** The CD's DICOMDIR names files that are missing or unreadable. */
  | 'MEDIA_INCOMPLETE'
  | 'DUPLICATE_INSTANCE'
  /** A study whose instances disagree on its Study Date. */
  | 'INCONSISTENT_STUDY'
  | 'NO_INSTANCES'
  /** The rewrite itself failed for an instance (after every check passed); nothing was written. */
  | 'FIX_UP_FAILED';

/**
 * One reason. `text` is for the analyst's card and the (encrypted) store: it may quote patient values and must never
 * be logged. Everything else is log-safe (codes, field names, counts, UIDs); use logSafeReasons() for logs.
 */
export interface QuarantineReason {
  code: QuarantineCode;
  field?: IdentityField;
  /** Which reference the images disagree with. */
  against?: 'request' | 'pas';
  /** Instances concerned. */
  instances: number;
  /** Up to 20 of the files concerned (paths as given; CD paths can hold names, so not log-safe). */
  files: string[];
  studyInstanceUids: string[];
  text: string;
}

/** A per-file error, for the request's audit. */
export interface FileErrorEntry {
  path: string;
  code: string;
  message: string;
  retryable: boolean;
}

/** A study found in the delivery. */
export interface StudySummary {
  studyInstanceUid: string;
  /** YYYY-MM-DD, when the study has a valid Study Date (0008,0020). */
  studyDate?: string;
  modalities: string[];
  instances: number;
  bytes: number;
  /** The requested exam it satisfies, when it does. */
  matchedExam?: RequestedExam;
}

/** An instance cleared for the rewrite, with the guard fixUpInstance checks. */
export interface PlannedInstance {
  path: string;
  sopInstanceUid: string;
  studyInstanceUid: string;
  size: number;
  identityDigest: string;
}

/** Everything checked out: these instances (of requested studies only) may be rewritten and sent to PACS. */
export interface ImportDecision {
  decision: 'import';
  instances: PlannedInstance[];
  studies: StudySummary[];
  /** Studies in the delivery that no requested exam asked for: left out (never sent to PACS). */
  excludedStudies: StudySummary[];
  /** Requested exams with no matching study in the delivery. */
  missingExams: RequestedExam[];
  /** A release: the findings the analyst accepted, which this delivery has exactly (acceptedFindings). */
  releasedFindings?: QuarantineReason[];
}

/** Held for an analyst: nothing may be written or sent. */
export interface QuarantineDecision {
  decision: 'quarantine';
  reasons: QuarantineReason[];
  fileErrors: FileErrorEntry[];
}

export type ReconcileResult = ImportDecision | QuarantineDecision;

export interface ReconcileOptions {
  /** PAS demographics for the request's S number; null when PAS has no such patient (guideline 2.7d). */
  pas: ExpectedPatient | null;
  /** Our Issuer of Patient ID: ids under it in a header must be the expected S number. */
  ourIssuer: string;
  /** Issuer values meaning "NHS number" (default DEFAULT_NHS_ISSUERS). */
  nhsIssuers?: readonly string[];
  /**
   * What to do with studies nobody asked for when others in the delivery were requested: 'exclude' (default) leaves
   * them out and lists them; 'quarantine' holds the whole delivery. A delivery with no requested study is always held.
   */
  unrequestedStudies?: 'exclude' | 'quarantine';
  /** Problems reading the media (readCdContents errors): any makes the delivery incomplete, so it is held. */
  mediaErrors?: readonly DicomFileError[];
  /**
   * A release after an analyst's check (app/releaseQuarantine.ts): the delivery is imported only when its findings
   * are EXACTLY these (acceptedFindings.ts findingsMatchAccepted), all of a kind a person can settle; anything new,
   * different or missing holds it again.
   */
  acceptedFindings?: readonly AcceptedFinding[];
}

interface InstanceFacts {
  path: string;
  size: number;
  sopInstanceUid: string;
  studyInstanceUid: string;
  modality?: string;
  studyDate?: string;
  rawStudyDate?: string;
  identity: InstanceIdentity;
  /** Identity problems and mismatches with the request and PAS (shared by instances stating the same identity). */
  findings: Finding[];
  digest: string;
}

const MAX_FILES_PER_REASON = 20;
/**
 * Header reads are synchronous (tiny page-cache reads; a thread-pool round trip each costs more than the read), so the
 * pass gives the event loop a turn at least this often: a worker's lock renewals and timers keep running.
 */
const YIELD_EVERY_MS = 10;

/** Collects reasons, merging repeats of the same finding across instances. */
class ReasonBook {
  private readonly byKey = new Map<string, QuarantineReason>();

  add(r: Omit<QuarantineReason, 'instances' | 'files' | 'studyInstanceUids'>, file?: string, studyInstanceUid?: string): void {
    const key = `${r.code}|${r.field ?? ''}|${r.against ?? ''}|${r.text}`;
    let reason = this.byKey.get(key);
    if (!reason) {
      reason = { ...r, instances: 0, files: [], studyInstanceUids: [] };
      this.byKey.set(key, reason);
    }
    if (file !== undefined) {
      reason.instances += 1;
      if (reason.files.length < MAX_FILES_PER_REASON) reason.files.push(file);
    }
    if (studyInstanceUid && !reason.studyInstanceUids.includes(studyInstanceUid)) reason.studyInstanceUids.push(studyInstanceUid);
  }

  get all(): QuarantineReason[] {
    return [...this.byKey.values()];
  }
}


/** Compares the request with PAS: they must describe the same person before any image is compared with either. */
function comparePatients(request: ExpectedPatient, pas: ExpectedPatient, book: ReasonBook): void {
  const diffs: string[] = [];
  if (request.sNumber.trim().toUpperCase() !== pas.sNumber.trim().toUpperCase()) diffs.push(`S number (request ${request.sNumber}, PAS ${pas.sNumber})`);
  if (normaliseName(request.familyName) !== normaliseName(pas.familyName)) diffs.push(`family name (request ${request.familyName}, PAS ${pas.familyName})`);
  const given = compareNames({ family: pas.familyName, given: pas.givenName }, request);
  if (!given.given) diffs.push(`given name (request ${request.givenName}, PAS ${pas.givenName})`);
  if (request.birthDate !== pas.birthDate) diffs.push(`date of birth (request ${request.birthDate}, PAS ${pas.birthDate})`);
  const rn = request.nhsNumber ? normaliseNhsNumber(request.nhsNumber) : undefined;
  const pn = pas.nhsNumber ? normaliseNhsNumber(pas.nhsNumber) : undefined;
  if (rn && pn && rn !== pn) diffs.push(`NHS number (request ${rn}, PAS ${pn})`);
  if (diffs.length > 0) {
    book.add({ code: 'REQUEST_PAS_MISMATCH', text: `The request and PAS disagree about the patient: ${diffs.join('; ')}. Check the request before importing.` });
  }
}

/** A finding before it is counted against instances. */
type Finding = Omit<QuarantineReason, 'instances' | 'files' | 'studyInstanceUids'>;

/** What one identity (as a header states it) gets wrong against one reference (the request or PAS). */
function compareIdentity(id: InstanceIdentity, ref: ExpectedPatient, against: 'request' | 'pas', ourIssuer: string): Finding[] {
  const who = against === 'request' ? 'the request' : 'PAS';
  const out: Finding[] = [];
  const add = (code: QuarantineCode, field: IdentityField, text: string) => out.push({ code, field, against, text });
  if (id.name) {
    const m = compareNames(id.name, ref);
    if (!m.family || !m.given) {
      add('PATIENT_NAME_MISMATCH', 'patientName', `Patient's name in the images is "${displayName(id.name)}" but ${who} says "${ref.familyName.toUpperCase()}, ${ref.givenName}" (${!m.family ? 'family name' : 'given name'} differs).`);
    }
  }
  if (id.birthDate && id.birthDate !== ref.birthDate) {
    add('BIRTH_DATE_MISMATCH', 'birthDate', `Date of birth in the images is ${id.birthDate} but ${who} says ${ref.birthDate}.`);
  }
  const expectedNhs = ref.nhsNumber ? normaliseNhsNumber(ref.nhsNumber) : undefined;
  if (expectedNhs) {
    for (const n of id.nhsNumbers) {
      if (n !== expectedNhs) add('NHS_NUMBER_MISMATCH', 'nhsNumber', `NHS number in the images is ${n} but ${who} says ${expectedNhs}.`);
    }
  }
  for (const local of id.localIds) {
    if (local !== ref.sNumber.trim().toUpperCase()) {
      add('LOCAL_ID_MISMATCH', 'localPatientId', `The images already carry UHL patient ID ${local} (issuer ${ourIssuer}) but ${who} says ${ref.sNumber}.`);
    }
  }
  return out;
}

/** A study satisfies an exam when its Study Date is the exam's date and, if a modality was asked for, it has it. */
function examMatches(study: StudySummary, exam: RequestedExam): boolean {
  if (!study.studyDate || study.studyDate !== exam.date) return false;
  return !exam.modality || study.modalities.includes(exam.modality.trim().toUpperCase());
}

/**
 * The safety gate before anything is sent to PACS, fed one instance at a time as the delivery arrives (each header is
 * read once, by whoever holds the bytes: the download in memory, or the rewrite reading a file), then asked once for
 * the decision over the whole delivery: import (with the instances of requested studies) or quarantine (with every
 * reason found, not just the first).
 *
 * Quarantine when (issue 5 "Safety"): the request and PAS disagree, or PAS lacks the patient (guideline 2.7d); any
 * instance's name, birth date, NHS number or UHL id differs from the request or PAS; the delivery holds more than
 * one patient; identity headers are missing or garbled; an instance is unreadable or unfit (truncated, odd pixel
 * data...); the media is incomplete; no study matches a requested exam (guideline 2.7d: dates and modalities).
 *
 * `label` names the instance in reasons and file errors: its path, or for an instance held in memory a name the
 * caller gives it. Everything that arrived together is one delivery: one IEP download, or one CD (all its studies).
 */
export class DeliveryCheck {
  private readonly book = new ReasonBook();
  private readonly fileErrors: FileErrorEntry[] = [];
  private readonly facts: InstanceFacts[] = [];
  private readonly judgedIdentities = new Map<string, { identity: InstanceIdentity; findings: Finding[] }>();
  private added = 0;

  constructor(
    private readonly expected: ExpectedPatient,
    private readonly requestedExams: readonly RequestedExam[],
    private readonly options: ReconcileOptions,
  ) {
    if (options.pas === null) {
      this.book.add({ code: 'PATIENT_NOT_ON_PAS', text: `PAS has no patient with S number ${expected.sNumber}; the patient must be registered on PAS before images are imported (guideline 2.7d).` });
    } else {
      comparePatients(expected, options.pas, this.book);
    }
    for (const e of options.mediaErrors ?? []) {
      this.fileError(e.path ?? '', e);
      this.book.add({ code: 'MEDIA_INCOMPLETE', text: `The media is incomplete or unreadable: ${e.message}.` }, e.path);
    }
  }

  /** How many instances (readable or not) have been added. */
  get instances(): number {
    return this.added;
  }

  /** One instance whose header was read. Returns the facts the decision will use (undefined when it is unfit). */
  addHeader(label: string, header: DicomHeader): { sopInstanceUid: string; identityDigest: string } | undefined {
    this.added += 1;
    const problems = instanceProblems(header);
    if (problems.length > 0) {
      for (const p of problems) {
        this.fileError(label, p.withPath(label));
        this.book.add({ code: 'UNREADABLE_INSTANCE', text: `An instance is unfit for PACS (${p.code}): ${p.message}.` }, label, header.studyInstanceUid);
      }
      return undefined;
    }
    // Instances of one delivery nearly always state the same identity: judge each distinct statement once.
    const raw = JSON.stringify([header.patient, header.textProblems]);
    let judged = this.judgedIdentities.get(raw);
    if (!judged) {
      const { expected, options } = this;
      const identity = identityOf(header, { nhsIssuers: options.nhsIssuers, ourIssuer: options.ourIssuer });
      const findings: Finding[] = identity.problems.map((p) => ({
        code: p.kind === 'missing' ? 'MISSING_IDENTITY' : 'GARBLED_IDENTITY',
        field: p.field,
        text: `${p.detail}, so the patient cannot be identified from the images.`,
      }));
      findings.push(...compareIdentity(identity, expected, 'request', options.ourIssuer));
      if (options.pas) findings.push(...compareIdentity(identity, options.pas, 'pas', options.ourIssuer));
      judged = { identity, findings };
      this.judgedIdentities.set(raw, judged);
    }
    const fact: InstanceFacts = {
      path: label,
      size: header.fileSize,
      sopInstanceUid: header.sopInstanceUid as string,
      studyInstanceUid: header.studyInstanceUid as string,
      modality: header.modality?.toUpperCase(),
      rawStudyDate: header.studyDate,
      studyDate: header.studyDate ? dicomDateToLocal(header.studyDate) : undefined,
      identity: judged.identity,
      findings: judged.findings,
      digest: identityDigest(header),
    };
    this.facts.push(fact);
    return { sopInstanceUid: fact.sopInstanceUid, identityDigest: fact.digest };
  }

  /** One instance that could not be read at all (not DICOM, truncated header, I/O error). */
  addError(label: string, err: unknown): void {
    this.added += 1;
    const e = err instanceof DicomFileError ? err.withPath(label) : fromFsError(err, label);
    this.fileError(label, e);
    this.book.add({ code: 'UNREADABLE_INSTANCE', text: `An instance could not be read (${e.code}): ${e.message}.` }, label);
  }

  /** The decision over everything added. Call once the whole delivery is in. */
  decide(): ReconcileResult {
    const { book, facts, requestedExams, fileErrors } = this;
    if (this.added === 0) book.add({ code: 'NO_INSTANCES', text: 'The delivery holds no DICOM instances.' });

    // Identity: present, readable, one patient, the expected patient.
    const keys = new Map<string, InstanceFacts>();
    const seen = new Set<string>();
    for (const f of facts) {
      for (const finding of f.findings) book.add(finding, f.path, f.studyInstanceUid);
      if (!keys.has(f.identity.key)) keys.set(f.identity.key, f);
      if (seen.has(f.sopInstanceUid)) {
        book.add({ code: 'DUPLICATE_INSTANCE', text: 'The same SOP Instance UID appears in more than one file.' }, f.path, f.studyInstanceUid);
      }
      seen.add(f.sopInstanceUid);
    }
    if (keys.size > 1) {
      const described = [...keys.values()].slice(0, 5).map((f) => describeIdentity(f.identity));
      book.add({
        code: 'MULTIPLE_PATIENTS',
        text: `The delivery holds ${keys.size} different patients: ${described.join(' | ')}${keys.size > 5 ? ' | ...' : ''}.`,
      });
    }

    // Studies and exams.
    const studies = new Map<string, StudySummary & { dates: Set<string>; facts: InstanceFacts[] }>();
    for (const f of facts) {
      let s = studies.get(f.studyInstanceUid);
      if (!s) {
        s = { studyInstanceUid: f.studyInstanceUid, modalities: [], instances: 0, bytes: 0, dates: new Set(), facts: [] };
        studies.set(f.studyInstanceUid, s);
      }
      s.instances += 1;
      s.bytes += f.size;
      s.facts.push(f);
      s.dates.add(f.rawStudyDate ?? '');
      if (f.modality && !s.modalities.includes(f.modality)) s.modalities.push(f.modality);
    }
    const matched: StudySummary[] = [];
    const excluded: StudySummary[] = [];
    for (const s of studies.values()) {
      if (s.dates.size > 1) {
        book.add({ code: 'INCONSISTENT_STUDY', text: `The instances of one study disagree on its Study Date (${s.dates.size} different values).` }, undefined, s.studyInstanceUid);
      }
      const first = s.facts[0];
      s.studyDate = first?.studyDate;
      const summary: StudySummary = { studyInstanceUid: s.studyInstanceUid, studyDate: s.studyDate, modalities: s.modalities, instances: s.instances, bytes: s.bytes };
      const exam = requestedExams.find((e) => examMatches(summary, e));
      if (exam) matched.push({ ...summary, matchedExam: exam });
      else excluded.push(summary);
    }
    const describeStudy = (s: StudySummary) => `${s.modalities.join('/') || 'no modality'} study dated ${s.studyDate ?? '(no valid Study Date)'}`;
    const asked = requestedExams.map((e) => `${e.modality ?? 'any modality'} on ${e.date}`).join(', ') || 'nothing';
    if ((studies.size > 0 && matched.length === 0) || this.options.unrequestedStudies === 'quarantine') {
      for (const s of excluded) {
        book.add({ code: 'STUDY_NOT_REQUESTED', text: `The ${describeStudy(s)} was not requested (requested: ${asked}).` }, undefined, s.studyInstanceUid);
      }
    }

    const reasons = book.all;
    const released = reasons.length > 0 && findingsMatchAccepted(reasons, this.options.acceptedFindings);
    if (reasons.length > 0 && !released) return { decision: 'quarantine', reasons, fileErrors: [...fileErrors] };

    const keep = new Set(matched.map((s) => s.studyInstanceUid));
    return {
      decision: 'import',
      instances: facts
        .filter((f) => keep.has(f.studyInstanceUid))
        .map((f) => ({ path: f.path, sopInstanceUid: f.sopInstanceUid, studyInstanceUid: f.studyInstanceUid, size: f.size, identityDigest: f.digest })),
      studies: matched,
      excludedStudies: excluded,
      missingExams: requestedExams.filter((e) => !matched.some((s) => examMatches(s, e))),
      ...(released ? { releasedFindings: reasons } : {}),
    };
  }

  private fileError(path: string, e: DicomFileError): void {
    this.fileErrors.push({ path, code: e.code, message: e.message, retryable: e.retryable });
  }
}

/**
 * The DeliveryCheck over files on disk: reads every header (not the pixel data) synchronously, one file at a time,
 * yielding to the event loop every few milliseconds, then decides.
 */
export async function reconcileStudy(
  files: readonly string[],
  expected: ExpectedPatient,
  requestedExams: readonly RequestedExam[],
  options: ReconcileOptions,
): Promise<ReconcileResult> {
  const check = new DeliveryCheck(expected, requestedExams, options);
  let lastYield = Date.now();
  for (const path of files) {
    if (Date.now() - lastYield >= YIELD_EVERY_MS) {
      await new Promise((resolve) => setImmediate(resolve));
      lastYield = Date.now();
    }
    let header: DicomHeader;
    try {
      header = readDicomHeaderSync(path);
    } catch (err) {
      check.addError(path, err);
      continue;
    }
    check.addHeader(path, header);
  }
  return check.decide();
}

function describeIdentity(id: InstanceIdentity): string {
  const name = id.name ? displayName(id.name) : '(no name)';
  return `${name}, born ${id.birthDate ?? '(no date)'}, ID ${id.patientId ?? '(none)'}${id.issuer ? ` (${id.issuer})` : ''}`;
}

/** The log-safe view of reasons: codes, fields, counts. Never log `text` or `files`. */
export function logSafeReasons(reasons: readonly QuarantineReason[]): Array<Pick<QuarantineReason, 'code' | 'field' | 'against' | 'instances'>> {
  return reasons.map((r) => ({ code: r.code, field: r.field, against: r.against, instances: r.instances }));
}
