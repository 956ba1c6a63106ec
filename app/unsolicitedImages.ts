import { parseCallRef, STATUS_LABELS, TEXT_LIMITS, type FieldError, type RequestStatus } from '../domain';
import { hasRole, type AppActor } from './appActor';
import { readDecisionText } from './decide';
import type { AppDeps } from './deps';
import { auditDenial, type GuardedAction } from './denials';
import { appMessages } from './messages';
import { runOnceByKey } from './onceByKey';
import type { Refusal } from './outcomes';
import type { UnsolicitedImages, WorkOutcome } from './ports';
import { storeRefusal } from './submitRequest';

/**
 * What an analyst's action on images with no request did: done (the item as it now is), or a problem to show on the
 * same card under the input it is about (`errors`; the item is there to re-render it), or a refusal.
 */
export type ImagesOutcome =
  | { outcome: 'done'; item: UnsolicitedImages; alreadyDone: boolean; reason?: string }
  | { outcome: 'problem'; item: UnsolicitedImages; errors: FieldError[] }
  | Refusal;

const NOT_AVAILABLE = 'Images with no request cannot be handled from Teams here yet. Please handle them in IEP and tell the service-desk lead.';

/** Analysts only (guideline 2.4 is the MBP's work); a denial is audited against the item. */
async function guard(deps: AppDeps, actor: AppActor, itemId: string, action: GuardedAction): Promise<Refusal | undefined> {
  if (hasRole(actor, 'analyst')) return undefined;
  await auditDenial(deps, actor, action, { requestId: itemId });
  return { outcome: 'denied', message: appMessages.deniedApprover };
}

/** The worker's reason, in a sentence for the card (the reasons are short phrases without patient data). */
function sentence(reason: string, callRef?: string): string {
  const status = /^the request is (\w+)$/.exec(reason)?.[1] as RequestStatus | undefined;
  if (status && STATUS_LABELS[status]) {
    return `${callRef ?? 'That request'} is "${STATUS_LABELS[status]}": images can be matched only to an approved import that is still waiting for its images.`;
  }
  return `${reason.charAt(0).toUpperCase()}${reason.slice(1)}.`;
}

/**
 * Runs one worker operation once per delivery key (Teams retries invokes; a double click repeats the card's id): the
 * first delivery does it, repeats get the item as it now is with `alreadyDone`. A failure gives the key back.
 */
async function once(
  deps: AppDeps,
  itemId: string,
  key: string,
  field: string,
  run: () => Promise<WorkOutcome<UnsolicitedImages>>,
  callRef?: string,
): Promise<ImagesOutcome> {
  const work = deps.work!;
  const once = await runOnceByKey(deps, key, run, (item) => item.state);
  if (once.kind === 'refusal') return once.refusal;
  if (once.kind === 'replayed' || once.out.outcome === 'refused') {
    const item = await work.readUnsolicited(itemId);
    if (!item) return { outcome: 'notFound', message: 'These images are no longer waiting on IEP.' };
    if (once.kind === 'replayed' || once.out.outcome !== 'refused') return { outcome: 'done', item, alreadyDone: true };
    return { outcome: 'problem', item, errors: [{ field, message: sentence(once.out.reason, callRef) }] };
  }
  const out = once.out;
  return { outcome: 'done', item: out.value, alreadyDone: false };
}

/** The item, for an analyst (e.g. to re-render its card). */
export async function unsolicitedImages(deps: AppDeps, actor: AppActor, itemId: string): Promise<{ outcome: 'found'; item: UnsolicitedImages } | Refusal> {
  if (!hasRole(actor, 'analyst')) return { outcome: 'denied', message: appMessages.deniedApprover };
  if (!deps.work) return { outcome: 'unavailable', message: NOT_AVAILABLE };
  const item = await deps.work.readUnsolicited(itemId);
  return item ? { outcome: 'found', item } : { outcome: 'notFound', message: 'These images are no longer waiting on IEP.' };
}

/**
 * Match the images to an import request by its call reference (guideline 2.4a: once the details are known): the
 * request's run takes the IEP transaction and the download starts, through the same DICOM checks as any import.
 * Errors (not a call reference, no such request, not an approved import) come back under the `matchCallRef` box.
 */
export async function matchImagesToRequest(deps: AppDeps, actor: AppActor, itemId: string, callRefText: unknown, key: string): Promise<ImagesOutcome> {
  const denied = await guard(deps, actor, itemId, 'matchUnsolicited');
  if (denied) return denied;
  if (!deps.work) return { outcome: 'unavailable', message: NOT_AVAILABLE };
  const item = await deps.work.readUnsolicited(itemId);
  if (!item) return { outcome: 'notFound', message: 'These images are no longer waiting on IEP.' };
  const parsed = parseCallRef(typeof callRefText === 'string' ? callRefText.trim() : '');
  if (!parsed) return { outcome: 'problem', item, errors: [{ field: 'matchCallRef', message: 'Type the call reference of the request, for example ITB-2026-000123.' }] };
  let requestId: string | undefined;
  try {
    requestId = await deps.store.requests.findByCallRef(parsed.callRef);
  } catch (err) {
    return storeRefusal(deps, err, appMessages.actionNotSaved);
  }
  if (!requestId) return { outcome: 'problem', item, errors: [{ field: 'matchCallRef', message: `No request has the call reference ${parsed.callRef}.` }] };
  const id = requestId;
  return once(deps, itemId, key, 'matchCallRef', () => deps.work!.matchUnsolicited(itemId, id, { aadObjectId: actor.aadObjectId, at: deps.now(), callRef: parsed.callRef }), parsed.callRef);
}

/** Ask the sending organisation for the details on the IEP transaction (2.4b). The item stays open. */
export async function askSenderAboutImages(deps: AppDeps, actor: AppActor, itemId: string, key: string): Promise<ImagesOutcome> {
  const denied = await guard(deps, actor, itemId, 'askSender');
  if (denied) return denied;
  if (!deps.work) return { outcome: 'unavailable', message: NOT_AVAILABLE };
  return once(deps, itemId, key, 'form', () => deps.work!.askSender(itemId, { aadObjectId: actor.aadObjectId, at: deps.now() }));
}

/**
 * Cancel the images with a reason (2.4d: the sender is told on IEP; the reason, which may mention the patient, is shown
 * on the card to the analysts and not kept elsewhere).
 */
export async function cancelImages(deps: AppDeps, actor: AppActor, itemId: string, reason: unknown, key: string): Promise<ImagesOutcome> {
  const denied = await guard(deps, actor, itemId, 'cancelUnsolicited');
  if (denied) return denied;
  if (!deps.work) return { outcome: 'unavailable', message: NOT_AVAILABLE };
  const text = readDecisionText('reason', reason, 'Enter the reason for cancelling.', TEXT_LIMITS.reason);
  if ('refusal' in text) {
    const item = await deps.work.readUnsolicited(itemId);
    return item && text.refusal.outcome === 'invalid' ? { outcome: 'problem', item, errors: text.refusal.errors } : text.refusal;
  }
  const out = await once(deps, itemId, key, 'reason', () => deps.work!.cancelUnsolicited(itemId, { aadObjectId: actor.aadObjectId, at: deps.now() }));
  return out.outcome === 'done' ? { ...out, reason: text.text } : out;
}
