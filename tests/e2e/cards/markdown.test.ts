import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import {
  escapeCardText,
  renderApprovalCard,
  renderInformationRequestCard,
  renderPatientDetailsCard,
  renderTemplate,
  ZWJ,
  type AdaptiveCard,
} from '../../../cards';
import { launchChromium, screenshot, sendChatMessage } from '../../support/browser';
import { startPlayground, type RunningPlayground } from '../../support/playground';
import { HOSTILE_TEXT, sampleImportRequest } from '../../unit/cards/cardSamples';

/**
 * Escaping checked under a real Markdown engine. The adaptivecards renderer alone does no Markdown; the Agents
 * Playground renders cards as Teams does, with markdown-it. A stand-in bot (plain HTTP, no botbuilder: this tests
 * cards, not the bot) answers "cards" with a control card whose authored Markdown must turn into <strong> and <a>, and
 * with our cards echoing hostile text, which must not.
 */

/** A minimal bot endpoint: on a message, reply with `cards` through the Bot Connector REST API at the serviceUrl. */
function startStubBot(cards: () => AdaptiveCard[]): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
    req.on('end', () => {
      // Not chained: restify (loaded by other suites in this jest worker) replaces ServerResponse#writeHead process-wide
      // with one that does not return the response.
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
      const activity = raw ? (JSON.parse(raw) as { type?: string; text?: string; serviceUrl?: string; conversation?: { id: string }; id?: string; from?: unknown; recipient?: unknown }) : {};
      if (activity.type !== 'message' || !activity.serviceUrl || !activity.conversation) return;
      const base = activity.serviceUrl.endsWith('/') ? activity.serviceUrl : `${activity.serviceUrl}/`;
      const reply = {
        type: 'message',
        from: activity.recipient,
        recipient: activity.from,
        conversation: activity.conversation,
        replyToId: activity.id,
        attachments: cards().map((content) => ({ contentType: 'application/vnd.microsoft.card.adaptive', content })),
      };
      void fetch(`${base}v3/conversations/${encodeURIComponent(activity.conversation.id)}/activities`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(reply),
      }).catch(() => undefined);
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      resolve({ url: `http://127.0.0.1:${port}/api/messages`, close: () => new Promise<void>((r) => server.close(() => r())) });
    }),
  );
}

// Authored Markdown in the template (not user text): proves the Playground's renderer does process Markdown.
const CONTROL = 'Control: **strong words** and [a link](https://example.org/) here';

describe('escaped user text under Markdown (Agents Playground, markdown-it)', () => {
  let bot: Awaited<ReturnType<typeof startStubBot>>;
  let playground: RunningPlayground;
  let browser: Browser;
  let page: Page;
  let workDir: string;
  const madeDir = !process.env.ITB_TEST_VAR_DIR;

  beforeAll(async () => {
    workDir = process.env.ITB_TEST_VAR_DIR ? path.join(process.env.ITB_TEST_VAR_DIR, 'e2e-cards') : fs.mkdtempSync(path.join(os.tmpdir(), 'itb-cards-'));
    fs.mkdirSync(workDir, { recursive: true });
    bot = await startStubBot(() => [
      renderTemplate('help', { intro: CONTROL, commands: [], hours: 'control card', actions: [] }),
      renderApprovalCard({
        requestId: 'r', callRef: 'ITB-2026-000123', kind: 'import', priority: 'standard', priorityReason: 'other',
        priorityReasonDetail: HOSTILE_TEXT, organisation: '[Trust](https://evil.example/)', requestedBy: '**Dr** _Evil_', examCount: 1,
        status: 'awaitingApproval', submittedAt: '2026-06-15T12:00:00Z',
        exchanges: [{ question: HOSTILE_TEXT, askedBy: 'Ann', askedAt: '2026-06-15T12:00:00Z', answer: '<a href="https://evil.example">x</a> https://evil.example/y' }],
      }),
      renderInformationRequestCard({ requestId: 'r', callRef: 'ITB-2026-000123', kind: 'import', question: HOSTILE_TEXT, askedBy: 'Ann', askedAt: '2026-06-15T12:00:00Z' }),
      renderPatientDetailsCard({ callRef: 'ITB-2026-000123', request: { ...sampleImportRequest(), comments: HOSTILE_TEXT } }),
    ]);
    playground = await startPlayground('clinician', bot.url, workDir);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await playground?.stop();
    await bot?.close();
    if (madeDir && workDir) fs.rmSync(workDir, { recursive: true, force: true });
  });

  it('renders authored Markdown, but no link, emphasis, heading or list from what users typed', async () => {
    await page.goto(playground.url, { waitUntil: 'networkidle' });
    await page.waitForTimeout(1000);
    const before = await page.locator('.ac-adaptiveCard').count();
    await sendChatMessage(page, 'cards');
    await page.waitForFunction(`document.querySelectorAll('.ac-adaptiveCard').length >= ${before + 4}`, undefined, { timeout: 20_000 }).catch(async () => {
      throw new Error(`no cards appeared (screenshot ${await screenshot(page, 'cards', 'playground-markdown-failed')})`);
    });
    const cards = page.locator('.ac-adaptiveCard');
    const n = await cards.count();
    const control = cards.nth(n - 4);
    await screenshot(page, 'cards', 'playground-markdown');

    // The control card shows the engine at work: authored Markdown became markup.
    await expect(control.locator('strong').count()).resolves.toBeGreaterThan(0);
    await expect(control.locator('a').count()).resolves.toBeGreaterThan(0);

    for (let i = n - 3; i < n; i++) {
      const card = cards.nth(i);
      for (const tag of ['a', 'strong', 'em', 'b', 'h1', 'h2', 'h3', 'li', 'code', 'blockquote', 'del', 's', 'img']) {
        await expect([i, tag, await card.locator(`.ac-textBlock ${tag}, .ac-factset ${tag}`).count()]).toEqual([i, tag, 0]);
      }
      // And the words read as typed: escapes consumed, nothing lost.
      const shown = (await card.innerText()).split(ZWJ).join('');
      expect(shown).toContain('**bold**');
      expect(shown).toContain('[click](https://evil.example/x)');
    }
    // Sanity: what the cards carry is the escaped form.
    expect(escapeCardText(HOSTILE_TEXT)).not.toBe(HOSTILE_TEXT);
  }, 60_000);
});
