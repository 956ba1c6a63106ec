import type { RisExamEntry } from './risExamEntry';

/** CRIS said AA: the exam is recorded. */
export interface RisAck {
  code: 'AA';
  /** MSH-10 we sent (deterministic from the exam id). */
  messageControlId: string;
  /** MSH-10 of CRIS's ACK, for tracing on the CRIS side. */
  ackControlId: string;
  /** Sends in this call (1 when the first try was accepted). */
  attempts: number;
}

/**
 * Records imported exams on the RIS (CRIS). guideline 2.2: every study uploaded to UHL PACS must be entered on RIS;
 * guideline 2.3f: one entry per imported exam, event date = date acquired.
 *
 * registerExam resolves only on an AA whose MSA-2 matches our message control id. It rejects with a RisError:
 * `retryable: false` (AE, invalid entry) must be escalated, not resent; `retryable: true` may be retried later, and the
 * retry reuses the same message control id because it is derived from `entry.examId`.
 */
export interface RisClient {
  registerExam(entry: RisExamEntry): Promise<RisAck>;
}
