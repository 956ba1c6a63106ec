/**
 * One run of a request's flow. Run 0 is the original; a re-process (guideline 2.5b) or an approval after the requester
 * reworked a declined request starts run 1, 2... (app/flowRuns.ts counts them). Everything a run does on other systems
 * is keyed by its flow id, so a repeat of the same run finds its own work and a later run never reuses an earlier one's.
 */
export interface FlowRef {
  readonly requestId: string;
  readonly run: number;
}

/** `<requestId>` for the first run, `<requestId>.r<n>` for a re-process. Also our IEP external reference. */
export function flowIdOf(ref: FlowRef): string {
  return ref.run === 0 ? ref.requestId : `${ref.requestId}.r${ref.run}`;
}

/**
 * A BullMQ job id for a step of a run. BullMQ ids may not contain ":" (it separates key parts) and request ids may, so
 * ":" is spelt "~"; ids are otherwise kept readable for operations.
 */
export function stepJobId(ref: FlowRef, step: string): string {
  return `${flowIdOf(ref)}.${step}`.replace(/:/g, '~');
}

/** A job id from free parts (timers, incoming items), with the same spelling rule. */
export function jobIdOf(...parts: Array<string | number>): string {
  return parts.join('.').replace(/:/g, '~');
}
