import type { Redis } from 'ioredis';
import type { FieldCipher } from '../store';
import { flowIdOf, type FlowRef } from './flowRef';

/** A study a run put into UHL PACS, for its RIS entries (guideline 2.3f: one per exam, event date = date acquired). */
export interface ImportedStudyRecord {
  studyInstanceUid: string;
  /** YYYY-MM-DD from Study Date (0008,0020): the RIS event date. */
  studyDate?: string;
  /** The accession number we wrote (IRWF.b rewrite), carried to RIS in OBR-18. */
  accessionNumber: string;
  modalities: string[];
  /** Which of the request's exams it answers (index into request.exams), when known. */
  examIndex?: number;
}

/** A UHL PACS study an export might send (shown to the analyst when the match is ambiguous). */
export interface CandidateStudy {
  studyInstanceUid: string;
  studyDate?: string;
  modalities: string[];
  description?: string;
  /** The request exam it was found for. */
  examIndex: number;
}

/** What one run has done on other systems, read back by later steps, retries and the next worker after a crash. */
export interface FlowRecord {
  /** The IEP transaction this run made (or was matched to, for images with no request). */
  iepTransactionId?: string;
  /** Export: studies found on UHL PACS for the analyst to confirm; absent when the match was unambiguous. */
  candidates?: CandidateStudy[];
  /** Export: the studies to send. */
  chosenStudyUids?: string[];
  /** Import / CD: what reached PACS. */
  importedStudies?: ImportedStudyRecord[];
  /** Indexes into importedStudies already acknowledged AA by RIS. */
  risDone: number[];
}

/** Flow records live this long after their last write: past any open request and the 30-day retention of its body. */
export const FLOW_STATE_TTL_SECONDS = 60 * 24 * 3600;

const SEALED = ['candidates', 'chosenStudyUids', 'importedStudies'] as const;
type SealedField = (typeof SEALED)[number];

/**
 * Per-run flow state in Redis (`<prefix>:flow:<flowId>` hashes). Ids stay in clear (the IEP transaction id); study
 * UIDs, accession numbers and CD paths are sealed with the store's cipher (AES-256-GCM, bound to the run and field),
 * because together with the request they identify a patient's imaging.
 */
export class FlowStateStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly cipher: FieldCipher,
    private readonly ttlSeconds = FLOW_STATE_TTL_SECONDS,
  ) {}

  private key(ref: FlowRef): string {
    return `${this.prefix}:flow:${flowIdOf(ref)}`;
  }

  private runKey(requestId: string): string {
    return `${this.prefix}:flow:run:${requestId}`;
  }

  private cdSourceKey(requestId: string): string {
    return `${this.prefix}:flow:cdSource:${requestId}`;
  }

  /** The request's latest run, or undefined before its flow ever started. */
  async currentRun(requestId: string): Promise<number | undefined> {
    const raw = await this.redis.get(this.runKey(requestId));
    return raw === null ? undefined : Number(raw);
  }

  /** Records `run` as current unless a later one is; returns the current run. Atomic, so two starters agree. */
  async claimRun(requestId: string, run: number): Promise<number> {
    const current = await this.redis.eval(
      "local c = tonumber(redis.call('GET', KEYS[1]) or '-1') if tonumber(ARGV[1]) > c then redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2]) return tonumber(ARGV[1]) end redis.call('EXPIRE', KEYS[1], ARGV[2]) return c",
      1,
      this.runKey(requestId),
      String(run),
      String(this.ttlSeconds),
    );
    return Number(current);
  }

  async get(ref: FlowRef): Promise<FlowRecord> {
    const h = await this.redis.hgetall(this.key(ref));
    const record: FlowRecord = { risDone: h.risDone ? (JSON.parse(h.risDone) as number[]) : [] };
    if (h.iepTransactionId) record.iepTransactionId = h.iepTransactionId;
    for (const field of SEALED) {
      const sealed = h[field];
      if (sealed !== undefined) (record as unknown as Record<string, unknown>)[field] = JSON.parse(this.cipher.open(sealed, this.aad(ref, field)));
    }
    return record;
  }

  async setTransaction(ref: FlowRef, iepTransactionId: string): Promise<void> {
    await this.write(ref, ['iepTransactionId', iepTransactionId]);
  }

  async setCandidates(ref: FlowRef, candidates: CandidateStudy[]): Promise<void> {
    await this.write(ref, this.sealed(ref, 'candidates', candidates));
  }

  async setChosen(ref: FlowRef, studyUids: string[]): Promise<void> {
    await this.write(ref, this.sealed(ref, 'chosenStudyUids', studyUids));
  }

  async setImportedStudies(ref: FlowRef, studies: ImportedStudyRecord[]): Promise<void> {
    await this.write(ref, this.sealed(ref, 'importedStudies', studies));
  }

  /** Adds one RIS acknowledgement (idempotent; a Lua read-modify-write so two deliveries cannot lose one). */
  async markRisDone(ref: FlowRef, index: number): Promise<void> {
    await this.redis.eval(
      "local d = cjson.decode(redis.call('HGET', KEYS[1], 'risDone') or '[]') for _, v in ipairs(d) do if v == tonumber(ARGV[1]) then return 0 end end table.insert(d, tonumber(ARGV[1])) redis.call('HSET', KEYS[1], 'risDone', cjson.encode(d)) redis.call('EXPIRE', KEYS[1], ARGV[2]) return 1",
      1,
      this.key(ref),
      String(index),
      String(this.ttlSeconds),
    );
  }

  /** The CD's contents for a CD import (a folder or a zip the worker can read): set by the analyst, kept across runs. */
  async setCdSource(requestId: string, source: string): Promise<void> {
    await this.redis.set(this.cdSourceKey(requestId), this.cipher.seal(source, `${requestId}|cdSource`), 'EX', this.ttlSeconds);
  }

  async getCdSource(requestId: string): Promise<string | undefined> {
    const sealed = await this.redis.get(this.cdSourceKey(requestId));
    return sealed === null ? undefined : this.cipher.open(sealed, `${requestId}|cdSource`);
  }

  private aad(ref: FlowRef, field: SealedField): string {
    return `${flowIdOf(ref)}|${field}`;
  }

  private sealed(ref: FlowRef, field: SealedField, value: unknown): [string, string] {
    return [field, this.cipher.seal(JSON.stringify(value), this.aad(ref, field))];
  }

  private async write(ref: FlowRef, fieldValue: [string, string]): Promise<void> {
    const key = this.key(ref);
    await this.redis.multi().hset(key, ...fieldValue).expire(key, this.ttlSeconds).exec();
  }
}
