import type { TurnContext } from 'botbuilder';
import { renderCancelConfirmCard, renderComplianceReportCard, renderHelpCard } from '../cards';
import { complianceReport, statusOf } from '../app';
import { openForm, openTrauma } from './handlers/forms';
import { myRequestsReply, statusReply } from './handlers/statusActions';
import { refusalResult, type CardActionResult, type Turn } from './handlers/turn';

/**
 * A typed-text command: the first that matches handles the message. `turn` (who is acting, and the services) is
 * there whenever the conversation is wired; edge-only setups get help and nothing else.
 */
export interface TextCommand {
  name: string;
  matches(text: string): boolean;
  handle(context: TurnContext, text: string, turn: Turn | undefined): Promise<CardActionResult>;
}

/** Teams prefixes channel messages with "<at>Bot</at>"; strip mentions and normalise spaces before matching. */
export function normaliseCommandText(text: string | undefined): string {
  return (text ?? '')
    .replace(/<at>[^<]*<\/at>/gi, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
}

const NOT_WIRED: CardActionResult = { reply: ['That is not available right now. Type **help** to see what I can do.'] };

/** A command that needs the conversation's services. */
function withTurn(name: string, pattern: RegExp, run: (turn: Turn, match: RegExpExecArray) => Promise<CardActionResult>): TextCommand {
  return {
    name,
    matches: (t) => pattern.test(t),
    handle: async (_context, text, turn) => (turn ? run(turn, pattern.exec(text)!) : NOT_WIRED),
  };
}

// "request images from Kettering", "please get the scans from kettering general", "import from Sheffield".
const NATURAL_IMPORT = /^(?:please\s+)?(?:(?:can|could)\s+(?:you|i)\s+)?(?:request|get|fetch|import|obtain|pull)\b(?:\s+(?:the|some|any|previous|prior|old|images?|scans?|studies|imaging|x-?rays?|ct|mri))*\s+from\s+(.{2,120}?)[.?!]*$/;
// "send images to Nottingham", "export the CT to Sheffield Teaching Hospitals".
const NATURAL_EXPORT = /^(?:please\s+)?(?:(?:can|could)\s+(?:you|i)\s+)?(?:send|export|transfer|push)\b(?:\s+(?:the|some|images?|scans?|studies|imaging|x-?rays?|ct|mri))*\s+to\s+(.{2,120}?)[.?!]*$/;
const CALL_REF_ALONE = /^(itb-\d{4}-\d{6,9})$/;

/** "report [from to]": the analysts' compliance report card (guideline section 4); others are refused kindly. */
async function reportReply(turn: Turn, args: string): Promise<CardActionResult> {
  const out = await complianceReport(turn.services.app, turn.actor, args);
  if (out.outcome === 'report') return { reply: [renderComplianceReportCard({ ...out.figures, from: out.from, to: out.to })] };
  if (out.outcome === 'invalid') return { reply: [out.errors.map((e) => e.message).join(' ')] };
  return refusalResult(out, 'see the compliance report', 'notAnalyst');
}

/**
 * Every typed command, registered in one place, most specific first. Natural variants open the import or export form
 * with the trust pre-filled by a fuzzy match against the IEP directory. Typed text is never logged: it may name a
 * patient.
 */
export const TEXT_COMMANDS: TextCommand[] = [
  {
    name: 'help',
    matches: (t) => /^(help|menu|hi|hello|start|\?)$/.test(t),
    handle: async (_c, _t, turn) => ({ reply: [renderHelpCard({ trauma: turn?.actor.roles.includes('radiologist') ?? false, analyst: turn?.actor.roles.includes('analyst') ?? false })] }),
  },
  withTurn('report', /^report(?:\s+(.*))?$/, (turn, m) => reportReply(turn, m[1] ?? '')),
  withTurn('import', /^(?:import|request images?|new import)$/, async (turn) => ({ reply: [await openForm(turn, 'import')] })),
  withTurn('export', /^(?:export|send images?|new export)$/, async (turn) => ({ reply: [await openForm(turn, 'export')] })),
  withTurn('cd', /^(?:cd|cds|cd upload|cd import|upload (?:a )?cd)$/, async (turn) => ({ reply: [await openForm(turn, 'cdImport')] })),
  withTurn('trauma', /^trauma(?: transfer)?$/, (turn) => openTrauma(turn)),
  withTurn('my requests', /^(?:my requests?|requests|list)$/, (turn) => myRequestsReply(turn)),
  withTurn('status', /^status(?:\s+(.+))?$/, async (turn, m) =>
    m[1] ? statusReply(turn, m[1]) : { reply: ['Which request? Type **status** and the call reference, for example status ITB-2026-000123.'] },
  ),
  withTurn('status', CALL_REF_ALONE, (turn, m) => statusReply(turn, m[1]!)),
  withTurn('cancel', /^cancel(?:\s+(.+))?$/, async (turn, m) => {
    if (!m[1]) return { reply: ['Which request? Type **cancel** and the call reference, for example cancel ITB-2026-000123.'] };
    const view = await statusOf(turn.services.app, turn.actor, m[1]);
    if (view.outcome === 'invalid') return { reply: [view.errors.map((e) => e.message).join(' ')] };
    if (view.outcome !== 'found') return refusalResult(view, 'cancel this request', 'notRequester');
    const r = view.request;
    if (r.requester !== turn.actor.aadObjectId) return refusalResult({ outcome: 'denied', message: 'Only the requester can cancel.' }, 'cancel this request', 'notRequester', r.callRef);
    return { reply: [renderCancelConfirmCard({ requestId: r.id, callRef: r.callRef ?? '', kind: r.kind, status: r.status })] };
  }),
  withTurn('import (natural)', NATURAL_IMPORT, async (turn, m) => ({ reply: [await openForm(turn, 'import', m[1])] })),
  withTurn('export (natural)', NATURAL_EXPORT, async (turn, m) => ({ reply: [await openForm(turn, 'export', m[1])] })),
];
