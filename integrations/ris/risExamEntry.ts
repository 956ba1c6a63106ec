import { z } from 'zod';
import { isValidNhsNumber } from '../../domain/nhsNumber';
import { RisEntryInvalidError } from './errors';

/**
 * One imported examination to be recorded on CRIS.
 *
 * guideline 2.3f: "records the event on RIS as an import, using the exam code provided by the referring NHS or Private
 * Hospital (the event date on CRIS is the date the images were acquired not the date transferred or downloaded to PACS).
 * Each imported examination requires a unique entry on CRIS." So: one entry per exam, keyed by `examId`, and the event
 * date is `acquisitionDate` (DICOM StudyDate (0008,0020)), never "today".
 *
 * The patient block is read by the worker from the encrypted store and passed straight in: never log it, never put it
 * in a job payload. It sits under one `patient` key so the logger's redaction (config/logger PATIENT_FIELDS) catches it
 * as a second line of defence.
 */
export interface RisExamEntry {
  /** Our id for this imported exam. The HL7 message control id is derived from it, so a retry reuses it. */
  examId: string;
  /** Service-desk call reference (guideline 2.3g: quoted for audit). Not patient data. */
  callRef: string;
  /** Accession number of the imported study (DICOM (0008,0050)), as PACS holds it after the ID rewrite. */
  accessionNumber: string;
  /** Placer order number: our order id for this exam. */
  placerOrderNumber: string;
  /** Filler order number: the id the radiology department files the exam under. */
  fillerOrderNumber: string;
  /** Exam code as given by the referring NHS or private hospital (guideline 2.3f). */
  examCode: string;
  /** Optional free-text description of the exam (type and body part), shown beside the code. */
  examDescription?: string;
  /** Date the images were acquired, local date `YYYY-MM-DD` (guideline 2.3f), e.g. from StudyDate (0008,0020). */
  acquisitionDate: string;
  /** Optional local time of acquisition `HH:MM` or `HH:MM:SS`, e.g. from StudyTime (0008,0030). */
  acquisitionTime?: string;
  patient: {
    /** UHL hospital number: `S` followed by 7 digits. */
    sNumber: string;
    /** NHS number, 10 digits with a Modulus 11 check digit, when the patient has one. */
    nhsNumber?: string;
    familyName: string;
    givenName?: string;
    /** Local date `YYYY-MM-DD`. */
    birthDate: string;
  };
}

/** A well-formed UTF-16 string: a lone surrogate would silently become U+FFFD on the wire and change what CRIS stores. */
const text = z.string().min(1).refine(isWellFormed, { message: 'must be well-formed Unicode' });
const optionalText = z.string().refine(isWellFormed, { message: 'must be well-formed Unicode' }).optional();

/** A real calendar date `YYYY-MM-DD` (rejects 2024-02-30). */
const localDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'must be a date YYYY-MM-DD' })
  .refine(isCalendarDate, { message: 'must be a real calendar date' });

const localTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$/, { message: 'must be a time HH:MM or HH:MM:SS' });

/** Ids travel in HL7 ST fields; keep them printable ASCII with no spaces so CRIS and analysts can quote them. */
const id = z.string().regex(/^[\x21-\x7e]{1,64}$/, { message: 'must be 1-64 printable ASCII characters without spaces' });

export const risExamEntrySchema = z.object({
  examId: id,
  callRef: id,
  accessionNumber: id,
  placerOrderNumber: id,
  fillerOrderNumber: id,
  examCode: text,
  examDescription: optionalText,
  acquisitionDate: localDate,
  acquisitionTime: localTime.optional(),
  patient: z.object({
    sNumber: z.string().regex(/^S\d{7}$/, { message: 'must be S followed by 7 digits' }),
    nhsNumber: z
      .string()
      .regex(/^\d{10}$/, { message: 'must be 10 digits' })
      .refine(isNhsNumber, { message: 'fails the Modulus 11 check' })
      .optional(),
    familyName: text,
    givenName: optionalText,
    birthDate: localDate,
  }),
});

/**
 * Checks an entry before anything is sent. Throws RisEntryInvalidError naming the bad fields by path only: zod issue
 * messages here never quote the value, and we add nothing else, so the error is safe to log.
 */
export function parseRisExamEntry(entry: RisExamEntry): RisExamEntry {
  const parsed = risExamEntrySchema.safeParse(entry);
  if (parsed.success) return parsed.data;
  const fields = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  // examId and callRef are ids, not patient data; only quote them when they themselves passed validation.
  const callRef = typeof entry.callRef === 'string' && /^[\x21-\x7e]{1,64}$/.test(entry.callRef) ? entry.callRef : undefined;
  const examId = typeof entry.examId === 'string' && /^[\x21-\x7e]{1,64}$/.test(entry.examId) ? entry.examId : undefined;
  throw new RisEntryInvalidError(fields, { callRef, examId });
}

/** No lone surrogate halves (String.prototype.isWellFormed is ES2024, beyond our lib target). */
function isWellFormed(s: string): boolean {
  return !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);
}

function isCalendarDate(s: string): boolean {
  const [y, m, d] = s.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/** NHS number Modulus 11 (the domain's one rule), on the 10 bare digits the schema already required. */
function isNhsNumber(s: string): boolean {
  return /^\d{10}$/.test(s) && isValidNhsNumber(s);
}
