import fs from 'node:fs';
import path from 'node:path';
import { Template } from 'adaptivecards-templating';

/** An Adaptive Card as sent to Teams (schema <= 1.5; Teams rejects newer). */
export interface AdaptiveCard {
  type: 'AdaptiveCard';
  version: string;
  body: unknown[];
  actions?: unknown[];
  [key: string]: unknown;
}

/** Teams refuses a message over 100 KB (DESIGN "Teams limits"); cards stay under this with room for the envelope. */
export const MAX_CARD_BYTES = 100 * 1024;

const templateCache = new Map<string, unknown>();

/** Reads cards/templates/<name>.json (name may be "fragments/patient"). */
function readTemplateFile(name: string): unknown {
  // Templates sit beside the sources; the compiled code in dist/ reads them from the source tree.
  const file = [path.join(__dirname, 'templates', `${name}.json`), path.join(__dirname, '..', '..', 'cards', 'templates', `${name}.json`)].find((f) =>
    fs.existsSync(f),
  );
  if (!file) throw new Error(`card template not found: ${name}`);
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/**
 * Splices shared fragments into a template before it is expanded: an array item `{ "$include": "patient" }` is
 * replaced by the elements of templates/fragments/patient.json (a JSON array). Forms share their patient, exam and
 * contact blocks this way, and each block still reads as plain card JSON. adaptivecards-templating has no includes.
 */
function resolveIncludes(node: unknown, seen: readonly string[]): unknown {
  if (Array.isArray(node)) {
    return node.flatMap((item: unknown) => {
      const include = item !== null && typeof item === 'object' ? (item as Record<string, unknown>).$include : undefined;
      if (typeof include !== 'string') return [resolveIncludes(item, seen)];
      if (seen.includes(include)) throw new Error(`card fragment includes itself: ${[...seen, include].join(' > ')}`);
      const fragment = readTemplateFile(`fragments/${include}`);
      if (!Array.isArray(fragment)) throw new Error(`card fragment ${include} is not a JSON array`);
      return resolveIncludes(fragment, [...seen, include]) as unknown[];
    });
  }
  if (node !== null && typeof node === 'object') {
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, resolveIncludes(v, seen)]));
  }
  return node;
}

/** Loads a template once, with its fragments spliced in; templates are data files, never inline JSON in handlers. */
function loadTemplate(name: string): unknown {
  let t = templateCache.get(name);
  if (!t) {
    t = resolveIncludes(readTemplateFile(name), []);
    templateCache.set(name, t);
  }
  return t;
}

/**
 * Drops properties whose template expression gave null, so a view model says "leave this out" with null (e.g. no
 * regex, no prefilled value). adaptivecards-templating keeps an expression that gave undefined as literal "${...}"
 * text, so view models never use undefined; tests look for such leftovers with unresolvedExpressions().
 */
function dropNulls(node: unknown): unknown {
  if (Array.isArray(node)) return node.filter((n) => n !== null).map(dropNulls);
  if (node !== null && typeof node === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) if (v !== null) out[k] = dropNulls(v);
    return out;
  }
  return node;
}

/**
 * Expands a named template (cards/templates/<name>.json) against typed data. Data is bound, never evaluated: text a
 * user typed that looks like `${...}` stays text (tests/unit/cards/escape.test.ts).
 */
export function renderTemplate<T extends object>(name: string, data: T): AdaptiveCard {
  return dropNulls(preparedTemplate(name).expand({ $root: data })) as AdaptiveCard;
}

const preparedCache = new Map<string, Template>();

/**
 * One Template per card, kept: its constructor parses every `${...}` expression of the payload, which profiling of
 * the bot benchmark showed as a quarter of the CPU of a submission when done per render. expand() is synchronous and
 * keeps no state between calls, so one instance serves every render.
 */
function preparedTemplate(name: string): Template {
  let t = preparedCache.get(name);
  if (!t) {
    t = new Template(loadTemplate(name));
    preparedCache.set(name, t);
  }
  return t;
}

/** The card's size on the wire (compact JSON, UTF-8), to compare with MAX_CARD_BYTES. */
export function cardBytes(card: AdaptiveCard): number {
  return Buffer.byteLength(JSON.stringify(card), 'utf8');
}

/**
 * Strings that still hold a template expression (`${`) after expansion: a template that referenced data the view model
 * lacks. Input values are skipped, since they are what the user typed and may legitimately contain `${`.
 */
export function unresolvedExpressions(card: unknown): string[] {
  const found: string[] = [];
  const visit = (node: unknown, key: string | undefined, parent: Record<string, unknown> | undefined): void => {
    if (typeof node === 'string') {
      const isInputValue = key === 'value' && typeof parent?.type === 'string' && parent.type.startsWith('Input.');
      if (node.includes('${') && !isInputValue) found.push(node);
    } else if (Array.isArray(node)) node.forEach((n) => visit(n, undefined, undefined));
    else if (node !== null && typeof node === 'object') {
      const obj = node as Record<string, unknown>;
      for (const [k, v] of Object.entries(obj)) visit(v, k, obj);
    }
  };
  visit(card, undefined, undefined);
  return found;
}
