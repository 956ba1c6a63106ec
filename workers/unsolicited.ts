import { addDays, londonLocalDate, NEEDS_INFORMATION_CANCEL_AFTER_DAYS } from '../domain';
import type { IepTransaction } from '../integrations/iep';
import { advance } from './advance';
import type { FlowDeps } from './flowDeps';
import { addStep, isSuperseded } from './flowSteps';
import { ON_IEP_WARNING_MS } from './timers/armTimers';
import { addTimer } from './timers/timerJobs';

/**
 * Images on IEP with no request (guideline 2.4): another organisation sent us a transfer nobody asked for. Each one
 * becomes an "action required" item for the analysts' channel, where they match it to a request (the download then
 * runs as that request's), ask the sender for the details (2.4b, a message on the IEP transaction), or cancel it.
 * Without details after 2 weeks it is cancelled with notice (2.4d), with a warning at 12 days (IEP purges at 15).
 *
 * Items hold ids and non-identifying facts only (`<prefix>:unsolicited:<txId>`); the patient IEP carries stays on IEP
 * and is shown 1:1 to an approver by the bot. Channel notices name the item id in `requestId` (topic
 * unsolicitedImages), because ChannelNotice has no other id field: the bot reads the item with readUnsolicitedItem.
 */
export interface UnsolicitedItem {
  itemId: string;
  iepTransactionId: string;
  institutionId: string;
  institutionName: string;
  studyCount: number;
  modalities: string[];
  /** ISO instant on our Clock. */
  receivedAt: string;
  /** YYYY-MM-DD (London): cancelled if nothing is established by then (2.4d). */
  deadline: string;
  state: 'open' | 'asked' | 'matched' | 'cancelled';
  /** The request it was matched to. */
  requestId?: string;
}

const PREFIX = 'iep-';

/** The item id of an incoming IEP transaction. */
export function unsolicitedItemId(iepTransactionId: string): string {
  return `${PREFIX}${iepTransactionId}`;
}

function txIdOf(itemId: string): string | undefined {
  return itemId.startsWith(PREFIX) ? itemId.slice(PREFIX.length) : undefined;
}

function itemKey(deps: FlowDeps, txId: string): string {
  return `${deps.prefix}:unsolicited:${txId}`;
}

function openKey(deps: FlowDeps): string {
  return `${deps.prefix}:unsolicited:open`;
}

/** One item, or undefined. */
export async function readUnsolicitedItem(deps: FlowDeps, itemId: string): Promise<UnsolicitedItem | undefined> {
  const txId = txIdOf(itemId);
  if (!txId) return undefined;
  const h = await deps.redis.hgetall(itemKey(deps, txId));
  if (!h.iepTransactionId) return undefined;
  return {
    itemId,
    iepTransactionId: h.iepTransactionId,
    institutionId: h.institutionId ?? '',
    institutionName: h.institutionName ?? '',
    studyCount: Number(h.studyCount ?? 0),
    modalities: h.modalities ? (JSON.parse(h.modalities) as string[]) : [],
    receivedAt: h.receivedAt ?? '',
    deadline: h.deadline ?? '',
    state: (h.state ?? 'open') as UnsolicitedItem['state'],
    ...(h.requestId ? { requestId: h.requestId } : {}),
  };
}

/** Items still needing an analyst (open or asked), oldest first. */
export async function listOpenUnsolicited(deps: FlowDeps): Promise<UnsolicitedItem[]> {
  const ids = await deps.redis.zrange(openKey(deps), 0, -1);
  const items = await Promise.all(ids.map((id) => readUnsolicitedItem(deps, unsolicitedItemId(id))));
  return items.filter((i): i is UnsolicitedItem => i !== undefined);
}

/**
 * Looks at IEP's incoming list (transactions other organisations made for us that are On IEP) and raises an item for
 * each one we have not seen. Run on a schedule by the timers queue. Transactions we already matched are not "On IEP"
 * any more once downloaded, and an item is created once (HSETNX on its id), so a repeat poll adds nothing.
 */
export async function pollIncoming(deps: FlowDeps): Promise<{ seen: number; raised: number }> {
  const incoming = await deps.iep.listIncoming({ status: 'On IEP' });
  let raised = 0;
  for (const tx of incoming) if (await raiseItem(deps, tx)) raised++;
  return { seen: incoming.length, raised };
}

async function raiseItem(deps: FlowDeps, tx: IepTransaction): Promise<boolean> {
  const now = deps.clock.now();
  const key = itemKey(deps, tx.id);
  const created = await deps.redis.hsetnx(key, 'iepTransactionId', tx.id);
  if (created === 1) {
    const modalities = [...new Set(tx.studies.flatMap((s) => s.modalities))].sort();
    await deps.redis
      .multi()
      .hset(key, {
        institutionId: tx.institution.id,
        institutionName: tx.institution.name,
        studyCount: String(tx.studies.length),
        modalities: JSON.stringify(modalities),
        receivedAt: now.toISOString(),
        deadline: addDays(londonLocalDate(now), NEEDS_INFORMATION_CANCEL_AFTER_DAYS),
        state: 'open',
      })
      .zadd(openKey(deps), now.getTime(), tx.id)
      .exec();
  }
  const item = await readUnsolicitedItem(deps, unsolicitedItemId(tx.id));
  if (!item || (item.state !== 'open' && item.state !== 'asked')) return false;
  // Told once: `notified` is set after the notice is queued, so a crash between the two re-sends it on the next poll
  // (the notice dedupes on its key) and an item still open tomorrow is not announced again every day.
  if ((await deps.redis.hget(key, 'notified')) !== '1') {
    await deps.notifier.notifyChannel({ topic: 'unsolicitedImages', requestId: item.itemId, status: 'onIep' });
    await deps.redis.hset(key, 'notified', '1');
  }
  const received = new Date(item.receivedAt);
  await addTimer(deps, { timer: 'unsolicited.warning', itemId: item.itemId, anchor: item.receivedAt, dueAt: new Date(received.getTime() + ON_IEP_WARNING_MS).toISOString() });
  await addTimer(deps, {
    timer: 'unsolicited.deadline',
    itemId: item.itemId,
    anchor: new Date(received.getTime() + 1).toISOString(),
    dueAt: new Date(received.getTime() + NEEDS_INFORMATION_CANCEL_AFTER_DAYS * 24 * 3600_000).toISOString(),
  });
  return created === 1;
}

/** What an analyst's action on an item did. */
export type UnsolicitedOutcome = { outcome: 'done'; item: UnsolicitedItem } | { outcome: 'refused'; reason: string };

/**
 * Matches the images to an import request (2.4a: once the details are established). The request must be an approved
 * import (or one whose own IEP request is still outstanding): its current run takes this IEP transaction as its own
 * and goes straight to the download, through the same engine checks as any import (a wrong patient is quarantined).
 */
export async function matchUnsolicited(deps: FlowDeps, itemId: string, requestId: string): Promise<UnsolicitedOutcome> {
  const item = await readUnsolicitedItem(deps, itemId);
  if (!item) return { outcome: 'refused', reason: 'no such item' };
  if (item.state === 'matched' && item.requestId === requestId) return { outcome: 'done', item };
  if (item.state !== 'open' && item.state !== 'asked') return { outcome: 'refused', reason: `the images are already ${item.state}` };
  const summary = await deps.store.requests.getSummary(requestId);
  if (!summary || summary.kind !== 'import') return { outcome: 'refused', reason: 'images can only be matched to an import request' };
  if (!['approved', 'iepNew', 'iepStarted'].includes(summary.status)) return { outcome: 'refused', reason: `the request is ${summary.status}` };
  const run = (await deps.flowState.currentRun(requestId)) ?? 0;
  const ref = { requestId, run };
  if (await isSuperseded(deps, ref)) return { outcome: 'refused', reason: 'a later run has started' };
  await deps.flowState.setTransaction(ref, item.iepTransactionId);
  const seen = [{ type: 'iep.statusSeen' as const, facts: { iepStatus: 'On IEP' } }];
  if (summary.status === 'approved') {
    await advance(deps, ref, 'iepNew', { why: 'matched to images already on IEP (2.4)', audit: [{ type: 'iep.transactionCreated', facts: { iepTransactionId: item.iepTransactionId, lane: summary.lane } }] });
  }
  const moved = await advance(deps, ref, 'onIep', { why: 'IEP status On IEP', audit: seen });
  if (moved.outcome === 'gone' || (moved.outcome === 'refused' && moved.status !== 'onIep')) return { outcome: 'refused', reason: 'the request moved on meanwhile' };
  await deps.redis.multi().hset(itemKey(deps, item.iepTransactionId), { state: 'matched', requestId }).zrem(openKey(deps), item.iepTransactionId).exec();
  await addStep(deps, ref, 'import.download', summary.lane);
  return { outcome: 'done', item: { ...item, state: 'matched', requestId } };
}

/** Asks the sender for the request details on the IEP transaction (2.4b). Idempotent: one message per item. */
export async function askSenderForDetails(deps: FlowDeps, itemId: string): Promise<UnsolicitedOutcome> {
  const item = await readUnsolicitedItem(deps, itemId);
  if (!item) return { outcome: 'refused', reason: 'no such item' };
  if (item.state !== 'open' && item.state !== 'asked') return { outcome: 'refused', reason: `the images are already ${item.state}` };
  await deps.iep.postMessage(item.iepTransactionId, {
    text:
      'University Hospitals of Leicester received these images without a request. Please send the patient details, ' +
      'the exams, and the requesting clinician, consultant and department, so we can match them. Without them the ' +
      `images will be cancelled on ${item.deadline}.`,
    clientMessageId: `${item.itemId}.ask`,
  });
  await deps.redis.hset(itemKey(deps, item.iepTransactionId), 'state', 'asked');
  return { outcome: 'done', item: { ...item, state: 'asked' } };
}

/** Cancels the images (an analyst, or 2 weeks without details): the sender is told on IEP and the channel hears. */
export async function cancelUnsolicited(deps: FlowDeps, itemId: string, by: 'analyst' | 'deadline'): Promise<UnsolicitedOutcome> {
  const item = await readUnsolicitedItem(deps, itemId);
  if (!item) return { outcome: 'refused', reason: 'no such item' };
  if (item.state === 'cancelled') return { outcome: 'done', item };
  if (item.state === 'matched') return { outcome: 'refused', reason: 'the images were matched to a request' };
  await deps.iep.postMessage(item.iepTransactionId, {
    text:
      by === 'deadline'
        ? 'University Hospitals of Leicester has cancelled these images: the request details did not arrive within 2 weeks.'
        : 'University Hospitals of Leicester has cancelled these images.',
    clientMessageId: `${item.itemId}.cancelled`,
  });
  await deps.redis.multi().hset(itemKey(deps, item.iepTransactionId), 'state', 'cancelled').zrem(openKey(deps), item.iepTransactionId).exec();
  await deps.notifier.notifyChannel({ topic: 'unsolicitedImages', requestId: item.itemId, status: 'cancelled' });
  return { outcome: 'done', item: { ...item, state: 'cancelled' } };
}

/** The 12-day timer of an item. */
export async function unsolicitedWarning(deps: FlowDeps, itemId: string): Promise<string> {
  const item = await readUnsolicitedItem(deps, itemId);
  if (!item || (item.state !== 'open' && item.state !== 'asked')) return 'item settled';
  // The arrival notice again, as the reminder: notify jobs are kept a day, so 12 days on it is not de-duplicated.
  await deps.notifier.notifyChannel({ topic: 'unsolicitedImages', requestId: item.itemId, status: 'onIep' });
  return 'warned: 3 days before IEP purges the images';
}

/** The 2-week timer of an item (2.4d). */
export async function unsolicitedDeadlinePassed(deps: FlowDeps, itemId: string): Promise<string> {
  const item = await readUnsolicitedItem(deps, itemId);
  if (!item || (item.state !== 'open' && item.state !== 'asked')) return 'item settled';
  await cancelUnsolicited(deps, itemId, 'deadline');
  return 'cancelled after 2 weeks without details';
}
