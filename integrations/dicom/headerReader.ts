import fs from 'node:fs/promises';
import { data as dcmjsData } from 'dcmjs';
import { bufferSource, FileWindowSource, type ByteSource } from './byteSource';
import { textDecoderFor, type TextDecoderForDataset } from './characterSet';
import { DicomFileError, fromFsError } from './errors';
import { formatTag, groupOf, PIXEL_GROUP, Tag, UNDEFINED_LENGTH } from './tags';
import { encodingOf, META_ENCODING, type DatasetEncoding } from './transferSyntax';

/*
 * A hand-written reader for the part of a DICOM Part 10 file before Pixel Data (7FE0,0010).
 *
 * Why not dcmjs here: dcmjs.data.DicomMessage.readFile parses every element, pixel data included, into JavaScript
 * objects. That is a full copy of a 0.5 MB slice at roughly 150 MB/s, and it needs the whole file in memory. The
 * engine only needs a dozen identity values and the byte spans of top-level elements, so this reader walks element
 * headers (PS3.5 7.1), skips values by length, descends only into sequences of undefined length (PS3.5 7.5) and the
 * few sequences it must read, and stops at group 7FE0. Every read is bounds-checked: bad input ends in a
 * DicomFileError with a code, never an exception of another type, a hang, or an unbounded allocation.
 */

/** One top-level element of the data set, by byte position in the file. */
export interface ElementSpan {
  readonly tag: number;
  /** Explicit VR as written, or for implicit VR the dictionary's VR ('UN' when unknown). */
  readonly vr: string;
  /** First byte of the element (its tag). */
  readonly start: number;
  readonly valueOffset: number;
  /** Value length as written: UNDEFINED_LENGTH (0xFFFFFFFF) for a delimited sequence. */
  readonly length: number;
  /** One past the last byte, delimiters included. */
  readonly end: number;
}

/** One item (FFFE,E000) of a sequence, delimiters included. */
export interface ItemSpan {
  readonly start: number;
  readonly end: number;
}

/** An item of Other Patient IDs Sequence (0010,1002). */
export interface OtherPatientId {
  patientId?: string;
  issuer?: string;
  typeOfPatientId?: string;
  /** Universal Entity ID (0040,0032) values from the item's Issuer of Patient ID Qualifiers Sequence (0010,0024). */
  issuerUniversalEntityIds: string[];
}

/** Pixel Data (7FE0,0010) as found; its bytes are never read. */
export interface PixelDataInfo {
  /** Offset of the element's tag. */
  readonly offset: number;
  readonly valueOffset: number;
  /** Value length, or UNDEFINED_LENGTH when encapsulated (PS3.5 A.4). */
  readonly length: number;
  readonly encapsulated: boolean;
  /** Encapsulated only: fragments after the Basic Offset Table. */
  readonly fragments?: number;
  /** Encapsulated only: whether any fragment has an odd length. */
  readonly oddFragment?: boolean;
}

/** What the engine needs from one instance's header. Values are trimmed text; absent elements are undefined. */
export interface DicomHeader {
  readonly fileSize: number;
  readonly transferSyntaxUid: string;
  readonly encoding: DatasetEncoding;
  /** First byte after the file meta information (group 0002). */
  readonly datasetOffset: number;
  /** First byte of the first top-level element in group 7FE0 or later; fileSize when there is none. */
  readonly headerEnd: number;
  readonly pixelData?: PixelDataInfo;
  /** Top-level elements between datasetOffset and headerEnd, in file order. */
  readonly elements: readonly ElementSpan[];
  /** Items of the sequences the rewrite extends: (0010,1002), (0010,0024), (0400,0561). */
  readonly sequenceItems: ReadonlyMap<number, readonly ItemSpan[]>;
  specificCharacterSet?: string;
  sopClassUid?: string;
  sopInstanceUid?: string;
  studyInstanceUid?: string;
  seriesInstanceUid?: string;
  modality?: string;
  modalitiesInStudy?: string;
  /** Study Date (0008,0020) as written (DA, normally YYYYMMDD). */
  studyDate?: string;
  accessionNumber?: string;
  patient: {
    /** Patient's Name (0010,0010), decoded with the Specific Character Set, still in DICOM PN form. */
    name?: string;
    id?: string;
    issuer?: string;
    /** Universal Entity ID (0040,0032) values in Issuer of Patient ID Qualifiers Sequence (0010,0024). */
    issuerUniversalEntityIds: string[];
    /** Patient's Birth Date (0010,0030) as written (DA). */
    birthDate?: string;
    otherIds: OtherPatientId[];
  };
  /**
   * Values present but not readable as text (bad bytes for the character set, control characters). `tag` is the
   * element's path: "(0010,0010)" at the top level, "(0010,1002)>(0010,0020)" inside a sequence item.
   */
  textProblems: Array<{ tag: string; problem: string }>;
}

/** Longest value we decode: identity values are short strings; anything longer is garbage, not a name. */
const MAX_DECODED_VALUE = 64 * 1024;
/** Sequences nested deeper than this are hostile, not clinical. */
const MAX_DEPTH = 32;
/** Explicit VRs with a 2-byte reserved field and a 4-byte length (PS3.5 Table 7.1-1). */
const LONG_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']);
const SHORT_VRS = new Set([
  'AE', 'AS', 'AT', 'CS', 'DA', 'DS', 'DT', 'FL', 'FD', 'IS', 'LO', 'LT', 'PN', 'SH', 'SL', 'SS', 'ST', 'TM', 'UI', 'UL', 'US',
]);
/** PS3.5 6.2: LO, SH, PN, CS and DA values allow no control characters other than ESC. */
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u0008\u000a-\u001a\u001c-\u001f\u007f]/;
/** Top-level text values we decode, with the property that receives them. */
const TEXT_TAGS = new Map<number, string>([
  [Tag.SpecificCharacterSet, 'specificCharacterSet'],
  [Tag.SOPClassUID, 'sopClassUid'],
  [Tag.SOPInstanceUID, 'sopInstanceUid'],
  [Tag.StudyDate, 'studyDate'],
  [Tag.AccessionNumber, 'accessionNumber'],
  [Tag.Modality, 'modality'],
  [Tag.ModalitiesInStudy, 'modalitiesInStudy'],
  [Tag.StudyInstanceUID, 'studyInstanceUid'],
  [Tag.SeriesInstanceUID, 'seriesInstanceUid'],
]);
const PATIENT_TEXT_TAGS = new Map<number, 'name' | 'id' | 'issuer' | 'birthDate'>([
  [Tag.PatientName, 'name'],
  [Tag.PatientID, 'id'],
  [Tag.IssuerOfPatientID, 'issuer'],
  [Tag.PatientBirthDate, 'birthDate'],
]);
/** VRs whose text is always in the default repertoire, whatever Specific Character Set says. */
const DEFAULT_REPERTOIRE_VRS = new Set(['AE', 'AS', 'CS', 'DA', 'DS', 'DT', 'IS', 'TM', 'UI']);
const KEPT_SEQUENCES = new Set<number>([Tag.IssuerOfPatientIDQualifiersSequence, Tag.OtherPatientIDsSequence, Tag.OriginalAttributesSequence]);

interface RawElement {
  tag: number;
  vr: string;
  start: number;
  valueOffset: number;
  length: number;
}

function malformed(detail: string, offset: number): DicomFileError {
  return new DicomFileError('MALFORMED', detail, { offset });
}

const implicitVrCache = new Map<number, string>();
/** VR of a tag for implicit VR data sets, from dcmjs's PS3.6 dictionary ('UN' when unknown or ambiguous). */
function dictionaryVr(tag: number): string {
  let vr = implicitVrCache.get(tag);
  if (vr === undefined) {
    const entry = dcmjsData.DicomMetaDictionary.dictionary[formatTag(tag)];
    vr = entry && /^[A-Z]{2}$/.test(entry.vr) ? entry.vr : 'UN';
    if (implicitVrCache.size < 10_000) implicitVrCache.set(tag, vr);
  }
  return vr;
}

/** Walks elements, items and delimiters of one data set encoding over a ByteSource. */
class ElementWalker {
  constructor(readonly src: ByteSource) {}

  tagAt(pos: number, enc: DatasetEncoding): number {
    const b = this.src.bytes(pos, 4);
    return enc.littleEndian ? ((b.readUInt16LE(0) << 16) | b.readUInt16LE(2)) >>> 0 : b.readUInt32BE(0);
  }

  /** Reads the element header at `pos` (PS3.5 7.1.2 explicit, 7.1.3 implicit; items 7.5). */
  header(pos: number, enc: DatasetEncoding): RawElement {
    const tag = this.tagAt(pos, enc);
    if (groupOf(tag) === 0xfffe) {
      const b = this.src.bytes(pos + 4, 4);
      return { tag, vr: '', start: pos, valueOffset: pos + 8, length: enc.littleEndian ? b.readUInt32LE(0) : b.readUInt32BE(0) };
    }
    if (!enc.explicitVr) {
      const b = this.src.bytes(pos + 4, 4);
      const length = b.readUInt32LE(0); // implicit VR is little endian only (PS3.5 A.1)
      const vr = length === UNDEFINED_LENGTH && tag !== Tag.PixelData ? 'SQ' : dictionaryVr(tag);
      return { tag, vr, start: pos, valueOffset: pos + 8, length };
    }
    const b = this.src.bytes(pos + 4, 4);
    const vr = String.fromCharCode(b[0] ?? 0, b[1] ?? 0);
    if (LONG_VRS.has(vr)) {
      const l = this.src.bytes(pos + 8, 4);
      return { tag, vr, start: pos, valueOffset: pos + 12, length: enc.littleEndian ? l.readUInt32LE(0) : l.readUInt32BE(0) };
    }
    if (SHORT_VRS.has(vr)) {
      return { tag, vr, start: pos, valueOffset: pos + 8, length: enc.littleEndian ? b.readUInt16LE(2) : b.readUInt16BE(2) };
    }
    throw malformed(`element ${formatTag(tag)} has no valid explicit VR`, pos);
  }

  /** End of an element's value (delimiters included), walking a delimited sequence when it has to. */
  endOf(el: RawElement, enc: DatasetEncoding, depth: number, limit: number): number {
    if (el.length !== UNDEFINED_LENGTH) {
      const end = el.valueOffset + el.length;
      if (end > limit) {
        if (limit === this.src.size) throw new DicomFileError('TRUNCATED', `element ${formatTag(el.tag)} runs past the end of the file`, { offset: el.start });
        throw malformed(`element ${formatTag(el.tag)} runs past the end of its item`, el.start);
      }
      return end;
    }
    if (el.vr !== 'SQ' && el.vr !== 'UN' && el.vr !== 'OB' && el.vr !== 'OW') {
      throw malformed(`element ${formatTag(el.tag)} (${el.vr}) has undefined length`, el.start);
    }
    // PS3.5 6.2.2: a UN of undefined length holds a sequence encoded in implicit VR little endian.
    const inner = el.vr === 'UN' ? { explicitVr: false, littleEndian: true } : enc;
    return this.items(el.valueOffset, UNDEFINED_LENGTH, inner, depth + 1, limit).end;
  }

  /** The items of a sequence value starting at `pos` (defined length `length`, or delimited). */
  items(pos: number, length: number, enc: DatasetEncoding, depth: number, limit: number): { end: number; items: ItemSpan[] } {
    if (depth > MAX_DEPTH) throw malformed(`sequences nested deeper than ${MAX_DEPTH}`, pos);
    const items: ItemSpan[] = [];
    const stop = length === UNDEFINED_LENGTH ? limit : pos + length;
    if (stop > limit) throw new DicomFileError('TRUNCATED', 'a sequence runs past the end of its container', { offset: pos });
    let p = pos;
    for (;;) {
      if (length !== UNDEFINED_LENGTH && p === stop) return { end: p, items };
      const item = this.header(p, enc);
      if (item.tag === Tag.SequenceDelimitationItem && length === UNDEFINED_LENGTH) return { end: p + 8, items };
      if (item.tag !== Tag.Item) throw malformed(`expected an item tag (FFFE,E000) in a sequence, found ${formatTag(item.tag)}`, p);
      const end =
        item.length === UNDEFINED_LENGTH
          ? this.dataset(item.valueOffset, undefined, enc, depth, stop, () => undefined)
          : this.boundedEnd(item.valueOffset + item.length, stop, p);
      items.push({ start: p, end });
      p = end;
    }
  }

  /**
   * Walks the elements of an item from `pos` to `end` (or to its Item Delimitation Item when `end` is undefined),
   * calling `visit` for each. Returns the position after the item.
   */
  dataset(
    pos: number,
    end: number | undefined,
    enc: DatasetEncoding,
    depth: number,
    limit: number,
    visit: (el: RawElement, enc: DatasetEncoding) => void,
  ): number {
    let p = pos;
    for (;;) {
      if (end !== undefined && p === end) return p;
      const el = this.header(p, enc);
      if (el.tag === Tag.ItemDelimitationItem) {
        if (end !== undefined) throw malformed('item delimiter inside an item of defined length', p);
        return p + 8;
      }
      if (groupOf(el.tag) === 0xfffe) throw malformed(`unexpected ${formatTag(el.tag)} inside an item`, p);
      visit(el, enc);
      const next = this.endOf(el, enc, depth, end ?? limit);
      p = next;
    }
  }

  boundedEnd(end: number, limit: number, at: number): number {
    if (end > limit) {
      if (limit === this.src.size) throw new DicomFileError('TRUNCATED', 'an item runs past the end of the file', { offset: at });
      throw malformed('an item runs past the end of its sequence', at);
    }
    return end;
  }

  /** Copies an element's value for decoding, refusing implausibly long ones. */
  value(el: RawElement): Buffer {
    if (el.length === UNDEFINED_LENGTH || el.length > MAX_DECODED_VALUE) {
      throw new DicomFileError('VALUE_TOO_LONG', `element ${formatTag(el.tag)} is too long to be a header value`, { offset: el.start });
    }
    return Buffer.from(this.src.bytes(el.valueOffset, el.length));
  }
}

function trimValue(s: string): string {
  return s.replace(/^[\s\u0000]+|[\s\u0000]+$/g, '');
}

/**
 * Parses a Part 10 header from a ByteSource: file meta (PS3.10 7.1), then the data set up to group 7FE0.
 * Throws DicomFileError (NOT_DICOM, META_INVALID, UNSUPPORTED_TRANSFER_SYNTAX, MALFORMED, TRUNCATED, VALUE_TOO_LONG).
 */
export function parseDicomHeader(src: ByteSource): DicomHeader {
  if (src.size < 132 || src.bytes(128, 4).toString('latin1') !== 'DICM') {
    throw new DicomFileError('NOT_DICOM', 'no DICOM Part 10 preamble ("DICM" at byte 128)');
  }
  const walker = new ElementWalker(src);

  // File meta information: group 0002, always explicit VR little endian.
  let p = 132;
  let transferSyntaxUid: string | undefined;
  while (p < src.size && groupOf(walker.tagAt(p, META_ENCODING)) === 0x0002) {
    const el = walker.header(p, META_ENCODING);
    if (el.tag === Tag.TransferSyntaxUID) transferSyntaxUid = trimValue(walker.value(el).toString('latin1'));
    p = walker.endOf(el, META_ENCODING, 0, src.size);
  }
  if (!transferSyntaxUid || !/^[0-9]+(\.[0-9]+)*$/.test(transferSyntaxUid)) {
    throw new DicomFileError('META_INVALID', 'no usable Transfer Syntax UID (0002,0010) in the file meta information');
  }
  const encoding = encodingOf(transferSyntaxUid);
  const datasetOffset = p;

  const header: DicomHeader = {
    fileSize: src.size,
    transferSyntaxUid,
    encoding,
    datasetOffset,
    headerEnd: src.size,
    elements: [],
    sequenceItems: new Map(),
    patient: { issuerUniversalEntityIds: [], otherIds: [] },
    textProblems: [],
  };
  const elements: ElementSpan[] = [];
  const sequenceItems = new Map<number, ItemSpan[]>();
  const asciiDecoder = textDecoderFor(undefined);
  let decoder: TextDecoderForDataset = asciiDecoder;
  /** Decodes a text value; problems are recorded under the tag's path, e.g. "(0010,1002)>(0010,0020)". */
  const text = (el: RawElement, within?: number): string | undefined => {
    const path = within === undefined ? formatTag(el.tag) : `${formatTag(within)}>${formatTag(el.tag)}`;
    // PS3.5 6.1.2.3: only PN, SH, LO, ST, LT, UC and UT use the Specific Character Set; UIs, dates and codes are ASCII.
    const decoded = (DEFAULT_REPERTOIRE_VRS.has(el.vr) ? asciiDecoder : decoder).decode(walker.value(el));
    if ('problem' in decoded) {
      header.textProblems.push({ tag: path, problem: decoded.problem });
      return undefined;
    }
    // Trim first: UIs are padded with NUL (PS3.5 6.2), which is padding, not a control character in the value.
    const value = trimValue(decoded.text);
    if (CONTROL_CHARS.test(value)) {
      header.textProblems.push({ tag: path, problem: 'value contains control characters' });
      return undefined;
    }
    return value;
  };

  let previousTag = -1;
  let headerEnd = src.size;
  while (p < src.size) {
    const el = walker.header(p, encoding);
    if (groupOf(el.tag) >= PIXEL_GROUP) {
      headerEnd = p;
      if (el.tag === Tag.PixelData) (header as { pixelData?: PixelDataInfo }).pixelData = pixelDataInfo(walker, el, encoding);
      break;
    }
    if (groupOf(el.tag) === 0xfffe) throw malformed(`unexpected ${formatTag(el.tag)} at the top level`, p);
    // PS3.5 7.1: ascending order. Two PatientIDs, say, would make identity ambiguous, so any disorder is refused.
    if (el.tag <= previousTag) throw malformed(`element ${formatTag(el.tag)} is out of order or repeated`, p);
    previousTag = el.tag;
    const end = walker.endOf(el, encoding, 0, src.size);
    elements.push({ ...el, end });

    const field = TEXT_TAGS.get(el.tag);
    const patientField = PATIENT_TEXT_TAGS.get(el.tag);
    if (field !== undefined) {
      const value = text(el);
      (header as unknown as Record<string, unknown>)[field] = value;
      if (el.tag === Tag.SpecificCharacterSet) decoder = textDecoderFor(value);
    } else if (patientField !== undefined) {
      header.patient[patientField] = text(el);
    } else if (KEPT_SEQUENCES.has(el.tag)) {
      if (el.vr !== 'SQ' && !(el.vr === 'UN' && el.length === UNDEFINED_LENGTH)) {
        throw malformed(`element ${formatTag(el.tag)} should be a sequence (SQ), is ${el.vr}`, p);
      }
      const inner = el.vr === 'UN' ? { explicitVr: false, littleEndian: true } : encoding;
      const { items } = walker.items(el.valueOffset, el.length, inner, 1, src.size);
      sequenceItems.set(el.tag, items);
      const within = (nested: RawElement) => text(nested, el.tag);
      if (el.tag === Tag.IssuerOfPatientIDQualifiersSequence) {
        header.patient.issuerUniversalEntityIds = universalEntityIds(walker, items, inner, within);
      } else if (el.tag === Tag.OtherPatientIDsSequence) {
        header.patient.otherIds = items.map((item) => otherPatientId(walker, item, inner, within));
      }
    }
    p = end;
  }
  return { ...header, headerEnd, elements, sequenceItems };
}

function itemDataset(walker: ElementWalker, item: ItemSpan, enc: DatasetEncoding, visit: (el: RawElement, enc: DatasetEncoding) => void): void {
  const h = walker.header(item.start, enc);
  walker.dataset(h.valueOffset, h.length === UNDEFINED_LENGTH ? undefined : h.valueOffset + h.length, enc, 2, item.end, visit);
}

function universalEntityIds(walker: ElementWalker, items: readonly ItemSpan[], enc: DatasetEncoding, text: (el: RawElement) => string | undefined): string[] {
  const ids: string[] = [];
  for (const item of items) {
    itemDataset(walker, item, enc, (el) => {
      if (el.tag === Tag.UniversalEntityID) {
        const v = text(el);
        if (v) ids.push(v);
      }
    });
  }
  return ids;
}

function otherPatientId(walker: ElementWalker, item: ItemSpan, enc: DatasetEncoding, text: (el: RawElement) => string | undefined): OtherPatientId {
  const other: OtherPatientId = { issuerUniversalEntityIds: [] };
  itemDataset(walker, item, enc, (el, itemEnc) => {
    if (el.tag === Tag.PatientID) other.patientId = text(el);
    else if (el.tag === Tag.IssuerOfPatientID) other.issuer = text(el);
    else if (el.tag === Tag.TypeOfPatientID) other.typeOfPatientId = text(el);
    else if (el.tag === Tag.IssuerOfPatientIDQualifiersSequence && el.vr === 'SQ') {
      const { items } = walker.items(el.valueOffset, el.length, itemEnc, 3, item.end);
      other.issuerUniversalEntityIds = universalEntityIds(walker, items, itemEnc, text);
    }
  });
  return other;
}

/**
 * Checks that Pixel Data fits in the file. Native: value length within the file. Encapsulated (PS3.5 A.4): walks the
 * item headers only (Basic Offset Table, fragments, sequence delimiter), reading 8 bytes per fragment.
 */
function pixelDataInfo(walker: ElementWalker, el: RawElement, enc: DatasetEncoding): PixelDataInfo {
  const size = walker.src.size;
  if (el.length !== UNDEFINED_LENGTH) {
    if (el.valueOffset + el.length > size) {
      throw new DicomFileError('TRUNCATED', 'the file ends inside Pixel Data (7FE0,0010)', { offset: el.start });
    }
    return { offset: el.start, valueOffset: el.valueOffset, length: el.length, encapsulated: false };
  }
  let p = el.valueOffset;
  let items = 0;
  let oddFragment = false;
  for (;;) {
    const item = walker.header(p, enc);
    if (item.tag === Tag.SequenceDelimitationItem) break;
    if (item.tag !== Tag.Item || item.length === UNDEFINED_LENGTH) {
      throw malformed('encapsulated Pixel Data holds something other than fragments of defined length', p);
    }
    if (items > 0 && item.length % 2 === 1) oddFragment = true;
    p = walker.boundedEnd(item.valueOffset + item.length, size, p);
    items += 1;
  }
  return { offset: el.start, valueOffset: el.valueOffset, length: UNDEFINED_LENGTH, encapsulated: true, fragments: Math.max(0, items - 1), oddFragment };
}

/** Bytes read first: the header of a typical CT or MR instance is 2-20 KiB. */
const FIRST_READ = 64 * 1024;

/**
 * Reads one instance's header from a file or a buffer (see DicomHeader). Reads only the header (and, for encapsulated
 * pixel data, the fragment item headers), never the pixel data. Throws DicomFileError with `path` set.
 */
export async function readDicomHeader(input: string | Buffer): Promise<DicomHeader> {
  if (Buffer.isBuffer(input)) return parseDicomHeader(bufferSource(input));
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(input, 'r');
    const { size } = await handle.stat();
    const first = Buffer.allocUnsafe(Math.min(size, FIRST_READ));
    const { bytesRead } = await handle.read(first, 0, first.length, 0);
    return parseDicomHeader(new FileWindowSource(handle.fd, size, { start: 0, bytes: first.subarray(0, bytesRead) }));
  } catch (err) {
    throw fromFsError(err, input);
  } finally {
    await handle?.close();
  }
}

/** Content checks that do not stop the header being read, but make the instance unfit for PACS. */
export function instanceProblems(header: DicomHeader): DicomFileError[] {
  const problems: DicomFileError[] = [];
  const uid = (value: string | undefined, name: string, tag: number) => {
    if (!value) problems.push(new DicomFileError('MISSING_UID', `${name} ${formatTag(tag)} is missing or empty`));
    // Digits and dots only (PS3.5 9.1); this also makes UIDs safe to use as file names.
    else if (value.length > 64 || !/^[0-9]+(\.[0-9]+)*$/.test(value)) problems.push(new DicomFileError('INVALID_UID', `${name} ${formatTag(tag)} is not a valid UID`));
  };
  uid(header.sopInstanceUid, 'SOP Instance UID', Tag.SOPInstanceUID);
  uid(header.studyInstanceUid, 'Study Instance UID', Tag.StudyInstanceUID);
  const px = header.pixelData;
  if (px && !px.encapsulated && px.length === 0) problems.push(new DicomFileError('EMPTY_PIXEL_DATA', 'Pixel Data (7FE0,0010) is empty', { offset: px.offset }));
  if (px && px.encapsulated && px.fragments === 0) problems.push(new DicomFileError('EMPTY_PIXEL_DATA', 'encapsulated Pixel Data (7FE0,0010) has no fragments', { offset: px.offset }));
  if (px && !px.encapsulated && px.length % 2 === 1) problems.push(new DicomFileError('ODD_LENGTH_PIXEL_DATA', 'Pixel Data (7FE0,0010) has an odd length', { offset: px.offset }));
  if (px && px.oddFragment) problems.push(new DicomFileError('ODD_LENGTH_PIXEL_DATA', 'a Pixel Data fragment has an odd length', { offset: px.offset }));
  return problems;
}
