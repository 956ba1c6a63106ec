import type { PriorityLane, RequestKind } from '../domain';

/** What each kind of request is called on cards. */
export const KIND_LABELS: Readonly<Record<RequestKind, string>> = {
  import: 'Import (images from another hospital)',
  export: 'Export (UHL images to another organisation)',
  trauma: 'Trauma transfer to the major trauma centre',
  cdImport: 'CD upload to PACS',
};

/** Short kind words for lists and the channel. */
export const KIND_SHORT_LABELS: Readonly<Record<RequestKind, string>> = {
  import: 'Import',
  export: 'Export',
  trauma: 'Trauma',
  cdImport: 'CD upload',
};

/**
 * Priority words per queue lane: trauma is always "Clinical emergency" (Appendix 4 step 15); an urgent CD is taken to
 * County Hall by arrangement (Appendix 5).
 */
export const LANE_LABELS: Readonly<Record<PriorityLane, string>> = {
  clinicalEmergency: 'Clinical emergency',
  blueLight: 'Blue Light',
  urgentCd: 'Urgent CD',
  standard: 'Standard',
  batch: 'Batch (overnight)',
};

const LONDON_TIME = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/**
 * "14:05, Mon 30 Mar 2026": London wall time, because staff read times in UK time and cards are rendered on the server
 * (Adaptive Cards' own DATE/TIME functions would use each viewer's device zone, and the Playground's).
 */
export function formatCardTime(at: Date | string): string {
  const d = typeof at === 'string' ? new Date(at) : at;
  if (Number.isNaN(d.getTime())) return '';
  const p: Record<string, string> = {};
  for (const part of LONDON_TIME.formatToParts(d)) p[part.type] = part.value;
  return `${p.hour}:${p.minute}, ${p.weekday} ${p.day} ${p.month} ${p.year}`;
}

// Built once (toLocaleDateString builds a formatter on every call: a few tenths of a millisecond per card).
const UTC_WEEKDAY = new Intl.DateTimeFormat('en-GB', { weekday: 'short', timeZone: 'UTC' });
const UTC_MONTH = new Intl.DateTimeFormat('en-GB', { month: 'short', timeZone: 'UTC' });

/** "Tue 31 Mar 2026" for a London local date "YYYY-MM-DD" (no time zone arithmetic: the date is already local). */
export function formatCardDate(date: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return date;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  // Noon UTC keeps the weekday right whatever zone the formatter uses.
  const at = new Date(Date.UTC(y, mo - 1, d, 12));
  return `${UTC_WEEKDAY.format(at)} ${d} ${UTC_MONTH.format(at)} ${y}`;
}
