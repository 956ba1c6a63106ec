import { Message } from 'node-hl7-client';
import type { RisNegativeAck } from './errors';

/** An HL7 v2 ACK as far as we need it, read with node-hl7-client's parser. */
export type ParsedAck =
  | {
      kind: 'ack';
      /** MSA-1. Original acknowledgement mode only: enhanced-mode commit ACKs (CA/CE/CR) are treated as malformed. */
      code: 'AA' | 'AE' | 'AR';
      /** MSA-2: the control id of the message being acknowledged. Empty string when absent. */
      acknowledgedControlId: string;
      /** MSH-10 of the ACK itself. */
      ackControlId: string;
      negative: RisNegativeAck;
    }
  | { kind: 'malformed'; problem: string };

const CODES = new Set(['AA', 'AE', 'AR']);

/**
 * Reads one MLLP frame's text as an ACK. Never throws: a frame we can't use comes back as `malformed` with a problem
 * description in our own words (the peer's bytes may contain anything, including patient data).
 */
export function parseAck(text: string): ParsedAck {
  if (!text.startsWith('MSH')) return { kind: 'malformed', problem: 'the reply does not start with an MSH segment' };
  let msg: Message;
  try {
    msg = new Message({ text });
  } catch {
    return { kind: 'malformed', problem: 'the reply could not be parsed as HL7 v2' };
  }
  if (msg.get('MSA').length === 0) return { kind: 'malformed', problem: 'the reply has no MSA segment' };
  const code = msg.get('MSA.1').toString().trim();
  if (!CODES.has(code)) {
    return { kind: 'malformed', problem: code ? `MSA-1 is "${safeToken(code) ?? '?'}", not AA, AE or AR` : 'MSA-1 is empty' };
  }
  // ERR-3 (v2.5+) is the coded error; v2.4 puts the code in ERR-1.4 and older senders use MSA-6.
  const errorCode =
    safeToken(msg.get('ERR.3.1').toString()) ?? safeToken(msg.get('ERR.1.4.1').toString()) ?? safeToken(msg.get('MSA.6.1').toString());
  const location = [msg.get('ERR.2.1'), msg.get('ERR.2.2'), msg.get('ERR.2.3')].map((n) => n.toString());
  const legacyLocation = [msg.get('ERR.1.1'), msg.get('ERR.1.2'), msg.get('ERR.1.3')].map((n) => n.toString());
  const errorLocation = safeLocation(location) ?? safeLocation(legacyLocation);
  const texts = [msg.get('MSA.3').toString(), msg.get('ERR.8').toString()].filter((t) => t !== '');
  return {
    kind: 'ack',
    code: code as 'AA' | 'AE' | 'AR',
    acknowledgedControlId: msg.get('MSA.2').toString().trim(),
    ackControlId: msg.get('MSH.10').toString().trim(),
    negative: { errorCode, errorLocation, peerText: texts.length ? texts.join(' / ') : undefined },
  };
}

/** A peer-supplied code we may quote in an error message: short, printable ASCII, nothing that could be a name. */
export function safeToken(value: string): string | undefined {
  const v = value.trim();
  return /^[A-Za-z0-9._-]{1,20}$/.test(v) ? v : undefined;
}

/** `SEG^seq^field`, only when it looks like one (segment ids are 3 upper-case letters/digits). */
function safeLocation(parts: string[]): string | undefined {
  const [seg, seq, fld] = parts.map((p) => p.trim());
  if (!seg || !/^[A-Z][A-Z0-9]{2}$/.test(seg)) return undefined;
  const tail = [seq, fld].filter((p): p is string => p !== undefined && /^\d{1,3}$/.test(p));
  return [seg, ...tail].join('^');
}
