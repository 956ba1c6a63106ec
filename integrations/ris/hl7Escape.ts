/**
 * HL7 v2 escaping for text we did not write (names, exam codes, ids). HL7 v2.4 section 2.7 "Use of escape sequences
 * in text fields": \F\ field, \S\ component, \T\ subcomponent, \R\ repetition, \E\ escape, \Xhh\ hexadecimal data.
 *
 * Hand-written on purpose: node-hl7-client 3.2's own escape() covers only the five delimiters and passes CR and LF
 * through, so user text could end the segment and start a new one (e.g. "Smith\rOBR|..."); it also passes the MLLP
 * framing bytes 0x0B and 0x1C, which would cut the frame. We escape every C0 control character as \Xhh\, which
 * node-hl7-client's (and any v2.3+ receiver's) unescape turns back into the same character.
 */

const DELIMITER_ESCAPES: Record<string, string> = {
  '\\': '\\E\\',
  '|': '\\F\\',
  '^': '\\S\\',
  '&': '\\T\\',
  '~': '\\R\\',
};

// One pass, so an escape we insert is never escaped again.
const NEEDS_ESCAPE = /[\\|^&~\x00-\x1f]/g;

/** Escapes a value for an HL7 v2 field, component or subcomponent with the default delimiters `|^~\&`. */
export function escapeHl7(text: string): string {
  return text.replace(NEEDS_ESCAPE, (ch) => DELIMITER_ESCAPES[ch] ?? `\\X${ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}\\`);
}

const ESCAPE_SEQUENCE = /\\([FSTRE]|X(?:[0-9A-Fa-f]{2})+)\\/g;
const DELIMITER_BY_CODE: Record<string, string> = { F: '|', S: '^', T: '&', R: '~', E: '\\' };

/**
 * The inverse of escapeHl7, for one component or subcomponent's text. \Xhh..\ is decoded as UTF-8 bytes (MSH-18
 * UNICODE UTF-8). Sequences we never write (\H\, \N\, \.br\, \Z..\) are left as they are.
 */
export function unescapeHl7(text: string): string {
  if (!text.includes('\\')) return text;
  return text.replace(ESCAPE_SEQUENCE, (_seq, code: string) =>
    code[0] === 'X' ? Buffer.from(code.slice(1), 'hex').toString('utf8') : (DELIMITER_BY_CODE[code] ?? _seq),
  );
}
