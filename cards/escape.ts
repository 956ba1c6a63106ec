/**
 * Text a person typed, made safe to echo into a card. TextBlock and FactSet render Markdown in Teams, so echoed text
 * could otherwise turn into bold, headings, lists or links (a link in a card is a phishing vector inside a clinical
 * tool). Hand-written because no installed library escapes for Adaptive Card Markdown; CommonMark backslash escapes are
 * what markdown-it (Teams desktop and web, the Agents Playground) honours.
 *
 * Input values are NOT passed through this: an Input's `value` is never rendered as Markdown, and templating does not
 * evaluate `${...}` inside data (tests/unit/cards/escape.test.ts checks both), so a prefilled value stays exactly as typed.
 */

/** Zero-width joiner: invisible, and it breaks URL, e-mail and `${` recognition without changing what a person reads. */
export const ZWJ = '\u200D';

// Inline syntax anywhere: emphasis, code, links/images, raw HTML and autolinks, headings, quotes, strikethrough.
const INLINE = /[\\`*_[\]()#>~<]/g;
// Block syntax that only counts at the start of a line: bullets ("- ", "+ "), setext underlines and rules ("---", "===").
const LINE_START_MARK = /^([ \t]*)([-+=])/gm;
// Ordered lists: "1. item" at the start of a line (a number then a dot then a space or the end; "3.5 mm" is no list).
const LINE_START_NUMBER = /^([ \t]*\d{1,9})\.(?=[ \t]|$)/gm;

/**
 * Escapes Markdown syntax, neutralises bare URLs (`scheme://`), `www.` hosts and e-mail autolinks, and `${` (so nothing
 * the user typed can look like a template expression if a card is ever expanded again). The text reads the same.
 */
export function escapeCardText(text: string): string {
  return text
    .replace(INLINE, (c) => `\\${c}`)
    .replace(LINE_START_MARK, (_m, indent: string, mark: string) => `${indent}\\${mark}`)
    .replace(LINE_START_NUMBER, (_m, head: string) => `${head}\\.`)
    .replace(/:\/\//g, `:${ZWJ}//`)
    .replace(/\b(www)\./gi, `$1${ZWJ}.`)
    .replace(/@/g, `${ZWJ}@`)
    .replace(/\$\{/g, `$${ZWJ}{`);
}
