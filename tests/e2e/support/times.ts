import { ServiceCalendar } from '../../../domain';

const DAY = 86_400_000;

/** London wall-clock parts of an instant. */
function londonParts(at: Date): { date: string; hour: number; minute: number; weekday: number } {
  const f = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', weekday: 'short' });
  const p = Object.fromEntries(f.formatToParts(at).map((x) => [x.type, x.value]));
  return { date: `${p.year}-${p.month}-${p.day}`, hour: Number(p.hour), minute: Number(p.minute), weekday: ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(p.weekday ?? '') };
}

/** The instant when London's clock reads `date` (YYYY-MM-DD) `hour`:`minute` (GMT or BST, whichever applies). */
export function londonAt(date: string, hour: number, minute = 0): Date {
  const guess = Date.parse(`${date}T${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}:00Z`);
  for (const offsetH of [0, -1]) {
    const at = new Date(guess + offsetH * 3_600_000);
    const p = londonParts(at);
    if (p.date === date && p.hour === hour && p.minute === minute) return at;
  }
  throw new Error(`${date} ${hour}:${minute} does not exist in London`);
}

/** The London date (YYYY-MM-DD) of an instant. */
export function londonDate(at: Date): string {
  return londonParts(at).date;
}

/** YYYY-MM-DD `days` after `date`. */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T12:00:00Z`) + days * DAY).toISOString().slice(0, 10);
}

/** The next time London's clock reads `hour`:00 on a day `accept` likes, after `from`. */
export function nextLondon(hour: number, accept: (weekday: number, date: string) => boolean, from = new Date()): Date {
  for (let d = 0; d < 60; d++) {
    const date = addDays(londonDate(from), d);
    const at = londonAt(date, hour);
    if (at.getTime() > from.getTime() && accept(londonParts(at).weekday, date)) return at;
  }
  throw new Error('no such time in the next 60 days');
}

/** The next 10:00 London on a day the service desk is open (guideline 2.9): a journey's "office hours". */
export function nextOfficeHours(from = new Date()): Date {
  const cal = new ServiceCalendar();
  for (let d = 0; d < 30; d++) {
    const at = londonAt(addDays(londonDate(from), d), 10);
    if (at.getTime() > from.getTime() && cal.isOpen(at)) return at;
  }
  throw new Error('the service desk is not open at 10:00 in the next 30 days');
}

/** YYYY-MM-DD `days` before today's UTC date: how the seed studies are dated (sandbox/seed/seedOrthanc.ts). */
export function seedDate(daysAgo: number, today = new Date()): string {
  return new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() - daysAgo)).toISOString().slice(0, 10);
}
