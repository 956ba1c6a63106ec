import { escapeHl7 } from './hl7Escape';
import { messageControlIdFor } from './messageControlId';
import type { RisExamEntry } from './risExamEntry';

/** Who we are and who CRIS is, in MSH-3..6 and MSH-11. Agreed with the CRIS interface team; see docs/ris-contract.md. */
export interface ImportExamMessageOptions {
  sendingApplication?: string;
  sendingFacility?: string;
  receivingApplication?: string;
  receivingFacility?: string;
  /** MSH-11: P production, T training/test (sandbox), D debugging. */
  processingId?: 'P' | 'T' | 'D';
  /** MSH-7; injectable so fixtures are stable. */
  now?: Date;
}

/** The segments we send, in order. Tests check a message never has more than this. */
export const IMPORT_EXAM_SEGMENTS = ['MSH', 'PID', 'PV1', 'ORC', 'OBR'] as const;

/**
 * Builds the ORM^O01 (HL7 v2.4) that records one imported exam on CRIS (guideline 2.3f). Field mapping: see
 * docs/ris-contract.md. Every value we did not write ourselves goes through escapeHl7, component by component.
 *
 * Hand-written rather than node-hl7-client's Message builder: its set() can't address components inside a second
 * repetition (PID-3 carries the S number and the NHS number) and escapes with its own escape(), which lets CR/LF through.
 * node-hl7-client is still what parses the message back (tests, sandbox) and the ACK, so the two are checked against each
 * other.
 *
 * node-hl7-client trims each segment on parse, so every segment here ends with a field we control (MSH-18, PID-7, PV1-2,
 * ORC-5, OBR-24): user text with trailing spaces must survive a round trip exactly.
 *
 * The entry is assumed valid (parseRisExamEntry); this function only formats.
 */
export function buildImportExamMessage(entry: RisExamEntry, opts: ImportExamMessageOptions = {}): string {
  const p = entry.patient;
  const patientIds = [[p.sNumber, '', '', 'UHL', 'MR']];
  if (p.nhsNumber !== undefined) patientIds.push([p.nhsNumber, '', '', 'NHS', 'NH']);

  const msh = [
    'MSH',
    '^~\\&', // MSH-2: encoding characters (MSH-1, the field separator, is the "|" that joins these)
    field(opts.sendingApplication ?? 'ITB'),
    field(opts.sendingFacility ?? 'UHL'),
    field(opts.receivingApplication ?? 'CRIS'),
    field(opts.receivingFacility ?? 'UHL'),
    hl7DateTimeWithZone(opts.now ?? new Date()), // MSH-7
    '', // MSH-8 security
    'ORM^O01^ORM_O01', // MSH-9
    messageControlIdFor(entry.examId), // MSH-10: deterministic, so a resend is recognisable as a duplicate
    opts.processingId ?? 'P', // MSH-11
    '2.4', // MSH-12
    '', // MSH-13 sequence number
    '', // MSH-14 continuation pointer
    '', // MSH-15 accept ack type: empty = original acknowledgement mode, one application ACK per message
    '', // MSH-16 application ack type
    '', // MSH-17 country code
    'UNICODE UTF-8', // MSH-18: names may hold any Unicode; the frame is UTF-8
  ].join('|');

  const pid = segment('PID', [
    '1', // PID-1 set id
    '', // PID-2
    patientIds.map((rep) => field(...rep)).join('~'), // PID-3: S number (UHL MR) ~ NHS number (NHS NH)
    '', // PID-4
    field(p.familyName, p.givenName ?? ''), // PID-5 XPN: family ^ given
    '', // PID-6
    hl7Date(p.birthDate), // PID-7
  ]);

  // PV1-2 "N" (not applicable): the exam happened at another trust, there is no UHL visit.
  const pv1 = segment('PV1', ['1', 'N']);

  const orc = segment('ORC', [
    'NW', // ORC-1 new order
    field(entry.placerOrderNumber), // ORC-2
    field(entry.fillerOrderNumber), // ORC-3
    '', // ORC-4
    'CM', // ORC-5: completed; the images were acquired elsewhere and are already on PACS (an import, guideline 2.3f)
  ]);

  const obr = segment('OBR', [
    '1', // OBR-1
    field(entry.placerOrderNumber), // OBR-2
    field(entry.fillerOrderNumber), // OBR-3
    field(entry.examCode, entry.examDescription ?? ''), // OBR-4: the referring hospital's exam code (guideline 2.3f)
    '', // OBR-5
    '', // OBR-6
    hl7Date(entry.acquisitionDate) + hl7Time(entry.acquisitionTime), // OBR-7: acquired, not downloaded (2.3f)
    ...Array<string>(10).fill(''), // OBR-8..17
    field(entry.accessionNumber), // OBR-18 placer field 1: accession number (IHE Radiology convention)
    field(entry.callRef), // OBR-19 placer field 2: call reference, for audit (guideline 2.3g)
    '', // OBR-20
    '', // OBR-21
    '', // OBR-22
    '', // OBR-23
    'RAD', // OBR-24 diagnostic service section (HL7 table 0074)
  ]);

  return [msh, pid, pv1, orc, obr].join('\r');
}

/** Components joined by ^, each escaped; trailing empty components dropped (HL7 v2.4 2.5.4). */
function field(...components: string[]): string {
  const escaped = components.map(escapeHl7);
  while (escaped.length > 1 && escaped[escaped.length - 1] === '') escaped.pop();
  return escaped.join('^');
}

function segment(name: string, fields: string[]): string {
  return [name, ...fields].join('|');
}

/** `YYYY-MM-DD` -> `YYYYMMDD` (DT). */
function hl7Date(isoDate: string): string {
  return isoDate.replace(/-/g, '');
}

/** `HH:MM[:SS]` -> `HHMM[SS]`, appended to a date to make a TS. */
function hl7Time(time: string | undefined): string {
  return time === undefined ? '' : time.replace(/:/g, '');
}

/** Local `YYYYMMDDHHMMSS+ZZZZ`: the offset makes MSH-7 unambiguous across BST changes. */
function hl7DateTimeWithZone(d: Date): string {
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  const offset = -d.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  const abs = Math.abs(offset);
  return (
    `${pad(d.getFullYear(), 4)}${pad(d.getMonth() + 1)}${pad(d.getDate())}` +
    `${pad(d.getHours())}${pad(d.getMinutes())}${pad(d.getSeconds())}${sign}${pad(Math.floor(abs / 60))}${pad(abs % 60)}`
  );
}
