import { emptyElement, itemEnd, itemStart, sequenceEnd, sequenceStart, textElement, ulElement } from './elementWriter';
import { DicomFileError, DicomRewriteConfigError } from './errors';
import type { DicomHeader, ElementSpan } from './headerReader';
import type { DatasetEncoding } from './transferSyntax';
import { formatTag, groupOf, Tag } from './tags';

/**
 * How the accession number (0008,0050) is treated:
 * - keep: unchanged (and not recorded as modified);
 * - prefix: the sender's value with our prefix in front (empty stays empty), e.g. "EXT" + "A123" = "EXTA123";
 * - replace: our own value for each study, e.g. the accession CRIS gave the imported exam.
 */
export type AccessionRule =
  | { kind: 'keep' }
  | { kind: 'prefix'; prefix: string }
  | { kind: 'replace'; accessionFor: (studyInstanceUid: string) => string };

/**
 * What the fix-up writes into every instance of a reconciled study (IHE RAD IRWF.b, "coercion"). Treat it as
 * immutable once used: the bytes it implies are built once per object and encoding, then reused for every instance.
 */
export interface PatientRewrite {
  /** UHL hospital number, written to Patient ID (0010,0020). Guideline Appendix 1 (4): "insert the UHL Patient ID". */
  sNumber: string;
  /** Written to Issuer of Patient ID (0010,0021), e.g. "UHL" or the trust's ODS code. */
  issuer: string;
  accession: AccessionRule;
  /** Modifying System (0400,0563), e.g. "ITB". */
  modifyingSystem: string;
  /** Source of Previous Values (0400,0564): the sending organisation, when known (else written empty, Type 2). */
  sourceOfPreviousValues?: string;
  /** Attribute Modification DateTime (0400,0562); one value for a whole study keeps its instances consistent. */
  modifiedAt: Date;
  /**
   * Only for a quarantine released after an analyst's check (workers/steps/releaseQuarantine.ts): UHL's values for the
   * demographics the images got wrong, written over them (IRWF.b coerces demographics to the local ones), the sender's
   * values kept in the Original Attributes item like the Patient ID. A normal import leaves both untouched.
   */
  demographics?: {
    /** Patient's Name (0010,0010), DICOM PN, e.g. "JONES^Mary". */
    patientName?: string;
    /** Patient's Birth Date (0010,0030), DA: YYYYMMDD. */
    birthDate?: string;
  };
}

/** Output bytes: new bytes, or a range [start, end) of the input file copied unchanged. */
export type HeaderPart = Buffer | { readonly start: number; readonly end: number };

/** The rewritten header, as parts covering input bytes [0, header.headerEnd). */
export interface RewritePlan {
  parts: HeaderPart[];
  /** Total output bytes of `parts`. */
  length: number;
  /** Tags whose values changed, inserted or removed (for the audit; no values). */
  modifiedTags: string[];
}

/** Printable ASCII without backslash (the DICOM value separator): what LO/SH values we write may hold. */
const SAFE_TEXT = /^[\x20-\x5b\x5d-\x7e]*$/;

function checkText(field: string, value: string, max: number): void {
  if (value.trim() === '' && field !== 'sourceOfPreviousValues') throw new DicomRewriteConfigError(field, 'must not be empty');
  if (value.length > max) throw new DicomRewriteConfigError(field, `must be at most ${max} characters`);
  if (!SAFE_TEXT.test(value)) throw new DicomRewriteConfigError(field, 'must be printable ASCII without a backslash');
}

/** Checks rewrite settings once, before any file is touched. Throws DicomRewriteConfigError. */
export function validatePatientRewrite(rewrite: PatientRewrite): void {
  checkText('sNumber', rewrite.sNumber, 64); // LO, PS3.5 6.2
  checkText('issuer', rewrite.issuer, 64);
  checkText('modifyingSystem', rewrite.modifyingSystem, 64);
  if (rewrite.sourceOfPreviousValues !== undefined) checkText('sourceOfPreviousValues', rewrite.sourceOfPreviousValues, 64);
  if (rewrite.accession.kind === 'prefix') checkText('accession.prefix', rewrite.accession.prefix, 16);
  if (Number.isNaN(rewrite.modifiedAt.getTime())) throw new DicomRewriteConfigError('modifiedAt', 'is not a valid date');
  const d = rewrite.demographics;
  if (d?.patientName !== undefined) checkText('demographics.patientName', d.patientName, 64); // PN: 64 per component group
  if (d?.birthDate !== undefined && !/^\d{8}$/.test(d.birthDate)) throw new DicomRewriteConfigError('demographics.birthDate', 'must be YYYYMMDD');
}

/** DT in UTC with an explicit offset (PS3.5 6.2, DT: YYYYMMDDHHMMSS.FFFFFF&ZZXX). */
export function dicomDateTime(at: Date): string {
  const iso = at.toISOString(); // 2026-03-29T01:30:00.123Z
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}.${iso.slice(20, 23)}000+0000`;
}

function newAccession(header: DicomHeader, rule: AccessionRule): string | undefined {
  const original = header.accessionNumber ?? '';
  let next: string;
  if (rule.kind === 'keep') return undefined;
  if (rule.kind === 'prefix') {
    if (original === '') return undefined;
    next = rule.prefix + original;
  } else {
    next = rule.accessionFor(header.studyInstanceUid ?? '');
  }
  // SH (PS3.5 6.2): 16 characters. A prefix that overflows is a setting problem, not a file problem.
  checkText('accession', next, 16);
  return next === original ? undefined : next;
}

function size(parts: readonly HeaderPart[]): number {
  let n = 0;
  for (const p of parts) n += Buffer.isBuffer(p) ? p.length : p.end - p.start;
  return n;
}

function range(el: { start: number; end: number }): HeaderPart {
  return { start: el.start, end: el.end };
}

/** Bytes that are the same for every instance of a study in one encoding: built once, not per instance. */
interface RewriteConstants {
  patientId: Buffer;
  issuer: Buffer;
  /** A release's coerced demographics (PatientRewrite.demographics), when given. */
  patientName?: Buffer;
  birthDate?: Buffer;
  typeOfPatientIdText: Buffer;
  itemStart: Buffer;
  itemEnd: Buffer;
  sequenceEnd: Buffer;
  otherIdsStart: Buffer;
  originalStart: Buffer;
  modifiedStart: Buffer;
  /** Modification DateTime, Modifying System, Source of Previous Values, Reason, then the item and sequence ends. */
  originalTrailer: Buffer;
  /** "was absent" markers for the Modified Attributes Sequence, by tag. */
  absent: Map<number, Buffer>;
}

const constantsCache = new WeakMap<PatientRewrite, Map<string, RewriteConstants>>();

function constantsFor(rewrite: PatientRewrite, enc: DatasetEncoding): RewriteConstants {
  let byEncoding = constantsCache.get(rewrite);
  if (!byEncoding) {
    byEncoding = new Map();
    constantsCache.set(rewrite, byEncoding);
  }
  const key = `${enc.explicitVr ? 'E' : 'I'}${enc.littleEndian ? 'L' : 'B'}`;
  let c = byEncoding.get(key);
  if (!c) {
    c = {
      patientId: textElement(Tag.PatientID, 'LO', rewrite.sNumber, enc),
      issuer: textElement(Tag.IssuerOfPatientID, 'LO', rewrite.issuer, enc),
      ...(rewrite.demographics?.patientName !== undefined ? { patientName: textElement(Tag.PatientName, 'PN', rewrite.demographics.patientName, enc) } : {}),
      ...(rewrite.demographics?.birthDate !== undefined ? { birthDate: textElement(Tag.PatientBirthDate, 'DA', rewrite.demographics.birthDate, enc) } : {}),
      typeOfPatientIdText: textElement(Tag.TypeOfPatientID, 'CS', 'TEXT', enc), // Type 1 in the item (PS3.3 C.7.1.1)
      itemStart: itemStart(enc),
      itemEnd: itemEnd(enc),
      sequenceEnd: sequenceEnd(enc),
      otherIdsStart: sequenceStart(Tag.OtherPatientIDsSequence, enc),
      originalStart: sequenceStart(Tag.OriginalAttributesSequence, enc),
      modifiedStart: sequenceStart(Tag.ModifiedAttributesSequence, enc),
      originalTrailer: Buffer.concat([
        textElement(Tag.AttributeModificationDateTime, 'DT', dicomDateTime(rewrite.modifiedAt), enc),
        textElement(Tag.ModifyingSystem, 'LO', rewrite.modifyingSystem, enc),
        rewrite.sourceOfPreviousValues
          ? textElement(Tag.SourceOfPreviousValues, 'LO', rewrite.sourceOfPreviousValues, enc)
          : emptyElement(Tag.SourceOfPreviousValues, 'LO', enc),
        textElement(Tag.ReasonForTheAttributeModification, 'CS', 'COERCE', enc),
        itemEnd(enc),
        sequenceEnd(enc),
      ]),
      absent: new Map([
        [Tag.AccessionNumber, emptyElement(Tag.AccessionNumber, 'SH', enc)],
        [Tag.PatientName, emptyElement(Tag.PatientName, 'PN', enc)],
        [Tag.PatientBirthDate, emptyElement(Tag.PatientBirthDate, 'DA', enc)],
        [Tag.PatientID, emptyElement(Tag.PatientID, 'LO', enc)],
        [Tag.IssuerOfPatientID, emptyElement(Tag.IssuerOfPatientID, 'LO', enc)],
        [Tag.OtherPatientIDsSequence, emptyElement(Tag.OtherPatientIDsSequence, 'SQ', enc)],
      ]),
    };
    byEncoding.set(key, c);
  }
  return c;
}

/** One change to the top-level data set: new parts for a tag, or null to remove it. */
interface Modification {
  tag: number;
  parts: HeaderPart[] | null;
}

/**
 * Plans the coerced header of one instance (IHE RAD TF-2 IRWF.b "Import Reconciliation"; PS3.3 C.12.1.1.9):
 * - Patient ID (0010,0020) := S number; Issuer of Patient ID (0010,0021) := our issuer;
 * - Issuer of Patient ID Qualifiers Sequence (0010,0024) removed: it described the sender's issuer;
 * - Other Patient IDs Sequence (0010,1002) keeps its items and gains one with the sender's Patient ID and issuer;
 * - Accession Number (0008,0050) per the rule;
 * - only for a release after an analyst's check (rewrite.demographics): Patient's Name and Birth Date := UHL's;
 * - Original Attributes Sequence (0400,0561) keeps its items and gains one whose Modified Attributes Sequence
 *   (0400,0550) holds every replaced or removed element byte for byte as it was (absent ones with zero length), with
 *   Attribute Modification DateTime, Modifying System, Source of Previous Values and Reason "COERCE";
 * - group lengths (gggg,0000) of changed groups, when present, recomputed; every other byte copied, in order.
 */
export function planRewrite(header: DicomHeader, rewrite: PatientRewrite): RewritePlan {
  const enc = header.encoding;
  const c = constantsFor(rewrite, enc);
  let accessionEl: ElementSpan | undefined;
  let patientIdEl: ElementSpan | undefined;
  let nameEl: ElementSpan | undefined;
  let birthDateEl: ElementSpan | undefined;
  let issuerEl: ElementSpan | undefined;
  let qualifiersEl: ElementSpan | undefined;
  let otherIdsEl: ElementSpan | undefined;
  let groupLengths = false;
  for (const el of header.elements) {
    if ((el.tag & 0xffff) === 0) groupLengths = true;
    else if (el.tag === Tag.AccessionNumber) accessionEl = el;
    else if (el.tag === Tag.PatientID) patientIdEl = el;
    else if (el.tag === Tag.PatientName) nameEl = el;
    else if (el.tag === Tag.PatientBirthDate) birthDateEl = el;
    else if (el.tag === Tag.IssuerOfPatientID) issuerEl = el;
    else if (el.tag === Tag.IssuerOfPatientIDQualifiersSequence) qualifiersEl = el;
    else if (el.tag === Tag.OtherPatientIDsSequence) otherIdsEl = el;
    else if (el.tag === Tag.OriginalAttributesSequence) {
      // Items of a sequence stored as UN are implicit VR inside an explicit file: they cannot sit in a new SQ as they are.
      if (el.vr === 'UN' && enc.explicitVr) throw unAsSequence(el);
    }
  }
  for (const el of [qualifiersEl, otherIdsEl]) if (el && el.vr === 'UN' && enc.explicitVr) throw unAsSequence(el);

  // Ascending tag order throughout: the merge below and the Modified Attributes item both rely on it.
  const mods: Modification[] = [];
  const accession = newAccession(header, rewrite.accession);
  if (accession !== undefined) mods.push({ tag: Tag.AccessionNumber, parts: [textElement(Tag.AccessionNumber, 'SH', accession, enc)] });
  mods.push({ tag: Tag.PatientID, parts: [c.patientId] });
  mods.push({ tag: Tag.IssuerOfPatientID, parts: [c.issuer] });
  if (qualifiersEl) mods.push({ tag: Tag.IssuerOfPatientIDQualifiersSequence, parts: null });
  // A release only (PatientRewrite.demographics): UHL's name and birth date over the ones the analyst checked.
  if (c.patientName) mods.push({ tag: Tag.PatientName, parts: [c.patientName] });
  if (c.birthDate) mods.push({ tag: Tag.PatientBirthDate, parts: [c.birthDate] });

  // Other Patient IDs Sequence: the sender's identifier joins the patient's other ids (IRWF.b).
  const otherIds: HeaderPart[] = [c.otherIdsStart];
  for (const item of header.sequenceItems.get(Tag.OtherPatientIDsSequence) ?? []) otherIds.push(range(item));
  if (patientIdEl && patientIdEl.length > 0 && header.patient.id) {
    otherIds.push(c.itemStart, range(patientIdEl));
    if (issuerEl) otherIds.push(range(issuerEl));
    otherIds.push(c.typeOfPatientIdText);
    if (qualifiersEl) otherIds.push(range(qualifiersEl));
    otherIds.push(c.itemEnd);
  }
  otherIds.push(c.sequenceEnd);
  mods.push({ tag: Tag.OtherPatientIDsSequence, parts: otherIds });

  // Original Attributes Sequence: earlier items kept, plus ours whose Modified Attributes item holds the previous
  // value of every element changed above, byte for byte (zero length when it was absent), in ascending tag order.
  const previous: HeaderPart[] = [];
  const originals: Array<[number, ElementSpan | undefined]> = [
    [Tag.AccessionNumber, accessionEl],
    [Tag.PatientName, nameEl],
    [Tag.PatientID, patientIdEl],
    [Tag.IssuerOfPatientID, issuerEl],
    [Tag.IssuerOfPatientIDQualifiersSequence, qualifiersEl],
    [Tag.PatientBirthDate, birthDateEl],
    [Tag.OtherPatientIDsSequence, otherIdsEl],
  ];
  for (const [tag, el] of originals) {
    if (!mods.some((m) => m.tag === tag)) continue;
    previous.push(el ? range(el) : (c.absent.get(tag) as Buffer));
  }
  const original: HeaderPart[] = [c.originalStart];
  for (const item of header.sequenceItems.get(Tag.OriginalAttributesSequence) ?? []) original.push(range(item));
  original.push(c.itemStart, c.modifiedStart, c.itemStart, ...previous, c.itemEnd, c.sequenceEnd, c.originalTrailer);
  mods.push({ tag: Tag.OriginalAttributesSequence, parts: original });

  // Group lengths (retired, but still written by some senders) must stay true for the groups we changed.
  if (groupLengths) addGroupLengths(header, mods, enc);
  mods.sort((a, b) => a.tag - b.tag);

  // Merge: runs of untouched elements as single ranges, modifications in place, insertions at their sorted position.
  const parts: HeaderPart[] = [];
  let runStart = 0; // the preamble and file meta ride along in the first run
  const flushRun = (to: number) => {
    if (to > runStart) parts.push({ start: runStart, end: to });
    runStart = to;
  };
  let m = 0;
  for (const el of header.elements) {
    while (m < mods.length && (mods[m] as Modification).tag < el.tag) {
      flushRun(el.start);
      parts.push(...((mods[m] as Modification).parts ?? []));
      m += 1;
    }
    if (m < mods.length && (mods[m] as Modification).tag === el.tag) {
      flushRun(el.start);
      parts.push(...((mods[m] as Modification).parts ?? []));
      runStart = el.end;
      m += 1;
    }
  }
  flushRun(header.headerEnd);
  for (; m < mods.length; m += 1) parts.push(...((mods[m] as Modification).parts ?? []));
  return { parts, length: size(parts), modifiedTags: mods.filter((x) => (x.tag & 0xffff) !== 0).map((x) => formatTag(x.tag)) };
}

function unAsSequence(el: ElementSpan): DicomFileError {
  return new DicomFileError('MALFORMED', `${formatTag(el.tag)} is stored as UN, so it cannot be extended safely`, { offset: el.start });
}

/** Adds a recomputed group length (gggg,0000) for each changed group that has one: original bytes, minus replaced, plus new. */
function addGroupLengths(header: DicomHeader, mods: Modification[], enc: DatasetEncoding): void {
  const byTag = new Map(header.elements.map((e) => [e.tag, e]));
  const groups = new Set(mods.map((x) => groupOf(x.tag)));
  for (const g of groups) {
    const lengthTag = (g << 16) >>> 0;
    if (!byTag.has(lengthTag)) continue;
    let bytes = 0;
    for (const el of header.elements) if (groupOf(el.tag) === g && el.tag !== lengthTag) bytes += el.end - el.start;
    for (const x of mods) {
      if (groupOf(x.tag) !== g) continue;
      const old = byTag.get(x.tag);
      if (old) bytes -= old.end - old.start;
      bytes += size(x.parts ?? []);
    }
    mods.push({ tag: lengthTag, parts: [ulElement(lengthTag, bytes, enc)] });
  }
}
