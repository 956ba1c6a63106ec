import { TEXT_LIMITS, type RequestKind } from '../domain';
import { decidedView, type CardInstant } from './cardEvents';
import { escapeCardText } from './escape';
import { fieldViews, newFormId, type FormState } from './formFields';
import { renderTemplate, type AdaptiveCard } from './render';
import { CARD_VERBS } from './verbs';
import { KIND_SHORT_LABELS, formatCardDate, formatCardTime } from './words';

/** An analyst's question to the requester ("Needs information"), and the answer once given. */
export interface InformationRequestCardData extends FormState {
  requestId: string;
  callRef: string;
  kind: RequestKind;
  question: string;
  askedBy: string;
  askedAt: CardInstant;
  /** YYYY-MM-DD: the request is cancelled if no answer by then (domain informationDeadline, guideline 2.4d: 2 weeks). */
  deadline?: string;
  /** Once answered, the card is updated in place: no input, the answer shown. */
  answered?: { answer: string; at: CardInstant };
  formId?: string;
}

/** Question card to the requester: the question, an answer box (input `answer`), Send answer (answerInformation). */
export function renderInformationRequestCard(data: InformationRequestCardData): AdaptiveCard {
  const ref = escapeCardText(data.callRef);
  return renderTemplate('informationRequest', {
    title: `${ref}: the service desk needs more information`,
    requestId: data.requestId,
    callRef: data.callRef,
    formId: data.formId ?? newFormId(),
    askedText: `${KIND_SHORT_LABELS[data.kind]} request · question from ${escapeCardText(data.askedBy)} at ${formatCardTime(data.askedAt)}`,
    question: escapeCardText(data.question),
    open: data.answered === undefined,
    f: fieldViews(['answer'], data, { answer: 'Your answer' }),
    limits: TEXT_LIMITS,
    hasDeadline: data.deadline !== undefined,
    deadlineText: data.deadline ? `Please answer by ${formatCardDate(data.deadline)}, or the request will be cancelled.` : '',
    decided: decidedView(
      data.answered ? { what: 'Answered', by: 'you', at: data.answered.at, detail: data.answered.answer, detailLabel: 'Your answer', tone: 'good' } : undefined,
    ),
    verbs: CARD_VERBS,
  });
}
