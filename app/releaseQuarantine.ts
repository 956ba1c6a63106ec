import { auditEvent, RELEASE_CONFIRMATION_MAX, STATUS_LABELS, type CallRef } from '../domain';
import type { RequestSummary } from '../store';
import type { AppActor } from './appActor';
import { readDecisionText } from './decide';
import type { AppDeps } from './deps';
import { appMessages } from './messages';
import { runOnceByKey } from './onceByKey';
import type { Refusal } from './outcomes';
import type { HeldImport } from './ports';
import { approverOn } from './approverOn';
import { storeRefusal } from './submitRequest';

/** What a release did: ordered (or ordered already), a problem for the card (under an input), or a refusal. */
export type ReleaseOutcome =
  | { outcome: 'done'; requestId: string; callRef?: CallRef; held: HeldImport; alreadyDone: boolean }
  | { outcome: 'problem'; requestId: string; callRef?: CallRef; errors: Array<{ field: string; message: string }>; held?: HeldImport }
  | Refusal;

const NOT_RELEASABLE =
  'These images cannot be released from Teams: what the checks found (for example more than one patient, a study nobody asked for, unreadable files) is not settled by checking the patient. Ask the sender to fix it, or cancel the request.';

/** The held import of a request for an approver (the channel card's view), or a refusal. */
export async function heldImport(deps: AppDeps, actor: AppActor, requestIdHint: string): Promise<{ summary: RequestSummary; held?: HeldImport } | Refusal> {
  const a = await approverOn(deps, actor, requestIdHint, 'releaseQuarantine', { needsWork: true });
  if ('refusal' in a) return a.refusal;
  const held = a.summary.status === 'quarantined' ? await deps.work!.readQuarantine(a.summary.id) : undefined;
  return { summary: a.summary, ...(held ? { held } : {}) };
}

/**
 * "Release to PACS" on a quarantine card (issue 5): an approver who has established that the held images ARE the
 * requested patient (a maiden name, a birth date the sender confirmed by phone) releases them, saying how they
 * confirmed it. Never trusts the card: approvers only (denials audited); the request must still be quarantined; the
 * findings must be of a kind a person can settle (integrations/dicom/acceptedFindings.ts RELEASABLE_CODES), and the
 * card's `version` hint must equal the version the workers stored at quarantine time, so exactly the findings the
 * analyst saw are accepted. The confirmation is free text: checked like a cancel reason, stored sealed by the workers,
 * never logged or audited. Once per delivery key (a retried click releases once); the audit records who and the
 * accepted finding codes (`dicom.released`). The workers then re-run the import (workers/steps/releaseQuarantine.ts).
 */
export async function releaseQuarantine(
  deps: AppDeps,
  actor: AppActor,
  requestIdHint: string,
  input: { version: unknown; confirmation: unknown },
  key: string,
): Promise<ReleaseOutcome> {
  const a = await approverOn(deps, actor, requestIdHint, 'releaseQuarantine', { needsWork: true });
  if ('refusal' in a) return a.refusal;
  const { summary } = a;
  const ids = { requestId: summary.id, ...(summary.callRef ? { callRef: summary.callRef } : {}) };
  const ref = summary.callRef ?? 'This request';
  if (summary.status !== 'quarantined') return { outcome: 'notNow', message: `${ref} is not held in quarantine (now: ${STATUS_LABELS[summary.status]}).`, status: summary.status };
  let held: HeldImport | undefined;
  try {
    held = await deps.work!.readQuarantine(summary.id);
  } catch (err) {
    return storeRefusal(deps, err, appMessages.actionNotSaved);
  }
  if (!held) return { outcome: 'notNow', message: `${ref} has no findings recorded to release.`, status: summary.status };
  if (!held.releasable) return { outcome: 'notNow', message: NOT_RELEASABLE, status: summary.status };
  const text = readDecisionText('releaseConfirmation', input.confirmation, 'Say how you confirmed these images are this patient.', RELEASE_CONFIRMATION_MAX);
  if ('refusal' in text) return text.refusal.outcome === 'invalid' ? { outcome: 'problem', ...ids, errors: text.refusal.errors, held } : text.refusal;
  if (typeof input.version !== 'string' || input.version !== held.version) {
    // The card is older than the findings (held again after a release, or a forged hint): nothing is released.
    return { outcome: 'problem', ...ids, held, errors: [{ field: 'releaseConfirmation', message: 'What the checks found has changed since this card was drawn. Look at the newest card for this request.' }] };
  }
  const version = held.version;

  const once = await runOnceByKey(deps, key, () => deps.work!.releaseQuarantine(summary.id, version, { aadObjectId: actor.aadObjectId, at: deps.now() }, text.text), () => version);
  if (once.kind === 'refusal') return once.refusal;
  if (once.kind === 'replayed') return { outcome: 'done', ...ids, held: { ...held, ...(held.release ? {} : { release: { by: actor.aadObjectId, at: deps.now().toISOString() } }) }, alreadyDone: true };
  const out = once.out;
  if (out.outcome === 'refused') return { outcome: 'problem', ...ids, held, errors: [{ field: 'releaseConfirmation', message: `${out.reason.charAt(0).toUpperCase()}${out.reason.slice(1)}.` }] };
  const { alreadyOrdered, ...released } = out.value;
  if (!alreadyOrdered) {
    // Who released which kinds of finding: codes only (the values and the confirmation stay sealed).
    const codes = [...new Set(released.findings.map((f) => f.code))].sort().join(' ');
    const event = auditEvent('dicom.released', { at: deps.now(), actor: { type: 'user', aadObjectId: actor.aadObjectId, role: 'analyst' }, ...ids }, { codes, findings: released.findings.length });
    await deps.store.audit.append(event).catch((err: Error) => deps.logger.warn({ requestId: summary.id, errType: err.name }, 'release not audited'));
  }
  deps.logger.info({ requestId: summary.id, callRef: summary.callRef, alreadyOrdered }, 'quarantine release ordered');
  return { outcome: 'done', ...ids, held: released, alreadyDone: alreadyOrdered };
}

