/**
 * The DICOM tags the engine reads or writes, as 32-bit numbers (group << 16 | element). Names follow PS3.6.
 * Only these are decoded; every other element is skipped by length and copied through byte for byte.
 */
export const Tag = {
  FileMetaInformationGroupLength: 0x00020000,
  TransferSyntaxUID: 0x00020010,
  SpecificCharacterSet: 0x00080005,
  SOPClassUID: 0x00080016,
  SOPInstanceUID: 0x00080018,
  StudyDate: 0x00080020,
  AccessionNumber: 0x00080050,
  Modality: 0x00080060,
  ModalitiesInStudy: 0x00080061,
  PatientName: 0x00100010,
  PatientID: 0x00100020,
  IssuerOfPatientID: 0x00100021,
  TypeOfPatientID: 0x00100022,
  IssuerOfPatientIDQualifiersSequence: 0x00100024,
  PatientBirthDate: 0x00100030,
  OtherPatientIDsSequence: 0x00101002,
  StudyInstanceUID: 0x0020000d,
  SeriesInstanceUID: 0x0020000e,
  UniversalEntityID: 0x00400032,
  /** Present in every image (Image Pixel module, PS3.3 C.7.6.3). */
  Rows: 0x00280010,
  DirectoryRecordSequence: 0x00041220,
  ReferencedFileID: 0x00041500,
  ModifiedAttributesSequence: 0x04000550,
  OriginalAttributesSequence: 0x04000561,
  AttributeModificationDateTime: 0x04000562,
  ModifyingSystem: 0x04000563,
  SourceOfPreviousValues: 0x04000564,
  ReasonForTheAttributeModification: 0x04000565,
  PixelData: 0x7fe00010,
  /** PS3.5 7.5: item, item delimitation and sequence delimitation tags. */
  Item: 0xfffee000,
  ItemDelimitationItem: 0xfffee00d,
  SequenceDelimitationItem: 0xfffee0dd,
} as const;

/** Value Length meaning "undefined length, ended by a delimitation item" (PS3.5 7.1.1). */
export const UNDEFINED_LENGTH = 0xffffffff;

/** Group of the first element that ends the header: Pixel Data (7FE0,0010) and anything after it is copied untouched. */
export const PIXEL_GROUP = 0x7fe0;

/** "(0010,0020)" for messages and docs. */
export function formatTag(tag: number): string {
  const hex = (tag >>> 0).toString(16).toUpperCase().padStart(8, '0');
  return `(${hex.slice(0, 4)},${hex.slice(4)})`;
}

/** The group number of a tag, e.g. 0x0010 for (0010,0020). */
export function groupOf(tag: number): number {
  return tag >>> 16;
}
