import type { Job } from 'bullmq';
import type { FlowDeps, FlowJobData } from './flowDeps';
import { isFlowStep, isSuperseded, type FlowStep } from './flowSteps';
import { done, PermanentStepError, type StepOutcome } from './stepOutcome';
import type { FlowRef } from './flowRef';
import { cdImportStep } from './steps/cdImport';
import { exportFindStep } from './steps/exportFind';
import { importDownloadStep } from './steps/importDownload';
import { importRequestStep } from './steps/importRequest';
import { importWatchStep } from './steps/importWatch';
import { outboundSendStep } from './steps/outboundSend';
import { outboundWatchStep } from './steps/outboundWatch';
import { releaseQuarantineStep } from './steps/releaseQuarantine';
import { risRegisterStep } from './steps/risRegister';

const STEPS: Record<FlowStep, (ref: FlowRef, deps: FlowDeps) => Promise<StepOutcome>> = {
  'import.request': importRequestStep,
  'import.watch': importWatchStep,
  'import.download': importDownloadStep,
  'export.find': exportFindStep,
  'outbound.send': outboundSendStep,
  'outbound.watch': outboundWatchStep,
  'cd.import': cdImportStep,
  'ris.register': risRegisterStep,
  'quarantine.release': releaseQuarantineStep,
};

/**
 * Runs one flow step (any of the flow, outbound and inbound queues). Every step re-reads the request and its run's
 * state and works out what is left to do, so a repeat, a retry or the next worker after a crash carries on from where
 * the work stopped. A job of a run that a re-process has replaced does nothing. Tests call this with `{ name, data }`.
 * The step name may carry a suffix (".src..." for a deliberate second pass).
 */
export async function execStep(job: Pick<Job<FlowJobData>, 'name' | 'data'>, deps: FlowDeps): Promise<StepOutcome> {
  const ref: FlowRef = { requestId: job.data.requestId, run: job.data.run };
  const step = job.name;
  if (!isFlowStep(step)) throw new PermanentStepError('UNKNOWN_STEP', `no flow step called ${step}`);
  if (await isSuperseded(deps, ref)) return done(`run ${ref.run} was replaced by a re-process`);
  return STEPS[step](ref, deps);
}
