import fs from 'node:fs';
import path from 'node:path';
import { data as dcmjsData } from 'dcmjs';

/*
 * Synthetic DICOM studies for tests, benchmarks and seeding Orthanc: valid Part 10 files, written quickly.
 * dcmjs encodes the meta and the header (it knows every VR); Pixel Data is appended by hand from one shared pattern
 * buffer, because dcmjs would copy 0.5 MB per slice through JavaScript arrays. Synthetic patients only.
 */

const { DicomMetaDictionary, DicomDict } = dcmjsData;

/** Our implementation's UID and name in the file meta (PS3.7 D.3.3.2), fixed so files are recognisable. */
export const GENERATOR_IMPLEMENTATION_UID = '2.25.104735270216431969126473186577617442311';
export const GENERATOR_VERSION_NAME = 'ITB_SYNTH_1';

/** Transfer syntaxes the generator writes (PS3.5 A.1-A.4); JPEG Baseline carries fake fragments. */
export const SyntheticSyntax = {
  explicitLE: '1.2.840.10008.1.2.1',
  implicitLE: '1.2.840.10008.1.2',
  explicitBE: '1.2.840.10008.1.2.2',
  jpegBaseline: '1.2.840.10008.1.2.4.50',
  deflated: '1.2.840.10008.1.2.1.99',
} as const;
export type SyntheticSyntaxName = keyof typeof SyntheticSyntax;

const SOP_CLASS_BY_MODALITY: Record<string, string> = {
  CT: '1.2.840.10008.5.1.4.1.1.2',
  MR: '1.2.840.10008.5.1.4.1.1.4',
  CR: '1.2.840.10008.5.1.4.1.1.1',
  DX: '1.2.840.10008.5.1.4.1.1.1.1',
  US: '1.2.840.10008.5.1.4.1.1.6.1',
};
const SECONDARY_CAPTURE = '1.2.840.10008.5.1.4.1.1.7';

/** A synthetic patient. NHS numbers must come from the 999 000 0000-999 999 9999 test range. */
export interface SyntheticPatient {
  /** The sender's Patient ID (0010,0020). */
  id: string;
  /** Issuer of Patient ID (0010,0021), e.g. the sending trust's code. */
  issuer?: string;
  /** DICOM PN, e.g. "TESTPATIENT^ALPHA". */
  name: string;
  /** YYYY-MM-DD or YYYYMMDD. */
  birthDate: string;
  /** Written as an Other Patient IDs Sequence (0010,1002) item with issuer "NHS". */
  nhsNumber?: string;
  sex?: 'M' | 'F' | 'O';
}

/** Options of generateStudy. Defects for tests are expressed through overrides, omissions and the pixel options. */
export interface GenerateStudyOptions {
  outDir: string;
  patient: SyntheticPatient;
  /** YYYY-MM-DD or YYYYMMDD. */
  studyDate: string;
  modality: string;
  instances: number;
  rows?: number;
  cols?: number;
  /** Default explicitLE. */
  syntax?: SyntheticSyntaxName;
  studyInstanceUid?: string;
  /** Instances are spread over this many series (default 1). */
  series?: number;
  accessionNumber?: string;
  /** Naturalised (dcmjs keyword) values merged into every instance, e.g. { SpecificCharacterSet: 'ISO_IR 192' }. */
  overrides?: Record<string, unknown>;
  /** Per-instance overrides (index from 0), applied after `overrides`. */
  instanceOverrides?: (index: number) => Record<string, unknown> | undefined;
  /** Keywords to leave out, e.g. ['PatientBirthDate']. */
  omit?: string[];
  /** Adds a private element (0009,1010) OB of this many bytes (private creator "ITB SYNTHETIC"). */
  privateBlobBytes?: number;
  /** Pixel Data value length override (native syntaxes), e.g. 0 or an odd number. */
  pixelDataLength?: number;
  /** Leave Pixel Data out entirely. */
  noPixelData?: boolean;
  /** File name of instance i (default IM000001.dcm ...). */
  fileName?: (index: number) => string;
}

/** What generateStudy wrote. */
export interface GeneratedStudy {
  studyInstanceUid: string;
  seriesInstanceUids: string[];
  sopInstanceUids: string[];
  files: string[];
  bytes: number;
}

/** YYYY-MM-DD or YYYYMMDD -> DA (YYYYMMDD). */
function da(date: string): string {
  return date.replace(/-/g, '');
}

/** A cheap, deterministic 12-bit ramp; shared by every slice of a study (only its size matters to the engine). */
function pixelPattern(length: number): Buffer {
  const b = Buffer.allocUnsafe(length);
  for (let i = 0; i + 1 < length; i += 2) b.writeUInt16LE((i >> 1) & 0x0fff, i);
  if (length % 2 === 1) b[length - 1] = 0;
  return b;
}

function pixelElementHeader(length: number, syntax: string, encapsulated: boolean): Buffer {
  const implicit = syntax === SyntheticSyntax.implicitLE;
  const bigEndian = syntax === SyntheticSyntax.explicitBE;
  const h = Buffer.alloc(implicit ? 8 : 12);
  if (bigEndian) h.writeUInt32BE(0x7fe00010, 0);
  else {
    h.writeUInt16LE(0x7fe0, 0);
    h.writeUInt16LE(0x0010, 2);
  }
  if (implicit) h.writeUInt32LE(length, 4);
  else {
    h.write(encapsulated ? 'OB' : 'OW', 4, 'latin1');
    if (bigEndian) h.writeUInt32BE(length, 8);
    else h.writeUInt32LE(length >>> 0, 8);
  }
  return h;
}

/** Encapsulated Pixel Data (PS3.5 A.4): empty Basic Offset Table, one fake JPEG fragment, sequence delimiter. */
function encapsulatedPixelData(): Buffer[] {
  const item = (length: number) => {
    const b = Buffer.alloc(8);
    b.writeUInt16LE(0xfffe, 0);
    b.writeUInt16LE(0xe000, 2);
    b.writeUInt32LE(length, 4);
    return b;
  };
  const fragment = Buffer.concat([Buffer.from([0xff, 0xd8]), Buffer.alloc(1020, 0x11), Buffer.from([0xff, 0xd9])]);
  const end = Buffer.from([0xfe, 0xff, 0xdd, 0xe0, 0, 0, 0, 0]);
  return [pixelElementHeader(0xffffffff, SyntheticSyntax.jpegBaseline, true), item(0), item(fragment.length), fragment, end];
}

/**
 * Writes a synthetic study (one file per instance) into `outDir`, creating it. Valid Part 10 files that dcmtk and
 * Orthanc accept; CT-like geometry. Synchronous I/O: this is a test and bench tool, run from a CLI or a test.
 */
export function generateStudy(opts: GenerateStudyOptions): GeneratedStudy {
  const rows = opts.rows ?? 512;
  const cols = opts.cols ?? 512;
  const syntax = SyntheticSyntax[opts.syntax ?? 'explicitLE'];
  const encapsulated = syntax === SyntheticSyntax.jpegBaseline;
  const sopClassUid = SOP_CLASS_BY_MODALITY[opts.modality] ?? SECONDARY_CAPTURE;
  const studyInstanceUid = opts.studyInstanceUid ?? DicomMetaDictionary.uid();
  const seriesInstanceUids = Array.from({ length: Math.max(1, opts.series ?? 1) }, () => DicomMetaDictionary.uid());
  const frameOfReferenceUid = DicomMetaDictionary.uid();
  const pixelLength = opts.pixelDataLength ?? rows * cols * 2;
  const pixels = pixelPattern(pixelLength);
  fs.mkdirSync(opts.outDir, { recursive: true });

  const p = opts.patient;
  const base: Record<string, unknown> = {
    SpecificCharacterSet: 'ISO_IR 100',
    ImageType: ['ORIGINAL', 'PRIMARY', 'AXIAL'],
    SOPClassUID: sopClassUid,
    StudyDate: da(opts.studyDate),
    SeriesDate: da(opts.studyDate),
    StudyTime: '101500',
    AccessionNumber: opts.accessionNumber ?? 'SYN0001',
    Modality: opts.modality,
    Manufacturer: 'ITB Synthetic',
    InstitutionName: 'Synthetic Sending Trust',
    ReferringPhysicianName: '',
    StudyDescription: `${opts.modality} synthetic study`,
    PatientName: p.name,
    PatientID: p.id,
    ...(p.issuer ? { IssuerOfPatientID: p.issuer } : {}),
    PatientBirthDate: da(p.birthDate),
    PatientSex: p.sex ?? 'O',
    ...(p.nhsNumber ? { OtherPatientIDsSequence: [{ PatientID: p.nhsNumber, IssuerOfPatientID: 'NHS', TypeOfPatientID: 'TEXT' }] } : {}),
    SliceThickness: 1.5,
    StudyInstanceUID: studyInstanceUid,
    StudyID: '1',
    FrameOfReferenceUID: frameOfReferenceUid,
    ImageOrientationPatient: [1, 0, 0, 0, 1, 0],
    SamplesPerPixel: 1,
    PhotometricInterpretation: 'MONOCHROME2',
    Rows: rows,
    Columns: cols,
    PixelSpacing: [0.7, 0.7],
    BitsAllocated: 16,
    BitsStored: 12,
    HighBit: 11,
    PixelRepresentation: 0,
    RescaleIntercept: -1024,
    RescaleSlope: 1,
    WindowCenter: 40,
    WindowWidth: 400,
    ...opts.overrides,
  };

  const files: string[] = [];
  const sopInstanceUids: string[] = [];
  let bytes = 0;
  for (let i = 0; i < opts.instances; i += 1) {
    const sopInstanceUid = DicomMetaDictionary.uid();
    const seriesIndex = Math.floor((i * seriesInstanceUids.length) / opts.instances);
    const dataset: Record<string, unknown> = {
      ...base,
      SOPInstanceUID: sopInstanceUid,
      SeriesInstanceUID: seriesInstanceUids[seriesIndex],
      SeriesNumber: seriesIndex + 1,
      InstanceNumber: i + 1,
      ImagePositionPatient: [-180, -180, i * 1.5],
      SliceLocation: i * 1.5,
      ...opts.instanceOverrides?.(i),
    };
    for (const k of opts.omit ?? []) delete dataset[k];
    const meta = {
      FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
      MediaStorageSOPClassUID: sopClassUid,
      MediaStorageSOPInstanceUID: sopInstanceUid,
      TransferSyntaxUID: syntax,
      ImplementationClassUID: GENERATOR_IMPLEMENTATION_UID,
      ImplementationVersionName: GENERATOR_VERSION_NAME,
    };
    const dict = new DicomDict(DicomMetaDictionary.denaturalizeDataset(meta));
    const denaturalized = DicomMetaDictionary.denaturalizeDataset(dataset);
    if (opts.privateBlobBytes !== undefined) {
      denaturalized['00090010'] = { vr: 'LO', Value: ['ITB SYNTHETIC'] };
      denaturalized['00091010'] = { vr: 'OB', Value: [new Uint8Array(opts.privateBlobBytes).buffer] };
    }
    dict.dict = denaturalized;
    const head = Buffer.from(dict.write());
    const pixelParts = opts.noPixelData ? [] : encapsulated ? encapsulatedPixelData() : [pixelElementHeader(pixelLength, syntax, false), pixels];
    const file = path.join(opts.outDir, opts.fileName?.(i) ?? `IM${String(i + 1).padStart(6, '0')}.dcm`);
    const fd = fs.openSync(file, 'w');
    try {
      bytes += fs.writevSync(fd, [head, ...pixelParts]);
    } finally {
      fs.closeSync(fd);
    }
    files.push(file);
    sopInstanceUids.push(sopInstanceUid);
  }
  return { studyInstanceUid, seriesInstanceUids, sopInstanceUids, files, bytes };
}
