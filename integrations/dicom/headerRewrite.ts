import { emptyElement, itemEnd, itemStart, sequenceEnd, sequenceStart, textElement, ulElement } from './elementWriter';
import { DicomFileError, DicomRewriteConfigError } from './errors';
import type { DicomHeader, ElementSpan } from './headerReader';
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

/** What the fix-up writes into every instance of a reconciled study (IHE RAD IRWF.b, "coercion"). */
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

interface OutElement {
  tag: number;
  parts: HeaderPart[];
}

function size(parts: readonly HeaderPart[]): number {
  let n = 0;
  for (const p of parts) n += Buffer.isBuffer(p) ? p.length : p.end - p.start;
  return n;
}

function range(el: { start: number; end: number }): HeaderPart {
  return { start: el.start, end: el.end };
}

/**
 * Plans the coerced header of one instance (IHE RAD TF-2 IRWF.b "Import Reconciliation"; PS3.3 C.12.1.1.9):
 * - Patient ID (0010,0020) := S number; Issuer of Patient ID (0010,0021) := our issuer;
 * - Issuer of Patient ID Qualifiers Sequence (0010,0024) removed: it described the sender's issuer;
 * - Other Patient IDs Sequence (0010,1002) keeps its items and gains one with the sender's Patient ID and issuer;
 * - Accession Number (0008,0050) per the rule;
 * - Original Attributes Sequence (0400,0561) keeps its items and gains one whose Modified Attributes Sequence
 *   (0400,0550) holds every replaced or removed element byte for byte as it was (absent ones with zero length), with
 *   Attribute Modification DateTime, Modifying System, Source of Previous Values and Reason "COERCE";
 * - group lengths (gggg,0000) of changed groups, when present, recomputed; every other byte copied, in order.
 */
export function planRewrite(header: DicomHeader, rewrite: PatientRewrite): RewritePlan {
  const enc = header.encoding;
  const byTag = new Map<number, ElementSpan>(header.elements.map((e) => [e.tag, e]));
  for (const tag of [Tag.OtherPatientIDsSequence, Tag.OriginalAttributesSequence, Tag.IssuerOfPatientIDQualifiersSequence]) {
    const el = byTag.get(tag);
    // Items of a sequence stored as UN are implicit VR inside an explicit file: they cannot sit in a new SQ as they are.
    if (el && el.vr === 'UN' && enc.explicitVr) {
      throw new DicomFileError('MALFORMED', `${formatTag(tag)} is stored as UN, so it cannot be extended safely`, { offset: el.start });
    }
  }

  const replaced = new Map<number, HeaderPart[] | null>(); // null = remove
  const accession = newAccession(header, rewrite.accession);
  if (accession !== undefined) replaced.set(Tag.AccessionNumber, [textElement(Tag.AccessionNumber, 'SH', accession, enc)]);
  replaced.set(Tag.PatientID, [textElement(Tag.PatientID, 'LO', rewrite.sNumber, enc)]);
  replaced.set(Tag.IssuerOfPatientID, [textElement(Tag.IssuerOfPatientID, 'LO', rewrite.issuer, enc)]);
  if (byTag.has(Tag.IssuerOfPatientIDQualifiersSequence)) replaced.set(Tag.IssuerOfPatientIDQualifiersSequence, null);

  // Other Patient IDs Sequence: the sender's identifier joins the patient's other ids (IRWF.b).
  const originalId = byTag.get(Tag.PatientID);
  const otherIds: HeaderPart[] = [sequenceStart(Tag.OtherPatientIDsSequence, enc)];
  for (const item of header.sequenceItems.get(Tag.OtherPatientIDsSequence) ?? []) otherIds.push(range(item));
  if (originalId && originalId.length > 0 && header.patient.id) {
    otherIds.push(itemStart(enc), range(originalId));
    const issuer = byTag.get(Tag.IssuerOfPatientID);
    if (issuer) otherIds.push(range(issuer));
    otherIds.push(textElement(Tag.TypeOfPatientID, 'CS', 'TEXT', enc)); // Type 1 in the item (PS3.3 C.7.1.1)
    const qualifiers = byTag.get(Tag.IssuerOfPatientIDQualifiersSequence);
    if (qualifiers) otherIds.push(range(qualifiers));
    otherIds.push(itemEnd(enc));
  }
  otherIds.push(sequenceEnd(enc));
  replaced.set(Tag.OtherPatientIDsSequence, otherIds);

  // Modified Attributes Sequence: previous values of everything above, in ascending tag order.
  const previous: HeaderPart[] = [];
  const modifiedTags = [...replaced.keys()].sort((a, b) => a - b);
  for (const tag of modifiedTags) {
    const el = byTag.get(tag);
    if (el) previous.push(range(el));
    else previous.push(emptyElement(tag, tag === Tag.OtherPatientIDsSequence ? 'SQ' : vrOfNew(tag), enc));
  }
  const original: HeaderPart[] = [sequenceStart(Tag.OriginalAttributesSequence, enc)];
  for (const item of header.sequenceItems.get(Tag.OriginalAttributesSequence) ?? []) original.push(range(item));
  original.push(
    itemStart(enc),
    sequenceStart(Tag.ModifiedAttributesSequence, enc),
    itemStart(enc),
    ...previous,
    itemEnd(enc),
    sequenceEnd(enc),
    textElement(Tag.AttributeModificationDateTime, 'DT', dicomDateTime(rewrite.modifiedAt), enc),
    textElement(Tag.ModifyingSystem, 'LO', rewrite.modifyingSystem, enc),
    rewrite.sourceOfPreviousValues
      ? textElement(Tag.SourceOfPreviousValues, 'LO', rewrite.sourceOfPreviousValues, enc)
      : emptyElement(Tag.SourceOfPreviousValues, 'LO', enc),
    textElement(Tag.ReasonForTheAttributeModification, 'CS', 'COERCE', enc),
    itemEnd(enc),
    sequenceEnd(enc),
  );
  replaced.set(Tag.OriginalAttributesSequence, original);

  // Merge: original elements in order, replacements in place, insertions at their sorted position.
  const out: OutElement[] = [];
  const pending = [...replaced.keys()].filter((t) => !byTag.has(t)).sort((a, b) => a - b);
  const flushBefore = (tag: number) => {
    while (pending.length > 0 && (pending[0] as number) < tag) {
      const t = pending.shift() as number;
      out.push({ tag: t, parts: replaced.get(t) ?? [] });
    }
  };
  for (const el of header.elements) {
    flushBefore(el.tag);
    const r = replaced.get(el.tag);
    if (r === undefined) out.push({ tag: el.tag, parts: [range(el)] });
    else if (r !== null) out.push({ tag: el.tag, parts: r });
  }
  flushBefore(Number.MAX_SAFE_INTEGER);

  // Group lengths (retired, but still written by some senders) must stay true for the groups we changed.
  const changedGroups = new Set(modifiedTags.map(groupOf).concat(groupOf(Tag.OriginalAttributesSequence)));
  for (const o of out) {
    if ((o.tag & 0xffff) === 0 && changedGroups.has(groupOf(o.tag))) {
      const groupBytes = out.filter((x) => groupOf(x.tag) === groupOf(o.tag) && x !== o).reduce((n, x) => n + size(x.parts), 0);
      o.parts = [ulElement(o.tag, groupBytes, enc)];
    }
  }

  const parts: HeaderPart[] = [{ start: 0, end: header.datasetOffset }];
  for (const o of out) parts.push(...o.parts);
  return { parts: coalesce(parts), length: size(parts), modifiedTags: modifiedTags.concat(Tag.OriginalAttributesSequence).map(formatTag) };
}

/** VR of an element we insert when the sender had none (PS3.6). */
function vrOfNew(tag: number): string {
  switch (tag) {
    case Tag.AccessionNumber:
      return 'SH';
    case Tag.IssuerOfPatientIDQualifiersSequence:
      return 'SQ';
    default:
      return 'LO';
  }
}

/** Joins adjacent input ranges so the writer issues fewer, larger copies. */
function coalesce(parts: HeaderPart[]): HeaderPart[] {
  const merged: HeaderPart[] = [];
  for (const p of parts) {
    const last = merged[merged.length - 1];
    if (!Buffer.isBuffer(p) && last !== undefined && !Buffer.isBuffer(last) && last.end === p.start) {
      merged[merged.length - 1] = { start: last.start, end: p.end };
    } else {
      merged.push(p);
    }
  }
  return merged;
}
