import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { TEAMS_CSS, teamsHostConfig } from './teamsHostConfig';

const RENDERER = path.resolve(__dirname, '..', '..', '..', 'node_modules', 'adaptivecards', 'dist', 'adaptivecards.min.js');
const HARNESS = path.join(__dirname, 'cardHarness.browser.js');
const hostConfigs = new WeakMap<Page, Record<string, unknown>>();

// The page's globals, set by cardHarness.browser.js.
type PageGlobals = { __render(p: unknown, h: unknown): RenderReport; __executed: ExecutedAction[]; __cardHtml(): string; __visible(id: string): boolean };

/** What rendering one card in the page found. */
export interface RenderReport {
  /** Parse events (unknown types, bad values...) from the renderer's SerializationContext. */
  parseEvents: string[];
  /** AdaptiveCard.validateProperties() events (duplicate ids, missing values...). */
  validationEvents: string[];
  /** Rendered inputs by their card id: shown or not, and the accessible label text of the control. */
  inputs: Array<{ id: string; visible: boolean; label: string }>;
  /** Properties a 1.2 parse would not know (only asked for cards declaring 1.2). */
  beyond12: string[];
}

/** An action the card executed (Action.Submit etc.), as the host would receive it. */
export interface ExecutedAction {
  type: string;
  title: string;
  data: Record<string, unknown>;
}

/**
 * A blank page with the adaptivecards renderer (node_modules/adaptivecards/dist/adaptivecards.min.js), a Teams-like
 * host config and CSS. No network: the script is added from disk.
 *
 * Markdown: the renderer shows raw text unless the host supplies a Markdown processor, and Teams does. Here a
 * stand-in only consumes backslash escapes (what escapeCardText adds) and HTML-escapes the rest, so screenshots read
 * as in Teams. Whether escaped text stays plain under a real Markdown engine is tested in the Agents Playground
 * (markdown.test.ts), which renders with markdown-it.
 */
export async function openCardPage(browser: Browser, width: number): Promise<Page> {
  // en-GB as UK staff use; note headless Chromium still draws <input type=date> as mm/dd/yyyy (ICU locale is fixed at
  // launch and --lang is ignored headless), so dates in screenshots read US-style. Values are ISO either way.
  const page = await browser.newPage({ viewport: { width, height: 900 }, deviceScaleFactor: 1, locale: 'en-GB' });
  await page.route('**/*', (route) => (route.request().url().startsWith('about:') ? route.continue() : route.abort()));
  await page.setContent(`<!doctype html><html><head><meta charset="utf-8"><style>${TEAMS_CSS}</style></head><body><div id="card"></div></body></html>`);
  await page.addScriptTag({ path: RENDERER });
  await page.addScriptTag({ path: HARNESS });
  hostConfigs.set(page, teamsHostConfig(width));
  return page;
}

/** Renders a card into the page and reports what the renderer found. */
export async function renderCard(page: Page, card: unknown): Promise<RenderReport> {
  // Functions passed to evaluate run in the page, where globalThis is the window the harness script filled.
  return page.evaluate(([payload, hostConfig]) => (globalThis as unknown as PageGlobals).__render(payload, hostConfig), [card, hostConfigs.get(page)] as const);
}

/** The actions executed since the card was rendered. */
export async function executedActions(page: Page): Promise<ExecutedAction[]> {
  return page.evaluate(() => (globalThis as unknown as PageGlobals).__executed);
}

/** The card's rendered HTML. */
export async function cardHtml(page: Page): Promise<string> {
  return page.evaluate(() => (globalThis as unknown as PageGlobals).__cardHtml());
}

/** True when the element with this card id is displayed. */
export async function isShown(page: Page, id: string): Promise<boolean> {
  return page.evaluate((i) => (globalThis as unknown as PageGlobals).__visible(i), id);
}

/** The control (input, select, textarea) of the card input with this id. */
export function control(page: Page, inputId: string) {
  return page.locator(`[id="${inputId}"]`).locator('input, select, textarea').first();
}

/** The card's visible button with this exact title (hidden exam rows hold buttons of the same name). */
export function button(page: Page, title: string) {
  return page.locator('#card button.ac-pushButton').filter({ hasText: new RegExp(`^${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`), visible: true });
}
