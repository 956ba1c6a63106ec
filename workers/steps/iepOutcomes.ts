import type { IepTransaction } from '../../integrations/iep';
import { advance, type AdvanceResult } from '../advance';
import type { FlowDeps } from '../flowDeps';
import type { FlowRef } from '../flowRef';

/**
 * The end of a transfer that did not work (guideline 2.5): Decline (the sending trust's reason, 2.5a), Failed, or
 * Purged (15 days on IEP without a download). The requester and the analysts are told at once, with the reason; the
 * analyst re-processes (a new run) or cancels. IEP's reason texts go into the sealed note, the code into the history.
 */
export async function endUnsuccessfully(deps: FlowDeps, ref: FlowRef, tx: IepTransaction): Promise<AdvanceResult | undefined> {
  switch (tx.status) {
    case 'Decline':
      return advance(deps, ref, 'iepDeclined', {
        why: `declined by the sending organisation (${safeCode(tx.decline?.code)})`,
        ...(tx.decline?.reason ? { note: tx.decline.reason } : {}),
        audit: [{ type: 'iep.statusSeen', facts: { iepStatus: tx.status } }],
        tellRequester: true,
        channel: 'iepDeclined',
      });
    case 'Failed':
      return advance(deps, ref, 'iepFailed', {
        why: 'the IEP transfer failed',
        ...(tx.failure?.reason ? { note: tx.failure.reason } : {}),
        audit: [{ type: 'iep.statusSeen', facts: { iepStatus: tx.status } }],
        tellRequester: true,
        channel: 'iepFailed',
      });
    case 'Purged':
      return advance(deps, ref, 'iepPurged', {
        why: 'purged from IEP before it was downloaded (15 days)',
        audit: [{ type: 'iep.statusSeen', facts: { iepStatus: tx.status } }],
        tellRequester: true,
        channel: 'iepPurged',
      });
    default:
      return undefined;
  }
}

/** A decline code as a plain token for the history (IEP codes are like "studyNotHeld"); anything else is "other". */
export function safeCode(code: string | undefined): string {
  return code && /^[A-Za-z][A-Za-z0-9_-]{0,40}$/.test(code) ? code : 'other';
}
