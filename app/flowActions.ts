import type { CallRef, ExportRequest, FieldError, RequestStatus } from '../domain';
import type { RequestSummary } from '../store';
import type { AppActor } from './appActor';
import type { AppDeps } from './deps';
import { runOnceByKey } from './onceByKey';
import type { Refusal } from './outcomes';
import type { ExportCandidate } from './ports';
import { approverOn } from './approverOn';

/** What an analyst's flow action did: done (with what), a problem for the card (under an input), or a refusal. */
export type FlowActionOutcome<T> =
  | { outcome: 'done'; requestId: string; callRef?: CallRef; value: T; alreadyDone: boolean }
  | { outcome: 'problem'; requestId: string; callRef?: CallRef; errors: FieldError[] }
  | Refusal;



/** Once per delivery key: repeats get `alreadyDone` with the first outcome's words (ids and counts only). */
async function once<T>(deps: AppDeps, key: string, summary: RequestSummary, field: string, run: () => Promise<{ outcome: 'done'; value: T } | { outcome: 'refused'; reason: string }>, replay: (settled: string) => T): Promise<FlowActionOutcome<T>> {
  const ids = { requestId: summary.id, ...(summary.callRef ? { callRef: summary.callRef } : {}) };
  const once = await runOnceByKey(deps, key, run, (value) => JSON.stringify(value));
  if (once.kind === 'refusal') return once.refusal;
  if (once.kind === 'replayed') return { outcome: 'done', ...ids, value: replay(once.settled), alreadyDone: true };
  const out = once.out;
  if (out.outcome === 'refused') return { outcome: 'problem', ...ids, errors: [{ field, message: `${out.reason.charAt(0).toUpperCase()}${out.reason.slice(1)}.` }] };
  return { outcome: 'done', ...ids, value: out.value, alreadyDone: false };
}

/** An ambiguous export waiting for the analyst: its candidates and what was asked for, for the confirm card. */
export interface ExportStudiesView {
  outcome: 'candidates';
  requestId: string;
  callRef?: CallRef;
  status: RequestStatus;
  destination: string;
  /** The requested exams (date and description), to compare the candidates with. */
  exams: Array<{ date: string; description: string }>;
  candidates: ExportCandidate[];
}

/** The candidates of an export waiting for confirmation (issue #7, export step 2); approvers only. */
export async function exportStudiesToConfirm(deps: AppDeps, actor: AppActor, requestIdHint: string): Promise<ExportStudiesView | Refusal> {
  const a = await approverOn(deps, actor, requestIdHint, 'confirmExportStudies', { needsWork: true });
  if ('refusal' in a) return a.refusal;
  const { summary } = a;
  const ref = summary.callRef ?? 'This request';
  const candidates = summary.kind === 'export' && summary.status === 'approved' ? await deps.work!.exportCandidates(summary.id) : undefined;
  if (!candidates) return { outcome: 'notNow', message: `${ref} has no studies waiting to be confirmed.`, status: summary.status };
  const stored = await deps.store.requests.get(summary.id);
  const body = stored?.request as ExportRequest | undefined;
  return {
    outcome: 'candidates',
    requestId: summary.id,
    ...(summary.callRef ? { callRef: summary.callRef } : {}),
    status: summary.status,
    destination: body?.destination.organisation ?? summary.organisation ?? '',
    exams: (body?.exams ?? []).map((e) => ({ date: e.date, description: e.description })),
    candidates,
  };
}

/**
 * The analyst confirms which UHL studies an ambiguous export sends (issue #7 export step 2; sending the wrong study out
 * of the trust cannot be taken back). Only studies the workers found for this request may be chosen (they re-check);
 * the choice is recorded in the run's sealed flow state and the transfer queued. Once per delivery key.
 */
export async function confirmExportStudies(deps: AppDeps, actor: AppActor, requestIdHint: string, picked: unknown, key: string): Promise<FlowActionOutcome<{ studyCount: number }>> {
  const a = await approverOn(deps, actor, requestIdHint, 'confirmExportStudies', { needsWork: true });
  if ('refusal' in a) return a.refusal;
  const uids = (typeof picked === 'string' ? picked.split(',') : Array.isArray(picked) ? picked : []).map((u) => String(u).trim()).filter((u) => u !== '');
  const ids = { requestId: a.summary.id, ...(a.summary.callRef ? { callRef: a.summary.callRef } : {}) };
  if (uids.length === 0) return { outcome: 'problem', ...ids, errors: [{ field: 'studyInstanceUids', message: 'Pick at least one study to send.' }] };
  return once(deps, key, a.summary, 'studyInstanceUids', () => deps.work!.confirmExportStudies(a.summary.id, uids), (s) => JSON.parse(s) as { studyCount: number });
}

/**
 * Points an approved CD import at the disc's contents (Appendix 6: the MBP uploads the CD): an absolute path to a
 * folder or a .zip inside the workers' CD folder, checked by the workers (it must exist and be readable there). The
 * path is stored sealed (a folder name can carry a patient's name) and the import queued. Once per delivery key.
 */
export async function pointCdImport(deps: AppDeps, actor: AppActor, requestIdHint: string, source: unknown, key: string): Promise<FlowActionOutcome<{ source: string }>> {
  const a = await approverOn(deps, actor, requestIdHint, 'pointCdImport', { needsWork: true });
  if ('refusal' in a) return a.refusal;
  const ids = { requestId: a.summary.id, ...(a.summary.callRef ? { callRef: a.summary.callRef } : {}) };
  const text = typeof source === 'string' ? source.trim() : '';
  if (text === '' || text.length > 1000) return { outcome: 'problem', ...ids, errors: [{ field: 'cdSource', message: 'Type the full path of the CD folder or .zip.' }] };
  if (a.summary.kind !== 'cdImport') return { outcome: 'notNow', message: `${a.summary.callRef ?? 'This request'} is not a CD import.`, status: a.summary.status };
  return once(deps, key, a.summary, 'cdSource', () => deps.work!.pointCdImportAt(a.summary.id, text), () => ({ source: '' }));
}
