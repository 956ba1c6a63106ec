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

const templateCache = new Map<string, unknown>();

/** Loads cards/templates/<name>.json once; templates are data files, never inline JSON in handlers. */
function loadTemplate(name: string): unknown {
  let t = templateCache.get(name);
  if (!t) {
    // Templates sit beside the sources; the compiled code in dist/ reads them from the source tree.
    const file = [path.join(__dirname, 'templates', `${name}.json`), path.join(__dirname, '..', '..', 'cards', 'templates', `${name}.json`)].find((f) =>
      fs.existsSync(f),
    );
    if (!file) throw new Error(`card template not found: ${name}`);
    t = JSON.parse(fs.readFileSync(file, 'utf8'));
    templateCache.set(name, t);
  }
  return t;
}

/** Expands a named template against typed data. */
export function renderTemplate<T extends object>(name: string, data: T): AdaptiveCard {
  return new Template(loadTemplate(name)).expand({ $root: data }) as AdaptiveCard;
}
