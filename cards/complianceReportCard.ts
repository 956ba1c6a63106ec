import type { ComplianceFigures, ReportCounts as Counts } from '../domain';
import { KIND_SHORT_LABELS, formatCardDate } from './words';
import { escapeCardText } from './escape';
import { renderTemplate, type AdaptiveCard } from './render';

/** The report card's data: the period (London dates, both included) and the figures (no patient data). */
export type ComplianceReportCardData = ComplianceFigures;

// Organisations can be many; a Teams card is for reading, the CSV (script/report) has them all.
const MAX_ROWS = 12;

const PRIORITY_WORDS: Record<string, string> = {
  blueLight: 'Blue Light',
  standard: 'Standard',
  batch: 'Batch (overnight)',
  clinicalEmergency: 'Clinical emergency (trauma)',
  urgentCd: 'Urgent CD',
};

/** "1 h 05 min", "2 d 3 h", "45 min". */
export function formatDuration(minutes: number): string {
  const m = Math.round(minutes);
  if (m < 60) return `${m} min`;
  const days = Math.floor(m / 1440);
  const hours = Math.floor((m % 1440) / 60);
  if (days > 0) return `${days} d ${hours} h`;
  return `${hours} h ${String(m % 60).padStart(2, '0')} min`;
}

function rowsOf(counts: Counts, word: (key: string) => string = (k) => k): Array<{ title: string; value: string }> {
  const shown = counts.slice(0, MAX_ROWS).map((c) => ({ title: escapeCardText(word(c.key)), value: String(c.count) }));
  const rest = counts.slice(MAX_ROWS).reduce((n, c) => n + c.count, 0);
  return rest > 0 ? [...shown, { title: `${counts.length - MAX_ROWS} others`, value: String(rest) }] : shown;
}

/**
 * The analysts' compliance report (guideline section 4), from the `report` command: requests in the period, turnaround
 * (median and 90th percentile, submission to completion), the Blue Light 4-hour share, then counts by type, priority,
 * source and destination, and declines and failures with their reasons. Display only: no inputs, no buttons.
 */
export function renderComplianceReportCard(data: ComplianceReportCardData): AdaptiveCard {
  const t = data.turnaround;
  const b = data.blueLight;
  const share = b.share === undefined ? 'no Blue Light requests were approved' : `${b.completedWithin4h} of ${b.approved} (${Math.round(b.share * 100)}%)`;
  return renderTemplate('complianceReport', {
    title: `Compliance report: ${formatCardDate(data.from)} to ${formatCardDate(data.to)}`,
    intro: 'Requests submitted in this period, from the service-desk records (guideline section 4). No patient data.',
    headline: [
      { title: 'Requests', value: String(data.total) },
      { title: 'Completed', value: String(t.completed) },
      { title: 'Turnaround, median', value: t.medianMinutes === undefined ? 'none completed' : formatDuration(t.medianMinutes) },
      { title: 'Turnaround, 90th percentile', value: t.p90Minutes === undefined ? 'none completed' : formatDuration(t.p90Minutes) },
      { title: 'Blue Light within 4 hours', value: share },
    ],
    sections: [
      { heading: 'By type', rows: rowsOf(data.byType, (k) => KIND_SHORT_LABELS[k as keyof typeof KIND_SHORT_LABELS] ?? k), empty: 'None.' },
      { heading: 'By priority', rows: rowsOf(data.byPriority, (k) => PRIORITY_WORDS[k] ?? k), empty: 'None.' },
      { heading: 'By source', rows: rowsOf(data.bySource), empty: 'None.' },
      { heading: 'By destination', rows: rowsOf(data.byDestination), empty: 'None.' },
      { heading: 'Declines, by reason', rows: rowsOf(data.declines), empty: 'No declines.' },
      { heading: 'Failures, by reason', rows: rowsOf(data.failures), empty: 'No failures.' },
    ],
    footnote: 'Turnaround is from submission to completion, completed requests only. The full list: script/report --from --to (CSV).',
  });
}
