/**
 * Free text from a card, made safe to store and show as plain text. Nothing is interpreted (no HTML, no Markdown):
 * whoever renders it must escape it for the surface it goes on.
 *
 * Removed, because they are invisible and can change what a reader sees or what a peer receives:
 *  - control characters (C0 except newline in multi-line fields, DEL, C1); a tab becomes a space;
 *  - bidirectional overrides and isolates (U+202A-U+202E, U+2066-U+2069): they can make text read in a different order;
 *  - zero-width space and byte-order mark (U+200B, U+FEFF);
 *  - lone UTF-16 surrogates, which would turn into U+FFFD on the wire.
 * Line endings become "\n"; the text is NFC-normalised and trimmed. Single-line text has its whitespace collapsed.
 */
export function cleanFreeText(text: string, opts: { multiline?: boolean } = {}): string {
  let s = text.replace(/\r\n?/g, '\n').replace(/\t/g, ' ');
  s = s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '');
  // eslint-disable-next-line no-control-regex
  s = s.replace(/[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u200B\u202A-\u202E\u2066-\u2069\uFEFF]/g, '');
  s = s.normalize('NFC');
  if (opts.multiline) {
    s = s
      .split('\n')
      .map((line) => line.replace(/[ \u00A0]+$/g, ''))
      .join('\n')
      .replace(/\n{3,}/g, '\n\n');
  } else {
    s = s.replace(/\s+/g, ' ');
  }
  return s.trim();
}

/** Length in characters as a person counts them (code points, so an emoji or accented letter counts once). */
export function textLength(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}
