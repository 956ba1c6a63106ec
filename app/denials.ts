import { auditEvent, type CallRef } from '../domain';
import type { AppActor } from './appActor';
import type { AppDeps } from './deps';

/** What was attempted, for the audit of a denial. */
export type GuardedAction =
  | 'submitTrauma'
  | 'approve'
  | 'reject'
  | 'askForInformation'
  | 'answerInformation'
  | 'cancel'
  | 'reprocess'
  | 'viewStatus'
  | 'viewPatientDetails'
  | 'editAndResend'
  | 'matchUnsolicited'
  | 'askSender'
  | 'cancelUnsolicited'
  | 'confirmExportStudies'
  | 'pointCdImport'
  | 'releaseQuarantine'
  | 'complianceReport';

/** Audit stream id used for denials that concern no stored request (e.g. a trauma form from someone not on call). */
export const NO_REQUEST_ID = 'no-request';

/**
 * Records a refused action in the audit trail ("access.denied"): who (Entra object id and the roles they hold), what,
 * on which request. Ids and codes only. A failure to audit is logged and does not change the answer to the user.
 */
export async function auditDenial(deps: AppDeps, actor: AppActor, action: GuardedAction, on: { requestId?: string; callRef?: CallRef } = {}): Promise<void> {
  const event = auditEvent(
    'access.denied',
    {
      at: deps.now(),
      actor: { type: 'user', aadObjectId: actor.aadObjectId, role: actor.roles[0] ?? 'requester' },
      requestId: on.requestId ?? NO_REQUEST_ID,
      ...(on.callRef !== undefined ? { callRef: on.callRef } : {}),
    },
    { action, roles: actor.roles.length ? [...actor.roles].sort().join(' ') : 'none' },
  );
  try {
    await deps.store.audit.append(event);
  } catch (err) {
    deps.logger.warn({ action, requestId: on.requestId, aadObjectId: actor.aadObjectId, errType: (err as Error).name }, 'denial not audited');
  }
  deps.logger.info({ action, requestId: on.requestId, aadObjectId: actor.aadObjectId }, 'action denied');
}
