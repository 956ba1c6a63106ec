import type { ReportSource } from '../../integrations/reports';
import type { PacsClient } from '../../integrations/pacs';

/**
 * Guideline Appendix 4 step 13: "Select add attachment for the studies if you need to send the report ... paste the
 * text direct from CRIS ... ensure the content of the report is correct". For each study the radiologist picked, find
 * its accession number on UHL PACS and the issued report for it, and attach the text to that study on the transfer.
 *
 * A trauma transfer never waits on a report: the whole look-up has a deadline, any failure leaves that study without a
 * report, and the radiologist is told which ones went without (they can attach them in IEP). Only issued reports go
 * (final, amended, corrected): a preliminary one has not been checked, so it is named, not sent.
 */
export interface TraumaReportsOutcome {
  studies: Array<{ studyInstanceUid: string; reportText?: string }>;
  attached: number;
  /** A report exists but is not issued yet. */
  notIssued: number;
  /** No report (or no accession number) for the study. */
  none: number;
  /** The PACS or the report source did not answer in time, or failed. */
  unavailable: number;
}

/** Default deadline for all look-ups together: well inside the 5 s a Blue Light start is allowed to take. */
export const TRAUMA_REPORT_DEADLINE_MS = 4_000;

type Lookup = { reportText: string } | { missing: 'notIssued' | 'none' | 'unavailable' };

/** The studies with the reports attached where there is an issued one. Never throws. */
export async function attachTraumaReports(
  pacs: Pick<PacsClient, 'searchStudies'>,
  reports: ReportSource | undefined,
  studyInstanceUids: readonly string[],
  ctx: { callRef?: string },
  deadlineMs = TRAUMA_REPORT_DEADLINE_MS,
): Promise<TraumaReportsOutcome> {
  const lookups = await withDeadline(
    Promise.all(studyInstanceUids.map((uid) => (reports ? lookUp(pacs, reports, uid, ctx) : Promise.resolve<Lookup>({ missing: 'unavailable' })))),
    deadlineMs,
  );
  const outcome: TraumaReportsOutcome = { studies: [], attached: 0, notIssued: 0, none: 0, unavailable: 0 };
  studyInstanceUids.forEach((studyInstanceUid, i) => {
    const found: Lookup = lookups?.[i] ?? { missing: 'unavailable' };
    if ('reportText' in found) {
      outcome.attached += 1;
      outcome.studies.push({ studyInstanceUid, reportText: found.reportText });
    } else {
      outcome[found.missing] += 1;
      outcome.studies.push({ studyInstanceUid });
    }
  });
  return outcome;
}

async function lookUp(pacs: Pick<PacsClient, 'searchStudies'>, reports: ReportSource, studyInstanceUid: string, ctx: { callRef?: string }): Promise<Lookup> {
  try {
    const [study] = await pacs.searchStudies({ studyInstanceUid }, ctx);
    const accession = study?.accessionNumber?.trim();
    if (!accession) return { missing: 'none' };
    const report = await reports.findReport(accession, ctx);
    if (report.outcome === 'issued') return { reportText: report.text };
    return { missing: report.outcome };
  } catch {
    // Typed errors of PACS or the report source, by design not rethrown: the images go without the report.
    return { missing: 'unavailable' };
  }
}

async function withDeadline<T>(work: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** What the radiologist reads on the status card beside "IEP transfer created" (no patient data, counts only). */
export function traumaReportsNote(o: TraumaReportsOutcome): string {
  const total = o.studies.length;
  if (o.attached === total) return `report attached to ${total === 1 ? 'the study' : `all ${total} studies`}`;
  const parts: string[] = [];
  if (o.notIssued) parts.push(`${o.notIssued} not yet verified`);
  if (o.none) parts.push(`${o.none} with no report on CRIS`);
  if (o.unavailable) parts.push(`${o.unavailable} not reachable in time`);
  return `report attached to ${o.attached} of ${total} studies (${parts.join(', ')}): attach the rest in IEP if they are needed`;
}
