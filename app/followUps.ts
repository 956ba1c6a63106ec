import { statusChangeNoticeOf } from '../domain';
import type { AppDeps } from './deps';
import { bestEffort, type DecisionDone } from './decide';

/**
 * What every decision does after the state change, also on a repeat (a first delivery may have stopped before these;
 * each is idempotent: notices dedupe on their key, card refreshes on the version):
 *  - the requester hears about the change (unless they made it themselves);
 *  - every card already posted about the request is re-rendered in place, so everyone sees who did what and when;
 *  - the logged service request gets a note or its resolution (guideline 2.7a, section 4), without patient data.
 */
export async function followUp(
  deps: AppDeps,
  done: DecisionDone,
  opts: { tellRequester: boolean; desk?: { note: string } | { resolution: string } },
): Promise<void> {
  const ids = { requestId: done.requestId, ...(done.callRef ? { callRef: done.callRef } : {}) };
  if (opts.tellRequester) {
    await bestEffort(deps, 'notify requester', ids, () => deps.notifier.notifyRequester(done.requestId, statusChangeNoticeOf(done.transition, done.callRef)));
  }
  await bestEffort(deps, 'refresh cards', ids, () => deps.notifier.refreshRequestCards(done.requestId, done.version));
  const desk = opts.desk;
  if (desk && done.callRef && !done.alreadyDone) {
    const callRef = done.callRef;
    await bestEffort(deps, 'service desk update', ids, () => ('note' in desk ? deps.serviceDesk.addNote(callRef, desk.note) : deps.serviceDesk.resolve(callRef, desk.resolution)));
  }
}
