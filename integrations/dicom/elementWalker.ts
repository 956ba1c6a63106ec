import type { ByteSource } from './byteSource';
import { DicomFileError } from './errors';
import type { ItemSpan } from './headerReader';
import { formatTag, groupOf, Tag, UNDEFINED_LENGTH } from './tags';
import type { DatasetEncoding } from './transferSyntax';

/*
 * The element walker under headerReader.ts: element headers (PS3.5 7.1.2 explicit VR, 7.1.3 implicit VR), items and
 * delimiters (PS3.5 7.5), every read bounds-checked, depth-limited, and advancing by at least 8 bytes, so bad input
 * ends in a DicomFileError and never in a hang or an unbounded allocation.
 */

/** Longest value we decode: identity values are short strings; anything longer is garbage, not a name. */
export const MAX_DECODED_VALUE = 64 * 1024;
/** Sequences nested deeper than this are hostile, not clinical. */
const MAX_DEPTH = 32;
/** Explicit VRs, keyed by their two bytes; `long`: 2 reserved bytes and a 4-byte length follow (PS3.5 Table 7.1-1). */
const VR_KINDS = new Map<number, { vr: string; long: boolean }>();
for (const vr of ['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']) VR_KINDS.set(vr.charCodeAt(0) * 256 + vr.charCodeAt(1), { vr, long: true });
for (const vr of ['AE', 'AS', 'AT', 'CS', 'DA', 'DS', 'DT', 'FL', 'FD', 'IS', 'LO', 'LT', 'PN', 'SH', 'SL', 'SS', 'ST', 'TM', 'UI', 'UL', 'US']) {
  VR_KINDS.set(vr.charCodeAt(0) * 256 + vr.charCodeAt(1), { vr, long: false });
}
export const IMPLICIT_LE: DatasetEncoding = { explicitVr: false, littleEndian: true };

export interface RawElement {
  tag: number;
  vr: string;
  start: number;
  valueOffset: number;
  length: number;
}

export function malformed(detail: string, offset: number): DicomFileError {
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
export class ElementWalker {
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

