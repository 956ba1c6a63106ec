import { DicomFileError } from './errors';

/** How a data set is encoded (PS3.5 7.1 and 7.3): the two facts the reader and writer need. */
export interface DatasetEncoding {
  explicitVr: boolean;
  littleEndian: boolean;
}

/** Named UIDs from PS3.6 Annex A. */
export const TransferSyntaxUid = {
  ImplicitVrLittleEndian: '1.2.840.10008.1.2',
  ExplicitVrLittleEndian: '1.2.840.10008.1.2.1',
  DeflatedExplicitVrLittleEndian: '1.2.840.10008.1.2.1.99',
  ExplicitVrBigEndian: '1.2.840.10008.1.2.2',
} as const;

/** File meta information is always explicit VR little endian (PS3.10 7.1). */
export const META_ENCODING: DatasetEncoding = { explicitVr: true, littleEndian: true };

/**
 * Our decision for each transfer syntax (documented in docs/dicom-engine.md):
 * - implicit VR LE, explicit VR LE: header rewritten, pixel data copied untouched;
 * - explicit VR big endian (retired, PS3.5 A.3): header rewritten in big endian, pixel data copied untouched
 *   (its bytes are already in the file's byte order, so nothing needs swapping);
 * - deflated (PS3.5 A.5): refused. The whole data set is one zlib stream, so rewriting means inflating and deflating
 *   every byte: no pass-through, and no sender we know uses it for images. The study is quarantined with this code.
 * - every other UID (JPEG, JPEG-LS, JPEG 2000, RLE, MPEG, HTJ2K...) is explicit VR LE with encapsulated pixel data
 *   (PS3.5 A.4): header rewritten, fragments copied untouched.
 */
export function encodingOf(transferSyntaxUid: string): DatasetEncoding {
  switch (transferSyntaxUid) {
    case TransferSyntaxUid.ImplicitVrLittleEndian:
      return { explicitVr: false, littleEndian: true };
    case TransferSyntaxUid.ExplicitVrBigEndian:
      return { explicitVr: true, littleEndian: false };
    case TransferSyntaxUid.DeflatedExplicitVrLittleEndian:
      throw new DicomFileError('UNSUPPORTED_TRANSFER_SYNTAX', 'deflated transfer syntax 1.2.840.10008.1.2.1.99 is not rewritten');
    default:
      return { explicitVr: true, littleEndian: true };
  }
}
