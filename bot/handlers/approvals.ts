import { approve, askForInformation, patientDetails, reject, type DecisionOutcome } from '../../app';
import { renderPatientDetailsCard, type RefusalReason } from '../../cards';
import { ConversationRateLimitedError } from '../notifications/teamsErrors';
import { cdSourceCard } from './analystFlowActions';
import { currentApprovalCard } from './requestCards';
import { actionKey, hint, invalidResult, refusalResult, type CardActionHandler, type CardActionResult, type Turn } from './turn';

/** After a decision: the clicked approval card re-rendered for everyone (who did what, when), or the refusal. */
async function afterDecision(turn: Turn, out: DecisionOutcome, attempted: string, reason: RefusalReason): Promise<CardActionResult> {
  if (out.outcome === 'invalid') return invalidResult(out);
  if (out.outcome !== 'done') return refusalResult(out, attempted, reason);
  const card = await currentApprovalCard(turn, out.requestId);
  return card ? { replace: card } : {};
}

/** Approve (guideline 2.7a-c): approvers only, once however often it arrives. */
const onApprove: CardActionHandler = async (turn, data) => {
  const requestId = hint(data, 'requestId');
  if (!requestId) return { error: { status: 400, code: 'badRequest', message: 'This card has no request on it.' } };
  const out = await approve(turn.services.app, turn.actor, requestId, actionKey(turn, 'approve', requestId, data));
  const result = await afterDecision(turn, out, 'approve this request', 'notAnalyst');
  // A CD import waits for the disc's contents (Appendix 6): the approver gets the card to point it at them, once.
  if (out.outcome === 'done' && out.kind === 'cdImport' && !out.alreadyDone) return { ...result, reply: [...(result.reply ?? []), cdSourceCard(out.requestId, out.callRef ?? '')] };
  return result;
};

/** Reject with a reason the requester will see. */
const onReject: CardActionHandler = async (turn, data) => {
  const requestId = hint(data, 'requestId');
  if (!requestId) return { error: { status: 400, code: 'badRequest', message: 'This card has no request on it.' } };
  const out = await reject(turn.services.app, turn.actor, requestId, data.reason, actionKey(turn, 'reject', requestId, data));
  return afterDecision(turn, out, 'reject this request', 'notAnalyst');
};

/** Needs information: the question goes to the requester (2.4a). Also "Back to requester" on a failure card (2.5b). */
const onAskForInformation: CardActionHandler = async (turn, data) => {
  const requestId = hint(data, 'requestId');
  if (!requestId) return { error: { status: 400, code: 'badRequest', message: 'This card has no request on it.' } };
  const out = await askForInformation(turn.services.app, turn.actor, requestId, data.question, actionKey(turn, 'ask', requestId, data));
  return afterDecision(turn, out, 'ask about this request', 'notAnalyst');
};

/**
 * Show patient details: only to an approver, and only 1:1 (never into the channel). The read is audited by the
 * use-case. From the channel the card goes to the approver's personal chat with the bot.
 */
const onShowPatientDetails: CardActionHandler = async (turn, data) => {
  const requestId = hint(data, 'requestId');
  if (!requestId) return { error: { status: 400, code: 'badRequest', message: 'This card has no request on it.' } };
  const out = await patientDetails(turn.services.app, turn.actor, requestId);
  if (out.outcome !== 'details') {
    return out.outcome === 'invalid' ? invalidResult(out) : refusalResult(out, 'see the patient details', 'notApprover');
  }
  const card = renderPatientDetailsCard({ callRef: out.summary.callRef ?? 'not yet logged', request: out.request, ...(out.heldFindings ? { heldFindings: out.heldFindings } : {}) });
  if (turn.context.activity.conversation?.conversationType === 'personal') return { reply: [card] };
  try {
    const sent = await turn.services.sender.send({ audience: 'user', aadObjectId: turn.actor.aadObjectId }, { card });
    if (sent.delivered) return { reply: ['I have sent you the patient details in our private chat.'] };
    return { reply: ['I could not open a private chat with you, so the details were not sent. Open a chat with me (Imaging Transfer Bot) and try again.'] };
  } catch (err) {
    if (err instanceof ConversationRateLimitedError) return { error: { status: 503, code: 'unavailable', message: 'Teams is busy; please try again in a few seconds.' } };
    throw err;
  }
};

/** Handlers for the approval card's verbs. */
export const approvalActions = {
  approve: onApprove,
  reject: onReject,
  askForInformation: onAskForInformation,
  showPatientDetails: onShowPatientDetails,
};
