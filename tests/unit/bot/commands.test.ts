import { normaliseCommandText, TEXT_COMMANDS } from '../../../bot/commands';
import { cardActionOf } from '../../../bot/cardActions';

const route = (text: string) => TEXT_COMMANDS.find((c) => c.matches(normaliseCommandText(text)))?.name;

describe('typed commands', () => {
  it.each([
    ['help', 'help'],
    ['<at>Imaging Transfer Bot</at> help', 'help'],
    ['import', 'import'],
    ['Request images', 'import'],
    ['export', 'export'],
    ['send images', 'export'],
    ['cd', 'cd'],
    ['CD upload', 'cd'],
    ['trauma', 'trauma'],
    ['Trauma transfer', 'trauma'],
    ['my requests', 'my requests'],
    ['status ITB-2026-000123', 'status'],
    ['status', 'status'],
    ['ITB-2026-000123', 'status'],
    ['cancel ITB-2026-000123', 'cancel'],
    ['request images from Kettering', 'import (natural)'],
    ['Please get the previous CT scans from Sheffield Teaching Hospitals.', 'import (natural)'],
    ['could you fetch imaging from great ormond st', 'import (natural)'],
    ['send images to Nottingham', 'export (natural)'],
    ['Export the MRI to Kettering General Hospital', 'export (natural)'],
  ])('"%s" -> %s', (text, name) => {
    expect(route(text)).toBe(name);
  });

  it.each(['helpful', 'what is the weather', 'importance', 'cancelled', 'send', 'request images for Mrs Smith', 'statuses'])('"%s" matches nothing', (text) => {
    expect(route(text)).toBeUndefined();
  });
});

describe('card actions: Action.Submit and Action.Execute carry the verb the same way for routing', () => {
  it('reads { verb, ...fields } from a submit and { action: { verb, data } } from an execute', () => {
    expect(cardActionOf({ verb: 'approve', requestId: 'r1' })).toEqual({ verb: 'approve', data: { verb: 'approve', requestId: 'r1' } });
    expect(cardActionOf({ action: { type: 'Action.Execute', verb: 'reject', data: { requestId: 'r1', reason: 'x' } }, trigger: 'manual' })).toEqual({
      verb: 'reject',
      data: { requestId: 'r1', reason: 'x' },
    });
  });
  it('ignores anything that is not one of our verbs', () => {
    for (const v of [undefined, null, 'approve', { verb: 'dropTables' }, { action: { verb: 'nope' } }, []]) expect(cardActionOf(v)).toBeUndefined();
  });
});
