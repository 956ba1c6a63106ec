import { createHash } from 'node:crypto';
import type { RisExamEntry } from '../../integrations/ris';
import { advance } from '../advance';
import type { FlowDeps } from '../flowDeps';
import { flowIdOf, type FlowRef } from '../flowRef';
import { done, PermanentStepError, type StepOutcome } from '../stepOutcome';

/**
 * Import / CD step 5 (guideline 2.2, 2.3f): one RIS entry per imported exam, event date = the date the images were
 * acquired (Study Date), never today. Each entry's message control id is derived from `<flowId>.e<n>` (so a resend
 * after a crash carries the same MSH-10 and CRIS sees a duplicate), and each AA is recorded, so a retry sends only
 * what was not acknowledged. Then registeredOnRis -> completed, and the requester is told the images are available,
 * quoting the call reference (2.3g).
 */
export async function risRegisterStep(ref: FlowRef, deps: FlowDeps): Promise<StepOutcome> {
  const stored = await deps.store.requests.get(ref.requestId);
  if (!stored) return done('request gone');
  const request = stored.request;
  if (stored.status === 'iepDelivered' || stored.status === 'deliveredToPacs') {
    if (!request || (request.kind !== 'import' && request.kind !== 'cdImport')) {
      throw new PermanentStepError('NO_REQUEST_DETAILS', `request ${stored.id} has no details for RIS`);
    }
    if (!stored.callRef) throw new PermanentStepError('NO_CALL_REF', `request ${stored.id} has no call reference`);
    const state = await deps.flowState.get(ref);
    const studies = state.importedStudies ?? [];
    if (studies.length === 0) throw new PermanentStepError('NOTHING_IMPORTED', `run ${ref.run} of request ${stored.id} recorded no studies in PACS`);
    const p = request.patient;
    for (const [i, study] of studies.entries()) {
      if (state.risDone.includes(i)) continue;
      const exam = study.examIndex !== undefined ? request.exams[study.examIndex] : undefined;
      const entry: RisExamEntry = {
        examId: examIdOf(flowIdOf(ref), i),
        callRef: stored.callRef,
        accessionNumber: study.accessionNumber,
        placerOrderNumber: `${stored.callRef}-${i + 1}`,
        fillerOrderNumber: study.accessionNumber,
        examCode: exam?.examCode ?? deps.options.risDefaultExamCode,
        ...(exam?.description ? { examDescription: exam.description } : {}),
        // guideline 2.3f: "the event date on CRIS is the date the images were acquired".
        acquisitionDate: study.studyDate ?? exam?.date ?? '',
        patient: {
          sNumber: p.sNumber,
          ...(p.nhsNumber !== undefined ? { nhsNumber: p.nhsNumber } : {}),
          familyName: p.familyName,
          givenName: p.givenName,
          birthDate: p.birthDate,
        },
      };
      await deps.ris.registerExam(entry);
      await deps.flowState.markRisDone(ref, i);
    }
    const registered = await advance(deps, ref, 'registeredOnRis', {
      why: 'recorded on RIS, one entry per exam',
      audit: [{ type: 'ris.registered', facts: { examCount: studies.length } }],
    });
    if (registered.outcome !== 'moved' && !(registered.outcome === 'refused' && registered.status === 'registeredOnRis')) return done('request moved on meanwhile');
  } else if (stored.status !== 'registeredOnRis') {
    return done(`nothing to record: request is ${stored.status}`);
  }
  const completed = await advance(deps, ref, 'completed', { why: 'images available in UHL PACS', tellRequester: true });
  if (completed.outcome === 'moved' && stored.callRef && deps.serviceDesk) {
    await deps.serviceDesk.resolve(stored.callRef, 'Images available in PACS and recorded on RIS.').catch((err: Error) =>
      deps.logger.warn({ requestId: stored.id, callRef: stored.callRef, errType: err.name }, 'service desk resolve failed'),
    );
  }
  return done('completed');
}

/** Our exam id (1-64 printable characters for HL7): readable when it fits, else a digest of the same parts. */
export function examIdOf(flowId: string, index: number): string {
  const id = `${flowId}.e${index}`;
  return id.length <= 64 && /^[\x21-\x7e]+$/.test(id) ? id : `X${createHash('sha256').update(id).digest('hex').slice(0, 40)}`;
}
