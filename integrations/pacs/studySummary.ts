import type { StudySummary } from './pacsClient';
import { isDicomUid } from './studyQuery';

/**
 * Turns one study-level match into a StudySummary, whichever wire it came from: a DICOM JSON object from QIDO-RS
 * (PS3.18 F.2, tags as "0020000D" keys with { vr, Value }) or a C-FIND identifier as dcmjs naturalises it (keywords).
 * Returns undefined when the match carries no valid Study Instance UID, which the caller reports as malformed.
 */

/** The study-level attributes we read (PS3.4 C.6.2.1.2 Study level keys). Tag (PS3.6) and keyword. */
export const STUDY_ATTRIBUTES = {
  StudyInstanceUID: '0020000D',
  StudyDate: '00080020',
  StudyTime: '00080030',
  AccessionNumber: '00080050',
  StudyDescription: '00081030',
  ModalitiesInStudy: '00080061',
  PatientID: '00100020',
  PatientName: '00100010',
  PatientBirthDate: '00100030',
  NumberOfStudyRelatedSeries: '00201206',
  NumberOfStudyRelatedInstances: '00201208',
} as const;
export type StudyKeyword = keyof typeof STUDY_ATTRIBUTES;

/** Values of one attribute, as an array (empty when absent). */
type ValuesOf = (keyword: StudyKeyword) => unknown[];

/** A DICOM JSON object (PS3.18 F.2.2): attribute tag -> { vr, Value }. */
export function fromDicomJson(obj: Record<string, unknown>): StudySummary | undefined {
  return summarise((k) => {
    const attr = obj[STUDY_ATTRIBUTES[k]] ?? obj[STUDY_ATTRIBUTES[k].toLowerCase()];
    const value = attr && typeof attr === 'object' ? (attr as { Value?: unknown }).Value : undefined;
    return Array.isArray(value) ? value : [];
  });
}

/** A naturalised data set (dcmjs keywords -> value, or array of values). */
export function fromNaturalized(ds: Record<string, unknown>): StudySummary | undefined {
  return summarise((k) => {
    const v = ds[k];
    if (v === undefined || v === null || v === '') return [];
    return Array.isArray(v) ? v : [v];
  });
}

function summarise(values: ValuesOf): StudySummary | undefined {
  const uid = text(values('StudyInstanceUID')[0]);
  if (!uid || !isDicomUid(uid)) return undefined;
  const summary: StudySummary = { studyInstanceUid: uid, modalities: modalities(values('ModalitiesInStudy')) };
  const set = <K extends keyof StudySummary>(key: K, value: StudySummary[K] | undefined) => {
    if (value !== undefined) summary[key] = value;
  };
  set('studyDate', isoDate(text(values('StudyDate')[0])));
  set('studyTime', isoTime(text(values('StudyTime')[0])));
  set('accessionNumber', text(values('AccessionNumber')[0]));
  set('studyDescription', text(values('StudyDescription')[0]));
  set('patientId', text(values('PatientID')[0]));
  set('patientName', personName(values('PatientName')[0]));
  set('patientBirthDate', isoDate(text(values('PatientBirthDate')[0])));
  set('numberOfSeries', count(values('NumberOfStudyRelatedSeries')[0]));
  set('numberOfInstances', count(values('NumberOfStudyRelatedInstances')[0]));
  return summary;
}

function text(v: unknown): string | undefined {
  if (typeof v === 'number') return String(v);
  if (typeof v !== 'string') return undefined;
  // Padding spaces and NULs are not part of the value (PS3.5 6.2).
  const t = v.replace(/[\s\0]+$/, '').replace(/^\s+/, '');
  return t === '' ? undefined : t;
}

/** DA "YYYYMMDD" -> "YYYY-MM-DD"; anything else (including the old "YYYY.MM.DD") is dropped rather than guessed. */
function isoDate(v: string | undefined): string | undefined {
  const m = v && /^(\d{4})(\d{2})(\d{2})$/.exec(v);
  return m ? `${m[1]}-${m[2]}-${m[3]}` : undefined;
}

/** TM "HHMMSS.FFFFFF" (components optional from the right, PS3.5 6.2) -> "HH:MM[:SS]". */
function isoTime(v: string | undefined): string | undefined {
  const m = v && /^(\d{2})(\d{2})?(\d{2})?/.exec(v);
  if (!m) return undefined;
  return [m[1], m[2] ?? '00', m[3]].filter((p) => p !== undefined).join(':');
}

/** PN as DICOM JSON ({ Alphabetic }) or a plain string; the alphabetic group only. */
function personName(v: unknown): string | undefined {
  if (v && typeof v === 'object') return text((v as { Alphabetic?: unknown }).Alphabetic);
  return text(v)?.split('=')[0] || undefined;
}

/** IS arrives as a JSON number (PS3.18 F.2.3.1) or, from some peers, as a string. */
function count(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : NaN;
  return Number.isInteger(n) && n >= 0 ? n : undefined;
}

/** Modalities in Study is multi-valued; some peers send one backslash-joined string. */
function modalities(vs: unknown[]): string[] {
  const out = new Set<string>();
  for (const v of vs) for (const m of (text(v) ?? '').split('\\')) if (m.trim()) out.add(m.trim());
  return [...out];
}
