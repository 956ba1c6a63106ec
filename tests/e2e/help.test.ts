import path from 'node:path';
import type { Browser } from 'playwright-core';
import { startBot, type RunningBot } from '../../bot/app';
import { DEMO_TENANT_ID } from '../../sandbox/demo';
import { launchChromium, screenshot, sendChatMessage } from '../support/browser';
import { testConfig } from '../support/config';
import { capturingLogger } from '../support/logCapture';
import { startPlayground, type RunningPlayground } from '../support/playground';
import { testVarDir, uniquePrefix } from '../support/services';

describe('journey 0: a clinician types "help" in Teams (Agents Playground)', () => {
  let bot: RunningBot;
  let playground: RunningPlayground;
  let browser: Browser;

  beforeAll(async () => {
    bot = await startBot(testConfig({ REDIS_PREFIX: uniquePrefix('e2e-help'), ALLOWED_TENANT_ID: DEMO_TENANT_ID }), capturingLogger('info').logger, { port: 0 });
    playground = await startPlayground('clinician', `${bot.url}/api/messages`, path.join(testVarDir(), 'e2e'));
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await playground?.stop();
    await bot?.close();
  });

  it('gets the help card listing what the bot does, in personal chat', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(playground.url, { waitUntil: 'networkidle' });
    // The Playground installs the app on open; our welcome card is the help card, so count cards before typing.
    await page.waitForSelector('.ac-adaptiveCard', { timeout: 15_000 }).catch(() => undefined);
    const before = await page.locator('.ac-adaptiveCard').count();
    await sendChatMessage(page, 'help');
    await page.waitForFunction(`document.querySelectorAll('.ac-adaptiveCard').length > ${before}`, undefined, { timeout: 15_000 }).catch(async () => {
      throw new Error(`step "type help": no new card appeared (saw ${await page.locator('.ac-adaptiveCard').count()} cards; screenshot ${await screenshot(page, 'e2e', 'help-failed')})`);
    });
    const card = page.locator('.ac-adaptiveCard').last();
    const text = await card.innerText();
    await screenshot(page, 'e2e', 'help');
    expect(text).toContain('Imaging Transfer Bot');
    for (const word of ['import', 'export', 'cd', 'trauma', 'my requests', 'Service desk hours']) expect(text).toContain(word);
    await expect(card.getByRole('button', { name: 'Request images (import)' }).isVisible()).resolves.toBe(true);
  }, 60_000);
});
