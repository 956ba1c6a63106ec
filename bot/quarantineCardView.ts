import type { HeldImport } from '../app';
import type { ActionRequiredCardData, CardDecision } from '../cards';
import type { FieldError, RequestStatus } from '../domain';
import type { NameBook } from './cardViews';

/** What the quarantine card needs of the request: ids and facts, no patient data. */
export interface HeldRequestFacts {
  id: string;
  callRef?: string;
  status: RequestStatus;
  statusSince: string;
  organisation?: string;
}

/** The generic line when the workers' findings are not known (an older quarantine, or no worker operations wired). */
export const HELD_GENERIC_REASON = 'A check on the images failed, so they were held before PACS.';

/**
 * The channel's quarantine card (issue 5) from the request and the workers' held-import record: the findings in plain
 * words (no values), and Release to PACS only while the request is still quarantined, its findings can be settled by
 * a check, and no release was ordered for them yet (then the card says who ordered it and when).
 */
export function quarantineCardData(
  request: HeldRequestFacts,
  held: HeldImport | undefined,
  names: NameBook,
  extra: { decision?: CardDecision; errors?: readonly FieldError[] } = {},
): ActionRequiredCardData {
  const ordered = held?.release;
  const decision: CardDecision | undefined =
    extra.decision ??
    (ordered && request.status === 'quarantined'
      ? {
          what: 'Release to PACS ordered',
          by: names.get(ordered.by.toLowerCase()) ?? 'A service-desk analyst',
          at: ordered.at,
          tone: 'good',
          detail: 'The images are checked again against exactly these findings and sent to PACS; anything new holds them again with a new card.',
          detailLabel: 'Next',
        }
      : undefined);
  const mayRelease = held !== undefined && held.releasable && request.status === 'quarantined' && !ordered;
  return {
    itemId: request.id,
    topic: 'quarantined',
    requestId: request.id,
    ...(request.callRef ? { callRef: request.callRef } : {}),
    status: request.status,
    receivedAt: held?.heldAt || request.statusSince,
    ...(request.organisation ? { sendingOrganisation: request.organisation } : {}),
    reasons: [HELD_GENERIC_REASON],
    ...(held ? { findings: held.findings } : {}),
    ...(mayRelease ? { release: { version: held.version } } : {}),
    ...(decision ? { decision } : {}),
    ...(extra.errors ? { errors: extra.errors } : {}),
  };
}
