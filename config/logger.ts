import pino, { type DestinationStream, type Logger } from 'pino';
import { FREE_TEXT_FIELDS, PATIENT_IDENTIFIER_FIELDS } from '../domain/patient';

/**
 * Field names that may hold patient identifiers. Redacted wherever they appear (top level or one/two levels deep),
 * as a second line of defence: code must log ids (requestId, callRef, jobId), never patient values.
 */
export const PATIENT_FIELDS = [
  ...PATIENT_IDENTIFIER_FIELDS,
  ...FREE_TEXT_FIELDS,
  'patientName', 'dob', 'dateOfBirth', 'localPatientId', 'patient', 'text', 'value', 'note', 'reason', 'question', 'answer',
  'PatientName', 'PatientID', 'PatientBirthDate',
] as const;

// `name` is redacted only below the top level: at the top it is pino's own logger name.
const redactPaths = [...PATIENT_FIELDS.flatMap((f) => [f, `*.${f}`, `*.*.${f}`]), '*.name', '*.*.name'];

/** Creates the one pino logger for a process. `destination` lets tests capture the output. */
export function createLogger(opts: { level: string; name?: string }, destination?: DestinationStream): Logger {
  return pino(
    {
      level: opts.level,
      name: opts.name ?? 'itb',
      redact: { paths: redactPaths, censor: '[redacted]' },
      // Error messages from peers can echo what we sent; serialise only type, message and stack.
      serializers: { err: pino.stdSerializers.err },
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
export type { Logger };
