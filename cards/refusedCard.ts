import { escapeCardText } from './escape';
import { renderTemplate, type AdaptiveCard } from './render';
import { CARD_VERBS } from './verbs';

/**
 * Why an action was refused. Role denials are explained kindly: what the person tried, who may do it, and what they can
 * do instead; never a bare "forbidden".
 */
export const REFUSAL_REASONS = {
  notAnalyst: {
    why: 'Only the service-desk analysts can approve, reject or ask for information on requests, and handle images that need action.',
    todo: 'If you should be able to, ask the service-desk lead to add you to the analysts group.',
  },
  notApprover: {
    why: 'Patient details are shown only to analysts who approve requests.',
    todo: 'Ask an approver in the channel, or the service-desk lead to add you to the approvers.',
  },
  notRadiologist: {
    why: 'Trauma transfers to Nottingham are for the on-call radiologists, for ED trauma patients (guideline 2.1c).',
    todo: 'For other transfers, use "import" or "export"; they go through the service desk.',
  },
  notRequester: {
    why: 'Only the person who made a request can see or cancel it here.',
    todo: 'Call the service desk on x18000 and quote the call reference.',
  },
  tooLateToCancel: {
    why: 'Processing has started, so the request can no longer be cancelled here.',
    todo: 'Call the service desk on x18000 and quote the call reference.',
  },
  outsideTenant: {
    why: 'This bot serves staff of the trust only.',
    todo: 'Sign in to Teams with your trust account.',
  },
} as const;

/** One of the refusal reasons. */
export type RefusalReason = keyof typeof REFUSAL_REASONS;

export interface RefusedCardData {
  /** What they tried, as a verb phrase: "approve this request". */
  attempted: string;
  reason: RefusalReason;
  callRef?: string;
}

/** "Sorry, you can't approve this request": the reason and what to do instead; a Help button (openHelp). */
export function renderRefusedCard(data: RefusedCardData): AdaptiveCard {
  const r = REFUSAL_REASONS[data.reason];
  return renderTemplate('refused', {
    title: `Sorry, you can't ${escapeCardText(data.attempted)}${data.callRef ? ` (${escapeCardText(data.callRef)})` : ''}`,
    whyText: r.why,
    whatToDoText: r.todo,
    verbs: CARD_VERBS,
  });
}
