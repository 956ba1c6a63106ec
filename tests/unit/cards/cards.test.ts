import { cardBytes, isCardVerb, MAX_CARD_BYTES, renderImportForm, renderExportForm, unresolvedExpressions } from '../../../cards';
import { typesBeyondVersion, typesUsed, typesAllowedIn } from '../../../cards/schemaVersions';
import { allCardSamples, filledImportValues, fullDirectory, TODAY } from './cardSamples';
import { inputIds, nodesOfType, submitData, walk } from './cardTree';

const samples = allCardSamples();

describe.each(samples.map((s) => [s.name, s] as const))('card %s', (_name, sample) => {
  const { card } = sample;

  it('declares schema 1.5 or lower and uses only element types of its version', () => {
    expect(['1.2', '1.3', '1.4', '1.5']).toContain(card.version);
    expect(typesBeyondVersion(card)).toEqual([]);
  });

  it('offers exactly the expected inputs, each id once, each with a non-empty label', () => {
    const ids = inputIds(card);
    expect([...ids].sort()).toEqual([...sample.inputs].sort());
    expect(new Set(ids).size).toBe(ids.length);
    for (const input of nodesOfType(card, 'Input.')) {
      expect(typeof input.label === 'string' && input.label.trim().length > 0).toBe(true);
    }
  });

  it('has no template expression left unexpanded', () => {
    expect(unresolvedExpressions(card)).toEqual([]);
  });

  it('sends { verb, ... } with a known verb from every Action.Submit', () => {
    for (const data of submitData(card)) expect(isCardVerb(data.verb)).toBe(true);
  });

  it('never shows an error by colour alone: error blocks (bold, Attention) start with "Error: "', () => {
    walk(card, (o) => {
      if (o.type === 'TextBlock' && o.color === 'Attention' && o.weight === 'Bolder') expect(String(o.text)).toMatch(/^Error: /);
    });
  });

  it('fits in a Teams message', () => {
    expect(cardBytes(card)).toBeLessThan(MAX_CARD_BYTES);
  });
});

describe('trauma cards (mobile first)', () => {
  const trauma = samples.filter((s) => s.name.startsWith('trauma-') && s.name !== 'trauma-fyi');

  it('are schema 1.2 and use only 1.2 element types', () => {
    expect(trauma.length).toBeGreaterThanOrEqual(3);
    const allowed = typesAllowedIn('1.2');
    for (const { card } of trauma) {
      expect(card.version).toBe('1.2');
      for (const t of typesUsed(card)) expect(allowed.has(t)).toBe(true);
    }
  });

  it('use Action.Submit only (Action.Execute is broken on Teams mobile)', () => {
    for (const { card } of trauma) {
      const actions = [...typesUsed(card)].filter((t) => t.startsWith('Action.'));
      expect(actions).toEqual(['Action.Submit']);
    }
  });

  it('the schema list itself refuses newer types in a 1.2 card', () => {
    expect(typesBeyondVersion({ version: '1.2', body: [{ type: 'Table' }], actions: [{ type: 'Action.Execute' }] } as never)).toEqual(['Action.Execute', 'Table']);
    expect(typesBeyondVersion({ version: '1.5', body: [{ type: 'Carousel' }] } as never)).toEqual(['Carousel']);
  });
});

describe('card size with the largest realistic data', () => {
  it('an import form with 20 filled exam rows and a 500-entry trust directory stays under 100 KB', () => {
    const card = renderImportForm({ today: TODAY, institutions: fullDirectory(500), values: filledImportValues(20) });
    const bytes = cardBytes(card);
    // Printed so the figure can be quoted; the bound is what matters.
    console.log(`import form, 20 rows + 500 institutions: ${bytes} bytes`);
    expect(bytes).toBeLessThan(MAX_CARD_BYTES);
  });

  it('an export form with the same data stays under 100 KB too', () => {
    const card = renderExportForm({ today: TODAY, institutions: fullDirectory(500), values: filledImportValues(20) });
    expect(cardBytes(card)).toBeLessThan(MAX_CARD_BYTES);
  });
});
