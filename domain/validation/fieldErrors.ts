import type { z } from 'zod';
import type { LocalDate } from '../localDate';

/**
 * One problem with one form field. `field` is the card's input id (e.g. "nhsNumber", "exams[1].date") so the card can
 * show the message next to that input; `message` is written for a clinician and never repeats what was typed.
 */
export interface FieldError {
  field: string;
  message: string;
}

/** The outcome of validating a form: the typed request, or every problem found (not just the first). */
export type ValidationResult<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

/** What a validator needs from outside: today's date in Europe/London, and the local patient id format. */
export interface ValidationContext {
  /** Today in Europe/London, from the caller (calendar.londonLocalDate(now)); domain/ never reads a clock. */
  today: LocalDate;
  /** Local patient id pattern; default S + 7 digits. Matched in full and case-insensitively. */
  localIdPattern?: RegExp;
  /** Words for that pattern in messages, e.g. "RWE followed by 6 digits, for example RWE123456". */
  localIdDescription?: string;
}

/** Collects field errors while a form is read, so that one submission reports every problem at once. */
export class FieldChecks {
  private readonly found: FieldError[] = [];

  /** Records a problem with a field. Only the first problem per field is kept: one message per input reads best. */
  add(field: string, message: string): void {
    if (!this.hasErrorFor(field)) this.found.push({ field, message });
  }

  /** True when the field already has a problem (later cross-field rules then stay quiet about it). */
  hasErrorFor(field: string): boolean {
    return this.found.some((e) => e.field === field);
  }

  /** Parses one field with a schema that carries our messages; records the first issue and returns undefined. */
  read<T>(field: string, schema: z.ZodType<T>, raw: unknown): T | undefined {
    const parsed = schema.safeParse(raw);
    if (parsed.success) return parsed.data;
    this.add(field, parsed.error.issues[0]?.message ?? 'Please check this field.');
    return undefined;
  }

  /** Every problem so far, in the order found. */
  get errors(): readonly FieldError[] {
    return this.found;
  }

  /** The result: errors if any were recorded, otherwise the value that `build` assembles. */
  result<T>(build: () => T): ValidationResult<T> {
    return this.found.length > 0 ? { ok: false, errors: [...this.found] } : { ok: true, value: build() };
  }
}

/** `exams[1].date` style input id for a field of a repeated row. */
export function rowField(list: string, index: number, field: string): string {
  return `${list}[${index}].${field}`;
}
