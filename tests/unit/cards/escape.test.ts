import { Template } from 'adaptivecards-templating';
import {
  ZWJ,
  escapeCardText,
  renderApprovalCard,
  renderImportForm,
  renderInformationRequestCard,
  renderTemplate,
  unresolvedExpressions,
} from '../../../cards';
import { HOSTILE_TEXT, SMALL_DIRECTORY, TODAY } from './cardSamples';
import { factTexts, inputById, texts } from './cardTree';

/** What a reader sees once a Markdown renderer has consumed the backslash escapes, ZWJs removed. */
const asRead = (escaped: string) => escaped.replace(/\\(.)/g, '$1').split(ZWJ).join('');

describe('escapeCardText', () => {
  it.each([
    ['**bold**', '\\*\\*bold\\*\\*'],
    ['_em_', '\\_em\\_'],
    ['[click](https://evil.example)', `\\[click\\]\\(https:${ZWJ}//evil.example\\)`],
    ['<b>x</b>', '\\<b\\>x\\</b\\>'],
    ['# heading', '\\# heading'],
    ['> quote', '\\> quote'],
    ['~~strike~~', '\\~\\~strike\\~\\~'],
    ['`code`', '\\`code\\`'],
    ['a\\b', 'a\\\\b'],
    ['- item\n+ item\n1. one\n---', '\\- item\n\\+ item\n1\\. one\n\\---'],
    ['see www.evil.example', `see www${ZWJ}.evil.example`],
    ['mail jo@evil.example', `mail jo${ZWJ}@evil.example`],
    ['${verb}', `$${ZWJ}{verb\\}`.replace('\\}', '}')],
  ])('%j', (input, expected) => {
    expect(escapeCardText(input)).toBe(expected);
  });

  it('leaves ordinary clinical text alone (no backslashes where nothing needs escaping)', () => {
    for (const t of ["O'Neil-Smith", 'CT head 12/03/2026', 'Dr Jo Example, Orthopaedics', 'Zoë Ünal', 'Ward 7 - bay 3', '3.5 mm']) {
      expect(escapeCardText(t)).toBe(t);
    }
  });

  it('reads the same once the escapes are consumed', () => {
    expect(asRead(escapeCardText(HOSTILE_TEXT))).toBe(HOSTILE_TEXT);
  });

  it('leaves no unescaped Markdown link, emphasis, autolink or template expression', () => {
    const e = escapeCardText(HOSTILE_TEXT);
    expect(e).not.toMatch(/(^|[^\\])\*\*/);
    expect(e).not.toMatch(/(^|[^\\])\[/);
    expect(e).not.toMatch(/https?:\/\//);
    expect(e).not.toContain('www.');
    expect(e).not.toContain('${');
    expect(e).not.toMatch(/(^|[^\\])</);
  });
});

describe('adaptivecards-templating and user text', () => {
  it('does not evaluate ${...} inside data (checked, so we know what we rely on)', () => {
    const out = new Template({ type: 'AdaptiveCard', body: [{ type: 'TextBlock', text: '${a}' }, { type: 'TextBlock', text: 'x ${a} y' }] }).expand({
      $root: { a: '${b}', b: 'EVALUATED' },
    }) as { body: Array<{ text: string }> };
    expect(out.body.map((b) => b.text)).toEqual(['${b}', 'x ${b} y']);
  });

  it('prefilled input values come back exactly as typed, template-looking text included', () => {
    const values = { familyName: '${verb}', comments: "**x** ${$root.verb} @{y} ${if(true,'a','b')}", requesterName: '[me](https://evil.example)' };
    const card = renderImportForm({ today: TODAY, institutions: SMALL_DIRECTORY, values });
    for (const [id, v] of Object.entries(values)) expect(inputById(card, id)?.value).toBe(v);
    expect(unresolvedExpressions(card)).toEqual([]);
  });

  it('renderTemplate binds a hostile string without evaluating it', () => {
    const card = renderTemplate('help', { intro: '${hours}', commands: [], hours: 'SECRET', actions: [] });
    expect(texts(card)).toContain('${hours}');
    expect(texts(card).filter((t) => t === 'SECRET')).toHaveLength(1);
  });
});

describe('echoed text on cards is escaped', () => {
  it('approval card: reason detail, answers, names and trust', () => {
    const card = renderApprovalCard({
      requestId: 'r',
      callRef: 'ITB-2026-000123',
      kind: 'import',
      priority: 'standard',
      priorityReason: 'other',
      priorityReasonDetail: HOSTILE_TEXT,
      organisation: '[Trust](https://evil.example)',
      requestedBy: '**Dr** Evil',
      examCount: 1,
      status: 'awaitingApproval',
      submittedAt: '2026-06-15T12:00:00Z',
      exchanges: [{ question: '_q_', askedBy: 'A', askedAt: '2026-06-15T12:00:00Z', answer: HOSTILE_TEXT }],
    });
    const shown = [...texts(card), ...factTexts(card)].join('\n');
    expect(shown).toContain(escapeCardText(HOSTILE_TEXT));
    expect(shown).toContain(escapeCardText('[Trust](https://evil.example)'));
    expect(shown).toContain('\\*\\*Dr\\*\\* Evil');
    expect(shown).not.toContain('https://');
    expect(shown).not.toContain('${');
  });

  it('information request: the question is escaped, the answer box is plain', () => {
    const card = renderInformationRequestCard({
      requestId: 'r', callRef: 'ITB-2026-000123', kind: 'import', question: HOSTILE_TEXT, askedBy: 'A', askedAt: '2026-06-15T12:00:00Z',
      values: { answer: HOSTILE_TEXT },
    });
    expect(texts(card)).toContain(escapeCardText(HOSTILE_TEXT));
    expect(inputById(card, 'answer')?.value).toBe(HOSTILE_TEXT);
  });
});
