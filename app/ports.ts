import type { Notifier, PriorityLane } from '../domain';

/**
 * Starts (or restarts) a request's transfer flow in the workers. Implemented in workers/ by the workflows colleague.
 *
 * Contract: idempotent. The app calls it again when a submission or approval is re-delivered (Teams retries, double
 * clicks), so an implementation must dedupe, e.g. a BullMQ flow whose job id is `<requestId>` (or
 * `<requestId>.r<reprocess>` for the nth re-process).
 */
export interface FlowStarter {
  start(requestId: string, opts: { lane: PriorityLane; reprocess?: number }): Promise<void>;
}

/**
 * The domain's Notifier plus one more thing the conversation needs: re-render, in place, every card already posted
 * about a request (the channel's approval card, the requester's status card) so that everyone sees who did what and
 * when. Ids only; implemented by workers/notifyQueue.ts (QueueNotifier) and processed in the bot process.
 */
export interface AppNotifier extends Notifier {
  refreshRequestCards(requestId: string, version: number): Promise<void>;
}

/** An organisation on IEP as the forms offer it. */
export interface Institution {
  id: string;
  name: string;
}

/**
 * Where trust names come from for the import/export pickers and for "request images from Kettering". A static list
 * for now (iepDirectory.ts); later IepClient.searchInstitutions(name) behind the same port.
 */
export interface InstitutionDirectory {
  /** Every institution whose name matches `text` (empty: all), A-Z. */
  search(text: string): Promise<Institution[]>;
}
