import type { Browser, Page } from 'playwright-core';
import { launchChromium, screenshot } from '../../support/browser';
import { allCardSamples } from '../../unit/cards/cardSamples';
import { openCardPage, renderCard } from './cardHarness';

/**
 * Every card rendered by the adaptivecards JS renderer in headless Chromium, at a phone's width and a desktop's:
 * the renderer must parse it without events, validate it without events, and show every expected input with a label.
 * Screenshots land in tests/artifacts/cards/<card>-<width>.png.
 */
const WIDTHS = [360, 1024] as const;
// The 1.3 input properties Teams mobile honours on any card version, and associatedInputs ("Start again" must not be
// held up by the form's required inputs); a 1.2 parse reports them, nothing else may appear.
const INPUT_VALIDATION_PROPERTIES = /"(label|isRequired|errorMessage|regex|associatedInputs)"/;

describe('cards in the adaptivecards renderer (headless Chromium)', () => {
  let browser: Browser;
  const pages = new Map<number, Page>();
  const samples = allCardSamples();

  beforeAll(async () => {
    browser = await launchChromium();
    for (const w of WIDTHS) pages.set(w, await openCardPage(browser, w));
  }, 30_000);
  afterAll(async () => {
    await browser?.close();
  });

  describe.each(WIDTHS.map((w) => [w]))('at %i px', (width) => {
    it.each(samples.map((s) => [s.name, s] as const))('%s renders cleanly with every input labelled', async (name, sample) => {
      const page = pages.get(width) as Page;
      const report = await renderCard(page, sample.card);
      await page.setViewportSize({ width, height: Math.max(400, Math.min(6000, await page.evaluate<number>('document.body.scrollHeight'))) });
      await screenshot(page, 'cards', `${name}-${width}`);
      await page.setViewportSize({ width, height: 900 });

      expect(report.parseEvents).toEqual([]);
      expect(report.validationEvents).toEqual([]);
      const rendered = new Map(report.inputs.map((i) => [i.id, i]));
      expect([...rendered.keys()].sort()).toEqual([...sample.inputs].sort());
      for (const id of sample.visibleInputs) {
        expect([id, rendered.get(id)?.visible]).toEqual([id, true]);
      }
      for (const input of report.inputs.filter((i) => i.visible)) {
        expect([input.id, input.label.length > 0]).toEqual([input.id, true]);
      }
      if (sample.card.version === '1.2') {
        expect(report.beyond12.filter((m) => !INPUT_VALIDATION_PROPERTIES.test(m))).toEqual([]);
      }
      // Nothing overflows the card sideways on a phone.
      const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
      expect(overflow).toBeLessThanOrEqual(0);
    }, 30_000);
  });
});
