import { notBefore } from '../calendarGate';
import type { FlowDeps } from '../flowDeps';
import type { FlowRef } from '../flowRef';
import type { CandidateStudy } from '../flowState';
import { addStep, isSuperseded } from '../flowSteps';
import { modalityOf } from '../iepMapping';
import { done, later, PermanentStepError, type StepOutcome } from '../stepOutcome';

/**
 * Export step 1 (guideline 2.6, Appendix 3): find the studies on UHL PACS by S number, exam date and modality. When
 * every requested exam matches exactly one study, those are sent; otherwise (none, or several, for some exam) the
 * analyst confirms the list first (confirmExportStudies), because sending the wrong study out of the trust is the
 * error that cannot be taken back.
 */
export async function exportFindStep(ref: FlowRef, deps: FlowDeps): Promise<StepOutcome> {
  const stored = await deps.store.requests.get(ref.requestId);
  if (!stored) return done('request gone');
  if (stored.status !== 'approved') {
    if (stored.status === 'iepNew' || stored.status === 'iepStarted') await addStep(deps, ref, 'outbound.send', stored.lane);
    return done(`nothing to find: request is ${stored.status}`);
  }
  const request = stored.request;
  if (request?.kind !== 'export') throw new PermanentStepError('NOT_AN_EXPORT', `request ${ref.requestId} is not an export with its details`);
  const now = deps.clock.now();
  const wait = notBefore(stored.lane, now, deps.calendar);
  if (wait) return later(wait.getTime() - now.getTime(), 'waiting for service hours', wait);

  const state = await deps.flowState.get(ref);
  if (state.chosenStudyUids?.length) {
    await addStep(deps, ref, 'outbound.send', stored.lane);
    return done('studies already chosen');
  }
  const ctx = stored.callRef ? { callRef: stored.callRef } : {};
  const perExam: CandidateStudy[][] = [];
  for (const [examIndex, exam] of request.exams.entries()) {
    const modality = modalityOf(exam.description);
    const found = await deps.pacs.searchStudies(
      { patientId: request.patient.sNumber, studyDateFrom: exam.date, studyDateTo: exam.date, ...(modality ? { modality } : {}) },
      ctx,
    );
    perExam.push(
      found.map((s) => ({
        studyInstanceUid: s.studyInstanceUid,
        ...(s.studyDate ? { studyDate: s.studyDate } : {}),
        modalities: s.modalities,
        ...(s.studyDescription ? { description: s.studyDescription } : {}),
        examIndex,
      })),
    );
  }
  const uids = [...new Set(perExam.flat().map((c) => c.studyInstanceUid))];
  if (perExam.every((c) => c.length === 1) && uids.length === perExam.length) {
    await deps.flowState.setChosen(ref, uids);
    await addStep(deps, ref, 'outbound.send', stored.lane);
    return done(`found ${uids.length} studies`);
  }
  await deps.flowState.setCandidates(ref, perExam.flat());
  // No channel topic says "confirm the studies" yet (docs/workflows.md asks for one): stepFailed at "approved" is it.
  await deps.notifier.notifyChannel({ topic: 'stepFailed', requestId: ref.requestId, ...(stored.callRef ? { callRef: stored.callRef } : {}), kind: 'export', status: 'approved' });
  return done('ambiguous match: waiting for the analyst to confirm the studies');
}

/** What confirmExportStudies did. */
export type ConfirmStudiesOutcome = { outcome: 'queued'; studyCount: number } | { outcome: 'refused'; reason: string };

/**
 * The analyst confirms which UHL studies an export sends (after an ambiguous match). Only studies found for this
 * request's patient may be chosen: the candidates are re-read from the run's sealed state, never taken from card data.
 * Idempotent: confirming again with the same list queues nothing new.
 */
export async function confirmExportStudies(deps: FlowDeps, requestId: string, studyInstanceUids: readonly string[]): Promise<ConfirmStudiesOutcome> {
  const summary = await deps.store.requests.getSummary(requestId);
  if (!summary || summary.kind !== 'export') return { outcome: 'refused', reason: 'not an export request' };
  if (summary.status !== 'approved') return { outcome: 'refused', reason: `the request is ${summary.status}` };
  const run = (await deps.flowState.currentRun(requestId)) ?? 0;
  const ref = { requestId, run };
  if (await isSuperseded(deps, ref)) return { outcome: 'refused', reason: 'a later run has started' };
  const state = await deps.flowState.get(ref);
  const known = new Set((state.candidates ?? []).map((c) => c.studyInstanceUid));
  const chosen = [...new Set(studyInstanceUids)];
  if (chosen.length === 0) return { outcome: 'refused', reason: 'no studies chosen' };
  if (!chosen.every((u) => known.has(u))) return { outcome: 'refused', reason: 'a chosen study was not found for this request' };
  await deps.flowState.setChosen(ref, chosen);
  await addStep(deps, ref, 'outbound.send', summary.lane);
  return { outcome: 'queued', studyCount: chosen.length };
}

