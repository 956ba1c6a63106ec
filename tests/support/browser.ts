import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Flags that keep Debian's chromium quiet on a closed network (no background calls, no QUIC, no sync). */
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

export const ARTIFACTS = path.resolve(__dirname, '..', 'artifacts');

/** Saves a screenshot under tests/artifacts/<group>/<name>.png (git-ignored) and returns its path. */
export async function screenshot(page: Page, group: string, name: string): Promise<string> {
  const dir = path.join(ARTIFACTS, group);
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: false });
  return file;
}

/** Types a message into the Playground's compose box and sends it. */
export async function sendChatMessage(page: Page, text: string): Promise<void> {
  const box = page.getByRole('textbox').first();
  await box.click();
  await box.fill(text);
  await page.keyboard.press('Enter');
}
