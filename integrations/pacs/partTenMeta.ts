import fsSync from 'node:fs';
import fs from 'node:fs/promises';
import { data as dcmjsData } from 'dcmjs';

/**
 * The File Meta Information of a DICOM Part 10 file (PS3.10 7.1): which instance it is and how its data set is encoded.
 * Read from the first bytes only, so a 1 GB file costs one small read.
 */
export interface PartTenMeta {
  /** Media Storage SOP Class UID (0002,0002). */
  sopClassUid: string;
  /** Media Storage SOP Instance UID (0002,0003). */
  sopInstanceUid: string;
  /** Transfer Syntax UID (0002,0010). */
  transferSyntaxUid: string;
}

/** Our Implementation Class UID (PS3.7 D.3.3.2) in files the storage SCP writes: a 2.25 UUID-derived UID (PS3.5 B.2). */
export const ITB_IMPLEMENTATION_CLASS_UID = '2.25.104132649395474518883475117132660775471';
export const ITB_IMPLEMENTATION_VERSION = 'ITB_PACS_1';

/** Preamble (128) + "DICM" (4) + the (0002,0000) UL element (12). */
const GROUP_LENGTH_END = 144;
/** A meta group is a few hundred bytes; anything past this is not one we will trust. */
const MAX_HEAD = 64 * 1024;

const { DicomDict, DicomMetaDictionary } = dcmjsData;

/** Parses the meta group from the first bytes of a file; undefined when they are not a Part 10 header. */
export function parsePartTenMeta(head: Buffer): PartTenMeta | undefined {
  if (head.length < GROUP_LENGTH_END || head.toString('latin1', 128, 132) !== 'DICM') return undefined;
  // (0002,0000) UL, explicit VR little endian (PS3.10 7.1: the meta group is always explicit VR LE).
  if (head.readUInt32LE(132) !== 0x00000002 || head.toString('latin1', 136, 138) !== 'UL') return undefined;
  const end = GROUP_LENGTH_END + head.readUInt32LE(140);
  if (end > head.length) return undefined;
  const values = readMetaElements(head, GROUP_LENGTH_END, end);
  const sopClassUid = values?.get(0x0002);
  const sopInstanceUid = values?.get(0x0003);
  const transferSyntaxUid = values?.get(0x0010);
  if (!sopClassUid || !sopInstanceUid || !transferSyntaxUid) return undefined;
  return { sopClassUid, sopInstanceUid, transferSyntaxUid };
}

/** PS3.5 7.1.2: these VRs have a 2-byte reserved field and a 4-byte length in explicit VR. */
const LONG_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']);

/**
 * Group 0002 elements between `from` and `to` -> element number -> text value (padding removed). Undefined when an
 * element runs past the group. Hand-read because dcmjs has no meta-only reader: its readFile always goes on to parse
 * (and, for deflate, inflate) the data set, which we neither have nor want.
 */
function readMetaElements(buf: Buffer, from: number, to: number): Map<number, string> | undefined {
  const values = new Map<number, string>();
  let at = from;
  while (at + 8 <= to) {
    if (buf.readUInt16LE(at) !== 0x0002) return undefined;
    const element = buf.readUInt16LE(at + 2);
    const vr = buf.toString('latin1', at + 4, at + 6);
    const long = LONG_VRS.has(vr);
    if (long && at + 12 > to) return undefined;
    const length = long ? buf.readUInt32LE(at + 8) : buf.readUInt16LE(at + 6);
    const valueAt = at + (long ? 12 : 8);
    if (valueAt + length > to) return undefined;
    if (vr === 'UI' || vr === 'SH' || vr === 'AE') values.set(element, buf.toString('latin1', valueAt, valueAt + length).replace(/[\0\s]+$/, ''));
    at = valueAt + length;
  }
  return at === to ? values : undefined;
}

/**
 * A regular file's size and meta group, read synchronously (open, fstat, one bounded read, close: microseconds each
 * on a local file system, where four thread-pool round trips per file cost more than the calls themselves; the STOW-RS
 * client reads this for every file before it sends). Size undefined when it is not a readable regular file; meta
 * undefined when it is not Part 10.
 */
export function readPartTenMetaSync(file: string, head: Buffer = Buffer.allocUnsafe(MAX_HEAD)): { size?: number; meta?: PartTenMeta } {
  let fd: number | undefined;
  try {
    fd = fsSync.openSync(file, 'r');
    const stat = fsSync.fstatSync(fd);
    if (!stat.isFile()) return {};
    const n = fsSync.readSync(fd, head, 0, Math.min(head.length, MAX_HEAD), 0);
    return { size: stat.size, meta: parsePartTenMeta(head.subarray(0, n)) };
  } catch {
    return {};
  } finally {
    if (fd !== undefined) fsSync.closeSync(fd);
  }
}

/** Reads a file's meta group with one bounded read; undefined when the file is missing or not Part 10. */
export async function readPartTenMeta(file: string): Promise<PartTenMeta | undefined> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(file, 'r');
    const buf = Buffer.alloc(MAX_HEAD);
    const { bytesRead } = await handle.read(buf, 0, MAX_HEAD, 0);
    return parsePartTenMeta(buf.subarray(0, bytesRead));
  } catch {
    return undefined;
  } finally {
    await handle?.close();
  }
}

/**
 * The preamble, "DICM" and meta group for a data set received over DIMSE (which carries no meta), so the storage SCP
 * can write the data set bytes straight after it without decoding them. dcmjs encodes the meta (and computes the group
 * length); whatever it writes after the meta for the empty data set is cut off.
 */
export function partTenHeader(meta: PartTenMeta): Buffer {
  const dict = new DicomDict(
    DicomMetaDictionary.denaturalizeDataset({
      FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
      MediaStorageSOPClassUID: meta.sopClassUid,
      MediaStorageSOPInstanceUID: meta.sopInstanceUid,
      TransferSyntaxUID: meta.transferSyntaxUid,
      ImplementationClassUID: ITB_IMPLEMENTATION_CLASS_UID,
      ImplementationVersionName: ITB_IMPLEMENTATION_VERSION,
    }),
  );
  dict.dict = {};
  const bytes = Buffer.from(dict.write());
  return bytes.subarray(0, GROUP_LENGTH_END + bytes.readUInt32LE(140));
}
