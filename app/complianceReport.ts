import { addDays, daysBetween, londonInstant, londonLocalDate, parseLocalDate, type LocalDate } from '../domain';
import { hasRole, type AppActor } from './appActor';
import type { AppDeps } from './deps';
import { auditDenial, NO_REQUEST_ID } from './denials';
import type { Refusal } from './outcomes';
import type { ComplianceFigures } from './ports';

/** The longest period one `report` covers: a year (the guideline reviews twice a year; section 4). */
export const REPORT_MAX_DAYS = 366;

/** Without dates, `report` covers the last 30 days up to today (London). */
const DEFAULT_DAYS = 30;

/** What the report command gives: the figures for a period of London dates (both included), or a refusal. */
export type ComplianceReportOutcome = { outcome: 'report'; from: LocalDate; to: LocalDate; figures: ComplianceFigures } | Refusal;

const USAGE = 'Type report for the last 30 days, or report 2026-11-01 2026-11-30 for a period (London dates, both included, at most a year).';

/**
 * The analysts' `report` command (guideline section 4: compliance is reviewed from the service-desk records): counts by
 * type, priority, source and destination, median and 90th-percentile turnaround, the share of Blue Light done within 4
 * hours, declines and failures with reasons. Approvers only; a denial is audited. `args` is what followed "report".
 */
export async function complianceReport(deps: AppDeps, actor: AppActor, args: string): Promise<ComplianceReportOutcome> {
  if (!hasRole(actor, 'analyst')) {
    await auditDenial(deps, actor, 'complianceReport', { requestId: NO_REQUEST_ID });
    return { outcome: 'denied', message: 'The compliance report is for the service-desk analysts (guideline section 4). Type **my requests** to see yours.' };
  }
  const today = londonLocalDate(deps.now());
  const words = args.trim() === '' ? [] : args.trim().split(/\s+/);
  let from: LocalDate | undefined;
  let to: LocalDate | undefined;
  if (words.length === 0) {
    to = today;
    from = addDays(today, -(DEFAULT_DAYS - 1));
  } else if (words.length === 2) {
    from = parseLocalDate(words[0]!);
    to = parseLocalDate(words[1]!);
  }
  if (!from || !to || to < from || daysBetween(from, to) >= REPORT_MAX_DAYS) return { outcome: 'invalid', errors: [{ field: 'period', message: USAGE }] };
  if (!deps.work) return { outcome: 'unavailable', message: 'The report cannot be made from Teams here yet: use script/report.' };
  const figures = await deps.work.complianceReport(londonInstant(from, 0), londonInstant(addDays(to, 1), 0));
  return { outcome: 'report', from, to, figures };
}
