import { z } from 'zod';
import bankHolidayData from '../data/bankHolidaysEnglandWales.json';
import { InvalidCalendarDataError } from '../errors';
import { parseLocalDate, type LocalDate } from '../localDate';

/** One England and Wales bank holiday. */
export interface BankHoliday {
  date: LocalDate;
  title: string;
}

/** The bank holidays a calendar knows and the years they cover (outside those years none are known). */
export interface BankHolidayList {
  years: readonly number[];
  events: readonly BankHoliday[];
}

const localDateSchema = z.string().transform((text, ctx) => {
  const date = parseLocalDate(text);
  if (date !== undefined) return date;
  ctx.issues.push({ code: 'custom', message: 'not a real YYYY-MM-DD date', input: text });
  return z.NEVER;
});

const bankHolidayFile = z.object({
  years: z.array(z.number().int()).min(1),
  events: z.array(z.object({ date: localDateSchema, title: z.string().min(1) })),
});

/** Checks bank-holiday data shaped like domain/data/bankHolidaysEnglandWales.json; throws InvalidCalendarDataError. */
export function readBankHolidays(raw: unknown): BankHolidayList {
  const parsed = bankHolidayFile.safeParse(raw);
  if (!parsed.success) throw new InvalidCalendarDataError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  const stray = parsed.data.events.find((e) => !parsed.data.years.includes(Number(e.date.slice(0, 4))));
  if (stray) throw new InvalidCalendarDataError(`${stray.date} is outside the listed years`);
  return parsed.data;
}

/**
 * England and Wales bank holidays 2025-2028, from the data file (guideline 2.9 and the Glossary: BAU excludes bank
 * holidays). Leicester is in England, so Scottish and Northern Irish holidays do not apply.
 */
export const ENGLAND_AND_WALES_BANK_HOLIDAYS: BankHolidayList = readBankHolidays(bankHolidayData);
