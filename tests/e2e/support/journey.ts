import fs from 'node:fs';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import type { E2eStack, TeamsUser } from './stack';

const CARD = '.ac-adaptiveCard';

/** A card's visible text with runs of whitespace (table cells, line breaks) made one space. */
export async function textOf(card: Locator): Promise<string> {
  return (await card.innerText({ timeout: 5_000 })).replace(/\s+/g, ' ').trim();
}

/** Text of the last `n` Adaptive Cards on a page (what the person sees), newest last. */
export async function visibleCards(page: Page, n = 3): Promise<string[]> {
  const cards = page.locator(CARD);
  const count = await cards.count().catch(() => 0);
  const out: string[] = [];
  for (let i = Math.max(0, count - n); i < count; i++) {
    out.push((await cards.nth(i).innerText({ timeout: 2_000 }).catch(() => '(unreadable)')).replace(/\n{2,}/g, '\n').trim());
  }
  return out;
}

/**
 * One person's Teams (their own Agents Playground) in a Chromium page: personal chat with the bot, or the service-desk
 * channel "IEP requests" for the analysts.
 */
export class TeamsPage {
  private constructor(
    readonly user: TeamsUser,
    readonly page: Page,
  ) {}

  /** Opens `user`'s Playground; `channel` switches to the "IEP requests" channel of the service-desk team. */
  static async open(stack: E2eStack, user: TeamsUser, opts: { channel?: boolean; viewport?: { width: number; height: number } } = {}): Promise<TeamsPage> {
    const pg = stack.playgrounds[user];
    if (!pg) throw new Error(`no Playground was started for ${user}`);
    const narrow = (opts.viewport?.width ?? 1280) < 600;
    const context = await stack.browser.newContext({ viewport: opts.viewport ?? { width: 1280, height: 1000 }, ...(narrow ? { hasTouch: true } : {}) });
    const page = await context.newPage();
    await page.goto(pg.url, { waitUntil: 'networkidle' });
    // On a phone-sized screen the Playground's log panel covers the chat: close it as a person would.
    if (narrow) {
      const panel = page.getByText('Log Panel', { exact: true });
      await panel.waitFor({ timeout: 10_000 }).catch(() => undefined);
      if (await panel.isVisible()) {
        await panel.locator('xpath=..').getByRole('button').last().click({ timeout: 10_000, force: true });
        await panel.waitFor({ state: 'hidden', timeout: 10_000 });
      }
    }
    // The Playground installs the app on open and the bot answers with its welcome (help) card.
    await page.waitForSelector(CARD, { timeout: 20_000 }).catch(() => undefined);
    if (opts.channel) {
      await page.getByText('IEP requests').first().click();
      await page.getByRole('button', { name: 'Post' }).or(page.getByText('Start a new post')).first().waitFor({ timeout: 10_000 });
    }
    return new TeamsPage(user, page);
  }

  cards(): Locator {
    return this.page.locator(CARD);
  }

  /** Types a message to the bot and waits for a new card in answer; returns that card. */
  async say(text: string, timeoutMs = 20_000): Promise<Locator> {
    const before = await this.cards().count();
    // The Playground's compose box is a contenteditable div with no label; card inputs are <input>s, so this is it.
    const box = this.page.locator('[contenteditable="true"]').first();
    await box.fill(text);
    await box.press('Enter');
    await this.page.waitForFunction(`document.querySelectorAll('${CARD}').length > ${before}`, undefined, { timeout: timeoutMs }).catch(() => {
      throw new Error(`no new card within ${timeoutMs} ms after typing "${text}"`);
    });
    return this.cards().last();
  }

  /**
   * Waits until some card (newest first) shows text matching every pattern; cards are updated in place, so this
   * re-reads them all. Returns the matching card.
   */
  async waitForCard(patterns: Array<string | RegExp>, timeoutMs = 30_000): Promise<Locator> {
    const deadline = Date.now() + timeoutMs;
    const matches = (t: string) => patterns.every((p) => (typeof p === 'string' ? t.includes(p) : p.test(t)));
    for (;;) {
      const count = await this.cards().count();
      for (let i = count - 1; i >= 0; i--) {
        const card = this.cards().nth(i);
        const text = await textOf(card).catch(() => '');
        if (matches(text)) return card;
      }
      if (Date.now() > deadline) throw new Error(`no card showing ${patterns.map(String).join(' + ')} within ${timeoutMs} ms`);
      await this.page.waitForTimeout(400);
    }
  }

  /** Clicks a card's button and waits until the card count changes or the card's text changes. */
  async press(card: Locator, button: string | RegExp): Promise<void> {
    const btn = card.getByRole('button', { name: button, exact: typeof button === 'string' });
    await btn.scrollIntoViewIfNeeded();
    // The Playground's own chrome (log panel, toolbar) can overlap a card on a narrow screen: then use the keyboard,
    // as a person would, rather than fail on a layout that is the Playground's, not ours.
    await btn.click({ timeout: 10_000 }).catch(async () => {
      await btn.focus();
      await this.page.keyboard.press('Enter');
    });
  }
}

/**
 * A journey's steps: each is named, screenshotted into tests/artifacts/e2e/<journey>/ on success and on failure, and
 * a failure says which step failed and what each person's Teams was showing (the last cards' text), never a bare timeout.
 */
export class Journey {
  private n = 0;
  readonly pages: TeamsPage[] = [];

  constructor(readonly stack: E2eStack) {}

  track(p: TeamsPage): TeamsPage {
    this.pages.push(p);
    return p;
  }

  /** A step that opens `user`'s Teams and keeps it in this journey's screenshots and failure reports. */
  open(user: TeamsUser, opts: Parameters<typeof TeamsPage.open>[2] = {}, title = `${user} opens Teams${opts.channel ? ' (IEP requests channel)' : ''}`): Promise<TeamsPage> {
    return this.step(title, async () => this.track(await TeamsPage.open(this.stack, user, opts)));
  }

  async step<T>(title: string, body: () => Promise<T>): Promise<T> {
    const idx = String(++this.n).padStart(2, '0');
    const slug = `${idx}-${title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60)}`;
    const started = Date.now();
    try {
      const out = await body();
      await this.shoot(slug);
      process.stdout.write(`  e2e ${this.stack.journey} ${idx} ${title}: ${Date.now() - started} ms\n`);
      return out;
    } catch (err) {
      const shots = await this.shoot(`${slug}-FAILED`);
      const seen: string[] = [];
      for (const p of this.pages) {
        const cards = await visibleCards(p.page, 2);
        seen.push(`--- ${p.user}'s Teams shows (last ${cards.length} cards):\n${cards.map((c) => c.slice(0, 1200)).join('\n.....\n') || '(no cards)'}`);
      }
      const e = new Error(
        `journey "${this.stack.journey}", step ${idx} "${title}" failed after ${Date.now() - started} ms: ${(err as Error).message}\n${seen.join('\n')}\nscreenshots: ${shots.join(', ')}`,
      );
      e.stack = `${e.message}\n${(err as Error).stack ?? ''}`;
      throw e;
    }
  }

  private async shoot(name: string): Promise<string[]> {
    fs.mkdirSync(this.stack.artifacts, { recursive: true });
    const out: string[] = [];
    for (const p of this.pages) {
      const file = path.join(this.stack.artifacts, `${name}-${p.user}.png`);
      await p.page.screenshot({ path: file, timeout: 10_000 }).then(() => out.push(file), () => undefined);
    }
    return out;
  }
}

/** Polls `probe` until it returns a value `ok` accepts; the error names `what` and the last value seen. */
export async function eventually<T>(what: string, probe: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 60_000, everyMs = 500): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let lastErr: Error | undefined;
  for (;;) {
    try {
      last = await probe();
      lastErr = undefined;
      if (ok(last)) return last;
    } catch (err) {
      lastErr = err as Error;
    }
    if (Date.now() > deadline) {
      throw new Error(`${what}: not so after ${timeoutMs} ms; last seen ${lastErr ? `error ${lastErr.message}` : JSON.stringify(last)?.slice(0, 800)}`);
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
