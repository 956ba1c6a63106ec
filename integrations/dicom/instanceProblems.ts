import { DicomFileError } from './errors';
import type { DicomHeader } from './headerReader';
import { expectsPixelData } from './sopClasses';
import { formatTag, Tag } from './tags';

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
