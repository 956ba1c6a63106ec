import fs from 'node:fs';
import { bufferSource, FileWindowSource, type ByteSource } from './byteSource';
import { textDecoderFor, type TextDecoderForDataset } from './characterSet';
import { DicomFileError, fromFsError } from './errors';
import { fdIo, readAt } from './fdIo';
import { ElementWalker, IMPLICIT_LE, malformed, type RawElement } from './elementWalker';
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

/** PS3.5 6.2: LO, SH, PN, CS and DA values allow no control characters other than ESC. */
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u0008\u000a-\u001a\u001c-\u001f\u007f]/;
/** VRs whose text is always in the default repertoire, whatever Specific Character Set says. */
const DEFAULT_REPERTOIRE_VRS = new Set(['AE', 'AS', 'CS', 'DA', 'DS', 'DT', 'IS', 'TM', 'UI']);
const ASCII = textDecoderFor(undefined);
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
