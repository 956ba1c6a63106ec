import { ANALYST_HELP_COMMANDS, formatDuration, renderComplianceReportCard, renderHelpCard } from '../../../cards';
import { sampleComplianceFigures } from './cardSamples';
import { factTexts, inputIds, texts } from './cardTree';

describe('compliance report card (guideline section 4)', () => {
  it('shows the period, totals, turnaround, the Blue Light 4-hour share, and each breakdown', () => {
    const card = renderComplianceReportCard(sampleComplianceFigures());
    expect(texts(card)[0]).toBe('Compliance report: Fri 1 May 2026 to Sat 31 Oct 2026');
    const facts = factTexts(card);
    expect(facts).toEqual(expect.arrayContaining(['Requests', '1312', 'Turnaround, median', '1 d 1 h', 'Turnaround, 90th percentile', '3 d 1 h']));
    expect(facts).toEqual(expect.arrayContaining(['Blue Light within 4 hours', '126 of 140 (90%)']));
    expect(facts).toEqual(expect.arrayContaining(['Import', '702', 'CD upload', '101', 'Blue Light', '140', 'Clinical emergency \\(trauma\\)', '21']));
    expect(facts).toEqual(expect.arrayContaining(['studyNotHeld', '31', 'iepFailed: TRANSFER\\_TIMEOUT', '7']));
    expect(texts(card)).toEqual(expect.arrayContaining(['By source', 'Declines, by reason', 'Failures, by reason']));
    expect(inputIds(card)).toEqual([]);
  });

  it('a long list of sources is cut at 12 with the rest counted; empty sections say so', () => {
    const f = sampleComplianceFigures();
    const card = renderComplianceReportCard({ ...f, declines: [], failures: [], blueLight: { approved: 0, completedWithin4h: 0 }, turnaround: { completed: 0 } });
    const facts = factTexts(card);
    expect(facts).toContain('8 others');
    expect(facts[facts.indexOf('8 others') + 1]).toBe(String(f.bySource.slice(12).reduce((n, c) => n + c.count, 0)));
    expect(texts(card)).toEqual(expect.arrayContaining(['No declines.', 'No failures.']));
    expect(facts).toEqual(expect.arrayContaining(['Blue Light within 4 hours', 'no Blue Light requests were approved', 'Turnaround, median', 'none completed']));
  });

  it('durations read as people say them', () => {
    expect([formatDuration(45), formatDuration(65), formatDuration(24 * 60 + 180)]).toEqual(['45 min', '1 h 05 min', '1 d 3 h']);
  });

  it('the help card lists "report" for analysts only', () => {
    const commandsOf = (card: unknown) => factTexts(card).filter((_, i) => i % 2 === 0);
    expect(commandsOf(renderHelpCard())).not.toContain(ANALYST_HELP_COMMANDS[0]!.command);
    expect(commandsOf(renderHelpCard({ analyst: true }))).toContain('report ‹from› ‹to›');
  });
});
