import { isTerminal, type CallRef, type TransferRequest, type Transition } from '../domain';
import type { AuditRecord } from './auditTrail';
import { auditCommands } from './auditTrail';
import type { FieldCipher } from './fieldCipher';
import type { RedisCommand } from './guardedWrite';
import type { StoreKeys } from './keys';
import {
  BODY_FIELD,
  PATIENT_TOKENS_FIELD,
  bodyAad,
  entryOf,
  factFields,
  factsOf,
  noteAad,
  noteField,
  type RequestSummary,
} from './requestRecord';

/*
 * The commands each request write sends through the guarded write (guardedWrite.ts). Pure: they are built from what
 * the store read under a version, and the script applies them only if that version is still current.
 */

/** The lookup tokens (HMACs, active key) of a request's S number and NHS number; never the values themselves. */
export function patientTokensOf(cipher: FieldCipher, request: TransferRequest): string[] {
  const { sNumber, nhsNumber } = request.patient;
  return [
    cipher.lookupToken('sNumber', sNumber.toUpperCase()),
    ...(nhsNumber !== undefined ? [cipher.lookupToken('nhsNumber', nhsNumber)] : []),
  ];
}

/** Splits the stored space-separated token list. */
export function storedTokens(field: string | undefined): string[] {
  return field ? field.split(' ').filter((t) => t !== '') : [];
}

function sealBody(cipher: FieldCipher, id: string, request: TransferRequest): string {
  return cipher.seal(JSON.stringify(request), bodyAad(id));
}

function callRefCommands(keys: StoreKeys, id: string, callRef: CallRef | undefined, previous: CallRef | undefined): RedisCommand[] {
  if (callRef === undefined || callRef === previous) return [];
  return [
    ...(previous !== undefined ? [['HDEL', keys.byCallRef, previous] as RedisCommand] : []),
    ['HSET', keys.request(id), 'callRef', callRef],
    ['HSET', keys.byCallRef, callRef, id],
  ];
}

function tokenCommands(keys: StoreKeys, id: string, before: readonly string[], after: readonly string[]): RedisCommand[] {
  const gone = before.filter((t) => !after.includes(t));
  const added = after.filter((t) => !before.includes(t));
  return [
    ...gone.map((t): RedisCommand => ['SREM', keys.byPatientToken(t), id]),
    ...added.map((t): RedisCommand => ['SADD', keys.byPatientToken(t), id]),
    after.length > 0 ? ['HSET', keys.request(id), PATIENT_TOKENS_FIELD, after.join(' ')] : ['HDEL', keys.request(id), PATIENT_TOKENS_FIELD],
  ];
}

/** A new request in status "submitted", its indexes, and its audit events. */
export function createCommands(
  keys: StoreKeys,
  cipher: FieldCipher,
  input: { id: string; request: TransferRequest; requester: string; at: Date; callRef?: CallRef; audit: readonly AuditRecord[] },
): RedisCommand[] {
  const { id, request, requester, at } = input;
  const iso = at.toISOString();
  const ms = String(at.getTime());
  const facts = factFields(factsOf(request));
  return [
    ['HSET', keys.request(id), 'id', id, 'status', 'submitted', 'requester', requester, 'createdAt', iso, 'updatedAt', iso, 'statusSince', iso,
      ...facts.set, BODY_FIELD, sealBody(cipher, id, request)],
    ...tokenCommands(keys, id, [], patientTokensOf(cipher, request)),
    ...callRefCommands(keys, id, input.callRef, undefined),
    ['ZADD', keys.all, ms, id],
    ['ZADD', keys.byRequester(requester), ms, id],
    ['ZADD', keys.byStatus('submitted'), ms, id],
    ...input.audit.flatMap((e) => auditCommands(keys, e)),
  ];
}

/** A changed body and/or call reference, and audit events supplied by the caller. */
export function updateCommands(
  keys: StoreKeys,
  cipher: FieldCipher,
  current: { summary: RequestSummary; tokens: readonly string[] },
  change: { at: Date; request?: TransferRequest; callRef?: CallRef; audit: readonly AuditRecord[] },
): RedisCommand[] {
  const id = current.summary.id;
  const commands: RedisCommand[] = [['HSET', keys.request(id), 'updatedAt', change.at.toISOString()]];
  if (change.request) {
    const facts = factFields(factsOf(change.request));
    commands.push(['HSET', keys.request(id), ...facts.set, BODY_FIELD, sealBody(cipher, id, change.request)] as RedisCommand);
    if (facts.remove.length) commands.push(['HDEL', keys.request(id), ...facts.remove] as RedisCommand);
    commands.push(...tokenCommands(keys, id, current.tokens, patientTokensOf(cipher, change.request)));
  }
  commands.push(...callRefCommands(keys, id, change.callRef, current.summary.callRef));
  commands.push(...change.audit.flatMap((e) => auditCommands(keys, e)));
  return commands;
}

/** A status change: the record's status, the history entry (note sealed), the status indexes, the audit events. */
export function transitionCommands(
  keys: StoreKeys,
  cipher: FieldCipher,
  current: { summary: RequestSummary; historyLength: number },
  transition: Transition,
  extra: { callRef?: CallRef; audit: readonly AuditRecord[] },
): RedisCommand[] {
  const { id } = current.summary;
  const at = new Date(transition.at);
  const ms = String(at.getTime());
  const n = current.historyLength;
  const ended = isTerminal(transition.to);
  return [
    ['HSET', keys.request(id), 'status', transition.to, 'statusSince', transition.at, 'updatedAt', transition.at,
      ...(ended ? ['endedAt', transition.at] : [])],
    ['RPUSH', keys.history(id), JSON.stringify(entryOf(transition))],
    ...(transition.note !== undefined ? [['HSET', keys.request(id), noteField(n), cipher.seal(transition.note, noteAad(id, n))] as RedisCommand] : []),
    ['ZREM', keys.byStatus(transition.from), id],
    ['ZADD', keys.byStatus(transition.to), ms, id],
    // Only requests still holding identifiers wait for the retention purge.
    ...(ended && current.summary.purgedAt === undefined ? [['ZADD', keys.endedAwaitingPurge, ms, id] as RedisCommand] : []),
    ...callRefCommands(keys, id, extra.callRef, current.summary.callRef),
    ...extra.audit.flatMap((e) => auditCommands(keys, e)),
  ];
}

/** Removes the sealed body, every sealed note and the patient lookup tokens; keeps clear facts, history and audit. */
export function purgeCommands(
  keys: StoreKeys,
  current: { summary: RequestSummary; tokens: readonly string[]; noteFields: readonly string[] },
  at: Date,
  audit: AuditRecord,
): RedisCommand[] {
  const { id } = current.summary;
  const iso = at.toISOString();
  return [
    ['HDEL', keys.request(id), BODY_FIELD, PATIENT_TOKENS_FIELD, ...current.noteFields],
    ['HSET', keys.request(id), 'purgedAt', iso, 'updatedAt', iso],
    ...current.tokens.map((t): RedisCommand => ['SREM', keys.byPatientToken(t), id]),
    ['ZREM', keys.endedAwaitingPurge, id],
    ...auditCommands(keys, audit),
  ];
}

/** Writes values re-sealed with the active key and re-indexes the patient tokens under it. */
export function reencryptCommands(
  keys: StoreKeys,
  id: string,
  resealed: ReadonlyArray<readonly [field: string, sealed: string]>,
  tokens: { before: readonly string[]; after: readonly string[] },
): RedisCommand[] {
  return [
    ['HSET', keys.request(id), ...resealed.flatMap(([f, v]) => [f, v])] as RedisCommand,
    ...tokenCommands(keys, id, tokens.before, tokens.after),
  ];
}
