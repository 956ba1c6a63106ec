import { escapeCardText } from './escape';
import { formatCardTime } from './words';

/** An instant as callers hold it: a Date, or the ISO string the store and Transition records keep. */
export type CardInstant = Date | string;

/** Something a person (or the system) did to a request, shown on channel cards: "who did what, and when". */
export interface CardEvent {
  /** Plain words, e.g. "Asked the requester for information". */
  what: string;
  /** Display name of the person, or e.g. "Imaging Transfer Bot". */
  by: string;
  at: CardInstant;
}

/** The outcome that closes a card: its buttons go and this banner says who decided, and when. */
export interface CardDecision {
  /** e.g. "Approved", "Rejected", "Cancelled", "Re-processed", "Matched to ITB-2026-000123". */
  what: string;
  by: string;
  at: CardInstant;
  /** Free text the person gave (a reason): shown escaped. */
  detail?: string;
  /** Words before the detail; default "Reason". */
  detailLabel?: string;
  /** Colour of the banner; the words carry the meaning, so it is never colour alone. */
  tone?: 'good' | 'attention' | 'neutral';
}

/** The "decided" banner as templates bind it. */
export interface DecidedView {
  show: boolean;
  style: string;
  text: string;
  detail: string;
  hasDetail: boolean;
}

/** "Approved by Dr A Analyst at 14:05, Mon 30 Mar 2026". */
export function decidedView(decision: CardDecision | undefined): DecidedView {
  if (!decision) return { show: false, style: 'default', text: '', detail: '', hasDetail: false };
  const style = decision.tone === 'good' ? 'good' : decision.tone === 'attention' ? 'attention' : 'emphasis';
  const detail = decision.detail?.trim() ? `${decision.detailLabel ?? 'Reason'}: ${escapeCardText(decision.detail.trim())}` : '';
  return {
    show: true,
    style,
    text: `${escapeCardText(decision.what)} by ${escapeCardText(decision.by)} at ${formatCardTime(decision.at)}`,
    detail,
    hasDetail: detail !== '',
  };
}

/** History lines, oldest first: "14:05, Mon 30 Mar 2026 · Asked for information · A. Analyst". */
export function historyView(events: readonly CardEvent[] | undefined): Array<{ text: string }> {
  return [...(events ?? [])]
    .sort((a, b) => new Date(a.at).getTime() - new Date(b.at).getTime())
    .map((e) => ({ text: `${formatCardTime(e.at)} · ${escapeCardText(e.what)} · ${escapeCardText(e.by)}` }));
}
