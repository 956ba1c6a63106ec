/** A count per key (a type, a priority, an organisation, a reason), largest first. */
export type ReportCounts = ReadonlyArray<{ key: string; count: number }>;

/**
 * The compliance report's figures (guideline section 4), without per-request rows: counts by type, priority, source
 * and destination, turnaround, the Blue Light 4-hour share, declines and failures by reason. No patient data. One shape
 * for the workers that compute it, the app port that carries it and the card that shows it.
 */
export interface ComplianceFigures {
  from: string;
  to: string;
  total: number;
  byType: ReportCounts;
  byPriority: ReportCounts;
  bySource: ReportCounts;
  byDestination: ReportCounts;
  /** Submission to completion, completed requests only. */
  turnaround: { completed: number; medianMinutes?: number; p90Minutes?: number };
  /** Glossary "Blue Light": images within 4 hours, of the Blue Light requests that were approved. */
  blueLight: { approved: number; completedWithin4h: number; share?: number };
  declines: ReportCounts;
  failures: ReportCounts;
}
