import fs from 'node:fs/promises';
import { data as dcmjsData } from 'dcmjs';

/**
 * The File Meta Information of a DICOM Part 10 file (PS3.10 7.1): which instance it is and how its data set is encoded.
 * Read from the first bytes only, so a 1 GB file costs one small read; dcmjs parses the meta group, we only find where
 * it ends (the (0002,0000) group length), because dcmjs's readFile otherwise parses the whole data set.
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

const { DicomMessage, DicomDict, DicomMetaDictionary } = dcmjsData;

/** Parses the meta group from the first bytes of a file; undefined when they are not a Part 10 header. */
export function parsePartTenMeta(head: Buffer): PartTenMeta | undefined {
  if (head.length < GROUP_LENGTH_END || head.toString('latin1', 128, 132) !== 'DICM') return undefined;
  // (0002,0000) UL, explicit VR little endian (PS3.10 7.1: the meta group is always explicit VR LE).
  if (head.readUInt32LE(132) !== 0x00000002 || head.toString('latin1', 136, 138) !== 'UL') return undefined;
  const end = GROUP_LENGTH_END + head.readUInt32LE(140);
  if (end > head.length) return undefined;
  try {
    const slice = head.subarray(0, end);
    const meta = DicomMessage.readFile(slice.buffer.slice(slice.byteOffset, slice.byteOffset + slice.length) as ArrayBuffer).meta;
    const value = (tag: string) => {
      const v = meta[tag]?.Value?.[0];
      return typeof v === 'string' ? v.replace(/[\0\s]+$/, '') : undefined;
    };
    const sopClassUid = value('00020002');
    const sopInstanceUid = value('00020003');
    const transferSyntaxUid = value('00020010');
    if (!sopClassUid || !sopInstanceUid || !transferSyntaxUid) return undefined;
    return { sopClassUid, sopInstanceUid, transferSyntaxUid };
  } catch {
    return undefined;
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
