import { Tag, UNDEFINED_LENGTH } from './tags';
import type { DatasetEncoding } from './transferSyntax';

/*
 * Encodes the few elements the rewrite adds, in the data set's own encoding (PS3.5 7.1.2 explicit VR, 7.1.3 implicit
 * VR, little or big endian). Hand-written because dcmjs only writes whole data sets, and the rewrite must splice a
 * handful of new elements between untouched original bytes.
 */

const LONG_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']);

function writeTag(buf: Buffer, tag: number, enc: DatasetEncoding): void {
  if (enc.littleEndian) {
    buf.writeUInt16LE(tag >>> 16, 0);
    buf.writeUInt16LE(tag & 0xffff, 2);
  } else {
    buf.writeUInt32BE(tag >>> 0, 0);
  }
}

function writeU32(buf: Buffer, value: number, offset: number, enc: DatasetEncoding): void {
  if (enc.littleEndian) buf.writeUInt32LE(value >>> 0, offset);
  else buf.writeUInt32BE(value >>> 0, offset);
}

/** The header of an element whose value (of `length` bytes, or UNDEFINED_LENGTH) follows. */
export function elementHeader(tag: number, vr: string, length: number, enc: DatasetEncoding): Buffer {
  if (!enc.explicitVr) {
    const b = Buffer.alloc(8);
    writeTag(b, tag, enc);
    writeU32(b, length, 4, enc);
    return b;
  }
  if (LONG_VRS.has(vr)) {
    const b = Buffer.alloc(12);
    writeTag(b, tag, enc);
    b.write(vr, 4, 'latin1');
    writeU32(b, length, 8, enc);
    return b;
  }
  if (length > 0xffff) throw new RangeError(`a ${vr} value cannot be ${length} bytes long`);
  const b = Buffer.alloc(8);
  writeTag(b, tag, enc);
  b.write(vr, 4, 'latin1');
  if (enc.littleEndian) b.writeUInt16LE(length, 6);
  else b.writeUInt16BE(length, 6);
  return b;
}

/** A text element (LO, SH, CS, DT, UI...), padded to even length: UI with NUL, the rest with a space (PS3.5 6.2). */
export function textElement(tag: number, vr: string, text: string, enc: DatasetEncoding): Buffer {
  const length = Buffer.byteLength(text, 'latin1');
  const padded = length + (length % 2);
  const head = elementHeader(tag, vr, padded, enc);
  const out = Buffer.allocUnsafe(head.length + padded);
  head.copy(out, 0);
  out.write(text, head.length, 'latin1');
  if (padded !== length) out[out.length - 1] = vr === 'UI' ? 0x00 : 0x20;
  return out;
}

/** An element present with no value (zero length): records "this attribute was absent" (PS3.5 7.1.1). */
export function emptyElement(tag: number, vr: string, enc: DatasetEncoding): Buffer {
  return elementHeader(tag, vr, 0, enc);
}

/** An Unsigned Long element, e.g. a recomputed group length (gggg,0000). */
export function ulElement(tag: number, value: number, enc: DatasetEncoding): Buffer {
  const v = Buffer.alloc(4);
  writeU32(v, value, 0, enc);
  return Buffer.concat([elementHeader(tag, 'UL', 4, enc), v]);
}

function delimiter(tag: number, length: number, enc: DatasetEncoding): Buffer {
  const b = Buffer.alloc(8);
  writeTag(b, tag, enc);
  writeU32(b, length, 4, enc);
  return b;
}

/** Start of a sequence of undefined length: its size never needs computing, whatever its items hold. */
export function sequenceStart(tag: number, enc: DatasetEncoding): Buffer {
  return elementHeader(tag, 'SQ', UNDEFINED_LENGTH, enc);
}
/** Sequence Delimitation Item (FFFE,E0DD). */
export function sequenceEnd(enc: DatasetEncoding): Buffer {
  return delimiter(Tag.SequenceDelimitationItem, 0, enc);
}
/** Item (FFFE,E000) of undefined length. */
export function itemStart(enc: DatasetEncoding): Buffer {
  return delimiter(Tag.Item, UNDEFINED_LENGTH, enc);
}
/** Item Delimitation Item (FFFE,E00D). */
export function itemEnd(enc: DatasetEncoding): Buffer {
  return delimiter(Tag.ItemDelimitationItem, 0, enc);
}
