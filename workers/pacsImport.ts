import { createHash } from 'node:crypto';
import type { QuarantineReason as AuditQuarantineReason } from '../domain';
import type { DicomFileError, ExpectedPatient, QuarantineCode } from '../integrations/dicom';
import { acceptedFindingsOf, type AcceptedFinding } from '../integrations/dicom/acceptedFindings';
import { PasError } from '../integrations/pas';
import type { StoredRequest } from '../store';
import type { FlowDeps } from './flowDeps';
import { flowIdOf, type FlowRef } from './flowRef';
import type { ImportedStudyRecord } from './flowState';
import { importDelivery, type DeliverFn } from './importPipeline';
import { engineExamsOf } from './iepMapping';
import { releaseDemographics } from './releaseDemographics';
import { PermanentStepError } from './stepOutcome';

/** What happened to a delivery (IEP download or CD): in PACS, or held for an analyst with nothing sent. */
export type PacsImportResult =
  | {
      outcome: 'stored';
      studies: ImportedStudyRecord[];
      instanceCount: number;
      /** A release: the finding codes the analyst accepted, which the delivery had exactly. */
      releasedCodes?: QuarantineCode[];
    }
  | {
      outcome: 'quarantined';
      /** Log-safe codes. */
      codes: QuarantineCode[];
      reason: AuditQuarantineReason;
      studyCount: number;
      /** The engine's texts for the analyst: may quote patient values, so only ever stored sealed. */
      analystText: string;
      /** The findings as a release would accept them (texts quote patient values: stored sealed only). */
      findings: AcceptedFinding[];
    };

/**
 * A release after an analyst's check (workers/steps/releaseQuarantine.ts): the findings they accepted. The delivery
 * goes to PACS only if its findings are exactly these; the fields they concern get UHL's values (IRWF.b).
 */
export interface ImportRelease {
  accepted: readonly AcceptedFinding[];
}

/**
 * The DICOM import engine, then UHL PACS (guideline 2.3d-e, 2.7): identity checks against the request and PAS
 * (quarantine on any doubt; guideline 2.7d: the patient must be registered on PAS), the IHE IRWF.b rewrite with our
 * S number, and STOW-RS of exactly the requested studies. All or nothing: a quarantine sends nothing, and a PACS
 * refusal is an error. PACS stores by SOP Instance UID, so doing this again after a crash leaves one copy of each.
 *
 * For files already on disk (a CD). An IEP download uses importDeliveryIntoPacs, so instances are rewritten while
 * the rest are still downloading.
 */
export async function importIntoPacs(
  deps: FlowDeps,
  ref: FlowRef,
  stored: StoredRequest,
  files: readonly string[],
  opts: { outDir: string; sourceOrganisation?: string; mediaErrors?: readonly DicomFileError[]; release?: ImportRelease },
): Promise<PacsImportResult> {
  return importDeliveryIntoPacs(deps, ref, stored, async () => files, opts);
}

/**
 * As importIntoPacs, for a delivery that is still arriving: `deliver` fetches it, announcing each instance as it
 * lands (workers/importPipeline.ts retrieveDelivery), and resolves with all of its files. PAS is asked first, so a
 * PAS outage is retried before anything is downloaded. Pipeline and safety argument: workers/importPipeline.ts.
 */
export async function importDeliveryIntoPacs(
  deps: FlowDeps,
  ref: FlowRef,
  stored: StoredRequest,
  deliver: DeliverFn,
  opts: { outDir: string; sourceOrganisation?: string; mediaErrors?: readonly DicomFileError[]; release?: ImportRelease },
): Promise<PacsImportResult> {
  const request = stored.request;
  if (!request || (request.kind !== 'import' && request.kind !== 'cdImport')) {
    throw new PermanentStepError('NO_REQUEST_DETAILS', `request ${stored.id} has no import details to check the images against`);
  }
  const p = request.patient;
  const expected: ExpectedPatient = {
    sNumber: p.sNumber,
    ...(p.nhsNumber !== undefined ? { nhsNumber: p.nhsNumber } : {}),
    familyName: p.familyName,
    givenName: p.givenName,
    birthDate: p.birthDate,
  };
  const pas = await pasPatient(deps, p.sNumber, stored.callRef);
  const accessionFor = accessionNumbers(deps.options.accessionPrefix, flowIdOf(ref));
  const exams = engineExamsOf(request.exams);
  const demographics = opts.release ? releaseDemographics(opts.release.accepted, pas ?? expected) : undefined;
  const call = stored.callRef ? { callRef: stored.callRef } : {};
  const result = await importDelivery(
    {
      expected,
      requestedExams: exams,
      reconcile: {
        pas,
        ourIssuer: deps.options.ourIssuer,
        ...(opts.mediaErrors ? { mediaErrors: opts.mediaErrors } : {}),
        ...(opts.release ? { acceptedFindings: opts.release.accepted } : {}),
      },
      rewrite: {
        sNumber: expected.sNumber.trim().toUpperCase(),
        issuer: deps.options.ourIssuer,
        accession: { kind: 'replace', accessionFor },
        modifyingSystem: deps.options.modifyingSystem,
        ...(opts.sourceOrganisation ? { sourceOfPreviousValues: opts.sourceOrganisation.slice(0, 64) } : {}),
        modifiedAt: deps.clock.now(),
        ...(demographics ? { demographics } : {}),
      },
      outDir: opts.outDir,
    },
    deliver,
    deps.pacs,
    call,
  );
  if (!('stored' in result)) {
    const reasons = result.decision.reasons;
    const codes = [...new Set(reasons.map((r) => r.code))];
    const studyCount = new Set(reasons.flatMap((r) => r.studyInstanceUids)).size;
    return { outcome: 'quarantined', codes, reason: auditReasonOf(codes), studyCount, analystText: reasons.map((r) => r.text).join('\n'), findings: acceptedFindingsOf(reasons) };
  }

  const outcome = result.stored;
  if (outcome.failed.length > 0) {
    const transient = outcome.failed.every((f) => f.reason === 'out-of-resources' || f.reason === 'not-acknowledged');
    const reasons = [...new Set(outcome.failed.map((f) => f.reason))].join(', ');
    if (transient) throw Object.assign(new Error(`PACS did not store ${outcome.failed.length} instances (${reasons}); retrying`), { retryable: true });
    throw new PermanentStepError('PACS_REFUSED', `PACS refused ${outcome.failed.length} instances (${reasons})`);
  }
  const studies: ImportedStudyRecord[] = result.decision.studies.map((s) => {
    const examIndex = s.matchedExam ? exams.findIndex((e) => e.date === s.matchedExam!.date && e.modality === s.matchedExam!.modality) : -1;
    return {
      studyInstanceUid: s.studyInstanceUid,
      ...(s.studyDate ? { studyDate: s.studyDate } : {}),
      accessionNumber: accessionFor(s.studyInstanceUid),
      modalities: s.modalities,
      ...(examIndex >= 0 ? { examIndex } : {}),
    };
  });
  const released = result.decision.releasedFindings;
  return { outcome: 'stored', studies, instanceCount: outcome.stored.length, ...(released ? { releasedCodes: [...new Set(released.map((r) => r.code))] } : {}) };
}

/**
 * PAS demographics for the S number (guideline 2.7d), or null when PAS has no active registration, which the engine
 * treats as "hold for an analyst". PAS being down is retried; a permanent PAS answer (two patients on one S number)
 * is a doubt, so it holds the images too.
 */
async function pasPatient(deps: FlowDeps, sNumber: string, callRef: string | undefined): Promise<ExpectedPatient | null> {
  try {
    const found = await deps.pas.findBySNumber(sNumber, callRef ? { callRef } : {});
    if (!found || !found.active) return null;
    return {
      sNumber: found.sNumber,
      ...(found.nhsNumber !== undefined ? { nhsNumber: found.nhsNumber } : {}),
      familyName: found.familyName,
      givenName: found.givenNames.join(' '),
      birthDate: found.birthDate,
    };
  } catch (err) {
    if (err instanceof PasError && !err.retryable) return null;
    throw err;
  }
}

/**
 * Our accession number for an imported study (0008,0050, SH: 16 characters): the prefix and a hash of the run and the
 * study, so the same study in the same run always gets the same number (a retry writes identical headers, and RIS
 * gets the number PACS holds) and no two studies share one.
 */
export function accessionNumbers(prefix: string, flowId: string): (studyInstanceUid: string) => string {
  const room = Math.max(6, 16 - prefix.length);
  return (uid) => {
    const digest = BigInt(`0x${createHash('sha256').update(`${flowId}|${uid}`).digest('hex').slice(0, 24)}`).toString(36).toUpperCase();
    return `${prefix}${digest.padStart(room, '0').slice(-room)}`.slice(0, 16);
  };
}

const PATIENT_CODES: readonly QuarantineCode[] = [
  'PATIENT_NAME_MISMATCH',
  'BIRTH_DATE_MISMATCH',
  'NHS_NUMBER_MISMATCH',
  'LOCAL_ID_MISMATCH',
  'MULTIPLE_PATIENTS',
  'REQUEST_PAS_MISMATCH',
];

/** The audit's coarse reason (domain QUARANTINE_REASONS) for the engine's codes; a wrong patient wins over the rest. */
export function auditReasonOf(codes: readonly QuarantineCode[]): AuditQuarantineReason {
  if (codes.some((c) => PATIENT_CODES.includes(c))) return 'patientMismatch';
  if (codes.some((c) => c === 'MISSING_IDENTITY' || c === 'GARBLED_IDENTITY')) return 'missingIdentifiers';
  if (codes.some((c) => c === 'STUDY_NOT_REQUESTED' || c === 'NO_INSTANCES')) return 'noMatchingRequest';
  if (codes.some((c) => ['UNREADABLE_INSTANCE', 'MEDIA_INCOMPLETE', 'FIX_UP_FAILED', 'DUPLICATE_INSTANCE', 'INCONSISTENT_STUDY'].includes(c))) return 'unreadable';
  return 'other';
}
