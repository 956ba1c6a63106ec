// RIS (CRIS) over HL7 v2 / MLLP. Workers use RisClient + MllpRisClient and switch on RisError.retryable.
export type { RisClient, RisAck } from './risClient';
export { MllpRisClient, type MllpRisClientOptions } from './mllpRisClient';
export { type RisExamEntry, parseRisExamEntry, risExamEntrySchema } from './risExamEntry';
export {
  RisError,
  RisUnreachableError,
  RisTimeoutError,
  RisMalformedAckError,
  RisAckMismatchError,
  RisApplicationError,
  RisRejectedError,
  RisEntryInvalidError,
  type RisErrorCode,
  type RisErrorContext,
  type RisNegativeAck,
  type UnreachableReason,
} from './errors';
export { buildImportExamMessage, IMPORT_EXAM_SEGMENTS, type ImportExamMessageOptions } from './importExamMessage';
export { messageControlIdFor } from './messageControlId';
export { escapeHl7, unescapeHl7 } from './hl7Escape';
export { parseAck, type ParsedAck } from './ack';
export { encodeMllpFrame, MllpFrameDecoder, type MllpFrameDecoderOptions } from './mllpFrames';
