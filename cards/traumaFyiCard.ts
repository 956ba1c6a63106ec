import { DEFAULT_TRAUMA_DESTINATION_ID, STATUS_LABELS, TRAUMA_DESTINATIONS, type RequestStatus } from '../domain';
import type { CardInstant } from './cardEvents';
import { escapeCardText } from './escape';
import { renderTemplate, type AdaptiveCard } from './render';
import { CARD_VERBS } from './verbs';
import { formatCardTime } from './words';

/** A trauma transfer, for the service-desk channel to know about (it needs no approval). */
export interface TraumaFyiCardData {
  requestId: string;
  callRef: string;
  /** The radiologist's display name. */
  sentBy: string;
  at: CardInstant;
  studyCount: number;
  attachReport: boolean;
  status: RequestStatus;
  /** Default "nuh". */
  destinationId?: string;
}

/** FYI in the channel: who sent how many studies where and when, and the status; no patient data. */
export function renderTraumaFyiCard(data: TraumaFyiCardData): AdaptiveCard {
  const d = TRAUMA_DESTINATIONS.find((t) => t.id === (data.destinationId ?? DEFAULT_TRAUMA_DESTINATION_ID)) ?? TRAUMA_DESTINATIONS[0];
  return renderTemplate('traumaFyi', {
    title: `FYI: trauma transfer ${escapeCardText(data.callRef)}`,
    introText: 'An on-call radiologist sent an ED trauma patient\u2019s images to the major trauma centre. No action is needed unless it fails.',
    requestId: data.requestId,
    callRef: data.callRef,
    facts: [
      { title: 'To', value: d ? `${d.organisation} (${d.deliveryNode})` : '' },
      { title: 'Priority', value: 'Clinical emergency' },
      { title: 'Sent by', value: escapeCardText(data.sentBy) },
      { title: 'When', value: formatCardTime(data.at) },
      { title: 'Studies', value: `${data.studyCount}${data.attachReport ? ', report attached' : ''}` },
      { title: 'Status', value: STATUS_LABELS[data.status] },
    ],
    // Appendix 4 step 17: once On IEP, downloading is the receiving trust's job.
    noteText: 'Once the study is "On IEP" the receiving trust downloads it.',
    verbs: CARD_VERBS,
  });
}
