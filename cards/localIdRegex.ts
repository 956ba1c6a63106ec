/**
 * The card-side regex for a configured local patient id pattern (LOCAL_ID_PATTERN, e.g. `^S\d{7}$`). The domain reads
 * an id with every space removed and case ignored (domain/localPatientId.ts), so the card must accept the same: each
 * letter in both cases and optional spaces between characters. Card regexes are tested by the client with `new
 * RegExp(regex).test(value)` (a partial match, no flags), and on iOS/Android by other engines, so the output is
 * anchored and keeps to syntax every engine shares.
 *
 * Hand-written: a configured pattern is usually a few literals, classes and counts; this translates that subset and
 * returns undefined for anything else (groups, alternation, escapes other than \d), leaving the check to the server
 * rather than risking a card that refuses a valid id.
 */
export function cardRegexForLocalId(pattern: RegExp): string | undefined {
  let src = pattern.source;
  if (src.startsWith('^')) src = src.slice(1);
  if (src.endsWith('$') && !src.endsWith('\\$')) src = src.slice(0, -1);
  const atoms: string[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i] as string;
    let atom: string | undefined;
    if (c === '\\') {
      const next = src[i + 1];
      if (next === 'd') atom = '[0-9]';
      else if (next !== undefined && /[-./]/.test(next)) atom = `\\${next}`;
      else return undefined;
      i += 2;
    } else if (c === '[') {
      const end = src.indexOf(']', i + 1);
      if (end < 0) return undefined;
      const body = src.slice(i + 1, end);
      if (body.startsWith('^') || body.includes('\\') || body.includes('[')) return undefined;
      atom = classInBothCases(body);
      i = end + 1;
    } else if (/[A-Za-z]/.test(c)) {
      atom = `[${c.toUpperCase()}${c.toLowerCase()}]`;
      i += 1;
    } else if (/[0-9]/.test(c)) {
      atom = c;
      i += 1;
    } else {
      return undefined;
    }
    const q = /^(\{\d+(,\d*)?\}|[?*+])/.exec(src.slice(i));
    const quantifier = q ? (q[1] as string) : '';
    i += quantifier.length;
    atoms.push(`(?:${atom}\\s*)${quantifier}`);
  }
  if (atoms.length === 0) return undefined;
  return `^\\s*${atoms.join('')}$`;
}

/** A class with its letters and letter ranges in both cases: "[A-Z0-9]" gives "(?:[A-Z0-9]|[a-z])". */
function classInBothCases(body: string): string {
  const extra: string[] = [];
  for (let i = 0; i < body.length; i++) {
    const c = body[i] as string;
    if (body[i + 1] === '-' && i + 2 < body.length) {
      const to = body[i + 2] as string;
      if (/[A-Za-z]/.test(c) && /[A-Za-z]/.test(to)) extra.push(`${swapCase(c)}-${swapCase(to)}`);
      i += 2;
    } else if (/[A-Za-z]/.test(c)) {
      extra.push(swapCase(c));
    }
  }
  // A second class rather than appending to the first, so a leading or trailing '-' can never form a new range.
  return extra.length === 0 ? `[${body}]` : `(?:[${body}]|[${extra.join('')}])`;
}

function swapCase(c: string): string {
  return c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase();
}
