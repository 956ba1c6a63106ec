import fs from 'node:fs';
import { bufferSource, FileWindowSource, type ByteSource } from './byteSource';
import { textDecoderFor, type TextDecoderForDataset } from './characterSet';
import { DicomFileError, fromFsError } from './errors';
import { fdIo, readAt } from './fdIo';
import { expectsPixelData } from './sopClasses';
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
/** Explicit VRs, keyed by their two bytes; `long`: 2 reserved bytes and a 4-byte length follow (PS3.5 Table 7.1-1). */
const VR_KINDS = new Map<number, { vr: string; long: boolean }>();
for (const vr of ['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']) VR_KINDS.set(vr.charCodeAt(0) * 256 + vr.charCodeAt(1), { vr, long: true });
for (const vr of ['AE', 'AS', 'AT', 'CS', 'DA', 'DS', 'DT', 'FL', 'FD', 'IS', 'LO', 'LT', 'PN', 'SH', 'SL', 'SS', 'ST', 'TM', 'UI', 'UL', 'US']) {
  VR_KINDS.set(vr.charCodeAt(0) * 256 + vr.charCodeAt(1), { vr, long: false });
}
/** PS3.5 6.2: LO, SH, PN, CS and DA values allow no control characters other than ESC. */
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u0008\u000a-\u001a\u001c-\u001f\u007f]/;
/** VRs whose text is always in the default repertoire, whatever Specific Character Set says. */
const DEFAULT_REPERTOIRE_VRS = new Set(['AE', 'AS', 'CS', 'DA', 'DS', 'DT', 'IS', 'TM', 'UI']);
const ASCII = textDecoderFor(undefined);
const IMPLICIT_LE: DatasetEncoding = { explicitVr: false, littleEndian: true };

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
    // Loaded on first use: dcmjs costs ~0.1 s and ~17 MB to load, and explicit VR files (most) never need it.
    const { data } = require('dcmjs') as typeof import('dcmjs');
    const entry = data.DicomMetaDictionary.dictionary[formatTag(tag)];
    vr = entry && /^[A-Z]{2}$/.test(entry.vr) ? entry.vr : 'UN';
    if (implicitVrCache.size < 10_000) implicitVrCache.set(tag, vr);
  }
  return vr;
}

/** Walks elements, items and delimiters of one data set encoding over a ByteSource. */
class ElementWalker {
  constructor(readonly src: ByteSource) {}

  tagAt(pos: number, enc: DatasetEncoding): number {
    const o = this.src.at(pos, 4);
    const w = this.src.window;
    return enc.littleEndian ? ((w.readUInt16LE(o) << 16) | w.readUInt16LE(o + 2)) >>> 0 : w.readUInt32BE(o);
  }

  /** Reads the element header at `pos` (PS3.5 7.1.2 explicit, 7.1.3 implicit; items 7.5). */
  header(pos: number, enc: DatasetEncoding): RawElement {
    // 8 bytes cover tag + VR + short length, and tag + length for implicit VR and items.
    const o = this.src.at(pos, 8);
    const w = this.src.window;
    const le = enc.littleEndian;
    const tag = le ? ((w.readUInt16LE(o) << 16) | w.readUInt16LE(o + 2)) >>> 0 : w.readUInt32BE(o);
    if (tag >>> 16 === 0xfffe) {
      return { tag, vr: '', start: pos, valueOffset: pos + 8, length: le ? w.readUInt32LE(o + 4) : w.readUInt32BE(o + 4) };
    }
    if (!enc.explicitVr) {
      const length = w.readUInt32LE(o + 4); // implicit VR is little endian only (PS3.5 A.1)
      const vr = length === UNDEFINED_LENGTH && tag !== Tag.PixelData ? 'SQ' : dictionaryVr(tag);
      return { tag, vr, start: pos, valueOffset: pos + 8, length };
    }
    const kind = VR_KINDS.get((w[o + 4] as number) * 256 + (w[o + 5] as number));
    if (kind === undefined) throw malformed(`element ${formatTag(tag)} has no valid explicit VR`, pos);
    if (!kind.long) {
      return { tag, vr: kind.vr, start: pos, valueOffset: pos + 8, length: le ? w.readUInt16LE(o + 6) : w.readUInt16BE(o + 6) };
    }
    const l = this.src.at(pos + 8, 4);
    const lw = this.src.window;
    return { tag, vr: kind.vr, start: pos, valueOffset: pos + 12, length: le ? lw.readUInt32LE(l) : lw.readUInt32BE(l) };
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
    const inner = el.vr === 'UN' ? IMPLICIT_LE : enc;
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

  /** The bytes of a value to decode now (a view: decode before the next read), refusing implausibly long ones. */
  value(el: RawElement): Buffer {
    if (el.length === UNDEFINED_LENGTH || el.length > MAX_DECODED_VALUE) {
      throw new DicomFileError('VALUE_TOO_LONG', `element ${formatTag(el.tag)} is too long to be a header value`, { offset: el.start });
    }
    const o = this.src.at(el.valueOffset, el.length);
    return this.src.window.subarray(o, o + el.length);
  }
}

/** Strips the padding (spaces, NUL) and insignificant spaces around a value (PS3.5 6.2). */
function trimValue(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && (s.charCodeAt(a) <= 0x20)) a += 1;
  while (b > a && (s.charCodeAt(b - 1) <= 0x20)) b -= 1;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}

/**
 * Parses a Part 10 header from a ByteSource: file meta (PS3.10 7.1), then the data set up to group 7FE0.
 * Throws DicomFileError (NOT_DICOM, META_INVALID, UNSUPPORTED_TRANSFER_SYNTAX, MALFORMED, TRUNCATED, VALUE_TOO_LONG).
 */
export function parseDicomHeader(src: ByteSource): DicomHeader {
  if (src.size < 132) throw new DicomFileError('NOT_DICOM', 'too short for a DICOM Part 10 file');
  const magic = src.at(128, 4);
  if (src.window.toString('latin1', magic, magic + 4) !== 'DICM') {
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

  const values: Omit<DicomHeader, 'fileSize' | 'transferSyntaxUid' | 'encoding' | 'datasetOffset' | 'headerEnd' | 'elements' | 'sequenceItems'> = {
    patient: { issuerUniversalEntityIds: [], otherIds: [] },
    textProblems: [],
  };
  const patient = values.patient;
  const elements: ElementSpan[] = [];
  const sequenceItems = new Map<number, ItemSpan[]>();
  let decoder: TextDecoderForDataset = ASCII;
  /** Decodes a text value; problems are recorded under the tag's path, e.g. "(0010,1002)>(0010,0020)". */
  const text = (el: RawElement, within?: number): string | undefined => {
    // PS3.5 6.1.2.3: only PN, SH, LO, ST, LT, UC and UT use the Specific Character Set; UIs, dates and codes are ASCII.
    const decoded = (DEFAULT_REPERTOIRE_VRS.has(el.vr) ? ASCII : decoder).decode(walker.value(el));
    let problem: string;
    if ('text' in decoded) {
      // Trim first: UIs are padded with NUL (PS3.5 6.2), which is padding, not a control character in the value.
      const value = trimValue(decoded.text);
      if (!CONTROL_CHARS.test(value)) return value;
      problem = 'value contains control characters';
    } else {
      problem = decoded.problem;
    }
    values.textProblems.push({ tag: within === undefined ? formatTag(el.tag) : `${formatTag(within)}>${formatTag(el.tag)}`, problem });
    return undefined;
  };

  let previousTag = -1;
  let headerEnd = src.size;
  let pixelData: PixelDataInfo | undefined;
  while (p < src.size) {
    const el = walker.header(p, encoding);
    const group = el.tag >>> 16;
    if (group >= PIXEL_GROUP) {
      headerEnd = p;
      if (el.tag === Tag.PixelData) pixelData = pixelDataInfo(walker, el, encoding);
      break;
    }
    if (group === 0xfffe) throw malformed(`unexpected ${formatTag(el.tag)} at the top level`, p);
    // PS3.5 7.1: ascending order. Two PatientIDs, say, would make identity ambiguous, so any disorder is refused.
    if (el.tag <= previousTag) throw malformed(`element ${formatTag(el.tag)} is out of order or repeated`, p);
    previousTag = el.tag;
    const end = walker.endOf(el, encoding, 0, src.size);
    elements.push({ tag: el.tag, vr: el.vr, start: el.start, valueOffset: el.valueOffset, length: el.length, end });

    if (group === 0x0008 || group === 0x0010 || group === 0x0020) {
      switch (el.tag) {
        case Tag.SpecificCharacterSet:
          values.specificCharacterSet = text(el);
          decoder = textDecoderFor(values.specificCharacterSet);
          break;
        case Tag.SOPClassUID: values.sopClassUid = text(el); break;
        case Tag.SOPInstanceUID: values.sopInstanceUid = text(el); break;
        case Tag.StudyDate: values.studyDate = text(el); break;
        case Tag.AccessionNumber: values.accessionNumber = text(el); break;
        case Tag.Modality: values.modality = text(el); break;
        case Tag.ModalitiesInStudy: values.modalitiesInStudy = text(el); break;
        case Tag.StudyInstanceUID: values.studyInstanceUid = text(el); break;
        case Tag.SeriesInstanceUID: values.seriesInstanceUid = text(el); break;
        case Tag.PatientName: patient.name = text(el); break;
        case Tag.PatientID: patient.id = text(el); break;
        case Tag.IssuerOfPatientID: patient.issuer = text(el); break;
        case Tag.PatientBirthDate: patient.birthDate = text(el); break;
        case Tag.IssuerOfPatientIDQualifiersSequence:
        case Tag.OtherPatientIDsSequence: {
          const { items, inner } = keptSequence(walker, el, encoding, sequenceItems);
          const within = (nested: RawElement) => text(nested, el.tag);
          if (el.tag === Tag.IssuerOfPatientIDQualifiersSequence) patient.issuerUniversalEntityIds = universalEntityIds(walker, items, inner, within);
          else patient.otherIds = items.map((item) => otherPatientId(walker, item, inner, within));
          break;
        }
        default:
          break;
      }
    } else if (el.tag === Tag.OriginalAttributesSequence) {
      keptSequence(walker, el, encoding, sequenceItems);
    }
    p = end;
  }
  return { ...values, fileSize: src.size, transferSyntaxUid, encoding, datasetOffset, headerEnd, pixelData, elements, sequenceItems };
}

/** Reads the items of a sequence the rewrite extends, checking that it is one. */
function keptSequence(walker: ElementWalker, el: RawElement, encoding: DatasetEncoding, into: Map<number, ItemSpan[]>): { items: ItemSpan[]; inner: DatasetEncoding } {
  if (el.vr !== 'SQ' && !(el.vr === 'UN' && el.length === UNDEFINED_LENGTH)) {
    throw malformed(`element ${formatTag(el.tag)} should be a sequence (SQ), is ${el.vr}`, el.start);
  }
  const inner = el.vr === 'UN' ? IMPLICIT_LE : encoding;
  const { items } = walker.items(el.valueOffset, el.length, inner, 1, walker.src.size);
  into.set(el.tag, items);
  return { items, inner };
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

/** Bytes read first: the header of a typical CT or MR instance is 1-20 KiB; the window grows when it must. */
const FIRST_READ = 16 * 1024;

/**
 * Reads one instance's header from a file or a buffer (see DicomHeader). Reads only the header (and, for encapsulated
 * pixel data, the fragment item headers), never the pixel data. Throws DicomFileError with `path` set.
 */
export async function readDicomHeader(input: string | Buffer): Promise<DicomHeader> {
  if (Buffer.isBuffer(input)) return parseDicomHeader(bufferSource(input));
  let fd: number | undefined;
  try {
    fd = await fdIo.open(input, 'r');
    const { size } = await fdIo.fstat(fd);
    const first = Buffer.allocUnsafe(Math.min(size, FIRST_READ));
    const n = await readAt(fd, first, first.length, 0);
    return parseDicomHeader(new FileWindowSource(fd, size, { start: 0, bytes: first.subarray(0, n) }));
  } catch (err) {
    throw fromFsError(err, input);
  } finally {
    if (fd !== undefined) await fdIo.close(fd).catch(() => undefined);
  }
}

const syncFirstRead = Buffer.alloc(FIRST_READ);


/**
 * The same as readDicomHeader, with synchronous reads: open, one 16 KiB read (plus a stat when the file is larger),
 * close. For a pass over thousands of page-cached headers this is several times cheaper than four thread-pool
 * round trips per file; callers yield to the event loop between files (see reconcileStudy).
 */
export function readDicomHeaderSync(path: string): DicomHeader {
  let fd: number | undefined;
  try {
    fd = fs.openSync(path, 'r');
    // One buffer for every synchronous read: nothing parsed keeps a view of it (values are decoded to strings).
    const first = syncFirstRead;
    let n = 0;
    for (let r = -1; r !== 0 && n < first.length; n += r) r = fs.readSync(fd, first, n, first.length - n, n);
    // A short first read is the whole file; only a longer file needs its size from the file system.
    const size = n < first.length ? n : fs.fstatSync(fd).size;
    return parseDicomHeader(new FileWindowSource(fd, size, { start: 0, bytes: first.subarray(0, n) }));
  } catch (err) {
    throw fromFsError(err, path);
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
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
  uid(header.sopClassUid, 'SOP Class UID', Tag.SOPClassUID);
  uid(header.sopInstanceUid, 'SOP Instance UID', Tag.SOPInstanceUID);
  uid(header.studyInstanceUid, 'Study Instance UID', Tag.StudyInstanceUID);
  const px = header.pixelData;
  // No end-of-file marker exists in DICOM: an image cut between two elements can only be told by what is missing.
  if (!px && header.headerEnd === header.fileSize && (header.elements.some((e) => e.tag === Tag.Rows) || expectsPixelData(header.sopClassUid))) {
    problems.push(new DicomFileError('MISSING_PIXEL_DATA', 'an image (by its SOP class or Rows) that ends before any Pixel Data (7FE0,0010)'));
  }
  if (px && !px.encapsulated && px.length === 0) problems.push(new DicomFileError('EMPTY_PIXEL_DATA', 'Pixel Data (7FE0,0010) is empty', { offset: px.offset }));
  if (px && px.encapsulated && px.fragments === 0) problems.push(new DicomFileError('EMPTY_PIXEL_DATA', 'encapsulated Pixel Data (7FE0,0010) has no fragments', { offset: px.offset }));
  if (px && !px.encapsulated && px.length % 2 === 1) problems.push(new DicomFileError('ODD_LENGTH_PIXEL_DATA', 'Pixel Data (7FE0,0010) has an odd length', { offset: px.offset }));
  if (px && px.oddFragment) problems.push(new DicomFileError('ODD_LENGTH_PIXEL_DATA', 'a Pixel Data fragment has an odd length', { offset: px.offset }));
  return problems;
}
