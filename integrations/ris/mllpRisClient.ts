import type { Logger } from '../../config/logger';
import {
  RisAckMismatchError,
  RisApplicationError,
  RisMalformedAckError,
  RisRejectedError,
  RisTimeoutError,
  RisUnreachableError,
  type RisError,
  type RisErrorContext,
} from './errors';
import { buildImportExamMessage, type ImportExamMessageOptions } from './importExamMessage';
import { messageControlIdFor } from './messageControlId';
import { sendAndAwaitAck, type ExchangeOutcome } from './mllpExchange';
import { encodeMllpFrame } from './mllpFrames';
import type { RisAck, RisClient } from './risClient';
import { parseRisExamEntry, type RisExamEntry } from './risExamEntry';

export interface MllpRisClientOptions {
  /** CRIS HL7 listener. */
  host: string;
  port: number;
  /** Default 5 s. */
  connectTimeoutMs?: number;
  /** Default 30 s: CRIS answers in well under a second when healthy; this only bounds a hung interface. */
  ackTimeoutMs?: number;
  /** Sends per registerExam call, including the first. Default 3. */
  maxAttempts?: number;
  /** Wait before the 2nd send; doubled before each later one. Default 1 s. */
  retryDelayMs?: number;
  /** MSH-3..6, MSH-11. */
  message?: Omit<ImportExamMessageOptions, 'now'>;
  /** Ids only are logged (call ref, exam id, control id): never the entry's patient block. */
  logger?: Logger;
}

/**
 * RisClient over HL7 v2 / MLLP: one ORM^O01 per imported exam (docs/ris-contract.md).
 *
 * ACK rules: AA resolves. AE throws RisApplicationError at once (never resent). AR, a timeout, an unreachable peer, a
 * malformed ACK or an ACK for another control id are resent, with the same bytes and so the same MSH-10, up to
 * `maxAttempts`; then the last RisError (retryable) is thrown so the worker's own retry can continue later with the
 * same control id.
 */
export class MllpRisClient implements RisClient {
  private readonly opts: Required<Omit<MllpRisClientOptions, 'logger' | 'message'>> & Pick<MllpRisClientOptions, 'logger' | 'message'>;

  constructor(opts: MllpRisClientOptions) {
    this.opts = {
      connectTimeoutMs: 5_000,
      ackTimeoutMs: 30_000,
      maxAttempts: 3,
      retryDelayMs: 1_000,
      ...opts,
    };
    if (!Number.isInteger(this.opts.maxAttempts) || this.opts.maxAttempts < 1) throw new RangeError('maxAttempts must be a positive integer');
  }

  /** See RisClient.registerExam. */
  async registerExam(entry: RisExamEntry): Promise<RisAck> {
    const exam = parseRisExamEntry(entry);
    const messageControlId = messageControlIdFor(exam.examId);
    // Built once: every resend in this call is byte-identical, MSH-7 included.
    const frame = encodeMllpFrame(buildImportExamMessage(exam, this.opts.message));
    const peer = `${this.opts.host}:${this.opts.port}`;
    const log = this.opts.logger?.child({ callRef: exam.callRef, examId: exam.examId, messageControlId });

    let lastError: RisError | undefined;
    for (let attempt = 1; attempt <= this.opts.maxAttempts; attempt++) {
      if (attempt > 1) await sleep(this.opts.retryDelayMs * 2 ** (attempt - 2));
      const outcome = await sendAndAwaitAck(frame, messageControlId, {
        host: this.opts.host,
        port: this.opts.port,
        connectTimeoutMs: this.opts.connectTimeoutMs,
        ackTimeoutMs: this.opts.ackTimeoutMs,
      });
      const ctx: RisErrorContext = { callRef: exam.callRef, examId: exam.examId, messageControlId, peer, attempts: attempt };
      if (outcome.kind === 'ack' && outcome.ack.code === 'AA') {
        log?.info({ attempt, ackControlId: outcome.ack.ackControlId }, 'ris: exam recorded on CRIS (AA)');
        return { code: 'AA', messageControlId, ackControlId: outcome.ack.ackControlId, attempts: attempt };
      }
      const error = toError(outcome, ctx, this.opts.ackTimeoutMs);
      if (!error.retryable) {
        log?.error({ attempt, code: error.code }, 'ris: CRIS refused the exam; not resending');
        throw error;
      }
      log?.warn({ attempt, code: error.code, maxAttempts: this.opts.maxAttempts }, 'ris: exam not acknowledged; will resend with the same control id');
      lastError = error;
    }
    // maxAttempts >= 1, so the loop ran and either returned, threw, or set lastError.
    throw lastError as RisError;
  }
}

/** Every outcome but AA as a typed error (AA returns before this is called). */
function toError(outcome: ExchangeOutcome, ctx: RisErrorContext, ackTimeoutMs: number): RisError {
  switch (outcome.kind) {
    case 'ack':
      return outcome.ack.code === 'AE' ? new RisApplicationError(outcome.ack.negative, ctx) : new RisRejectedError(outcome.ack.negative, ctx);
    case 'timeout':
      return new RisTimeoutError(ackTimeoutMs, ctx);
    case 'malformed':
      return new RisMalformedAckError(outcome.problem, ctx);
    case 'mismatch':
      return new RisAckMismatchError(outcome.receivedControlId, ctx);
    case 'unreachable':
      return new RisUnreachableError(outcome.reason, ctx, { cause: outcome.cause });
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
