import type { ReportLookup, ReportSource } from '../../../integrations/reports';
import { ReportSourceError } from '../../../integrations/reports';
import type { StudyQuery, StudySummary } from '../../../integrations/pacs';
import { attachTraumaReports, traumaReportsNote } from '../../../workers/steps/traumaReports';

/** A PACS that knows each study's accession number, and a report source keyed by accession (test doubles of ports). */
function pacsWith(accessions: Record<string, string | undefined>) {
  return {
    searchStudies: async (q: StudyQuery): Promise<StudySummary[]> =>
      q.studyInstanceUid && q.studyInstanceUid in accessions ? [{ studyInstanceUid: q.studyInstanceUid, modalities: ['CT'], ...(accessions[q.studyInstanceUid] ? { accessionNumber: accessions[q.studyInstanceUid] } : {}) }] : [],
  };
}
function reportsWith(byAccession: Record<string, ReportLookup | Error | 'hang'>): ReportSource & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    findReport: async (accession) => {
      asked.push(accession);
      const r = byAccession[accession] ?? { outcome: 'none' };
      if (r === 'hang') return new Promise<ReportLookup>(() => undefined);
      if (r instanceof Error) throw r;
      return r;
    },
  };
}

describe('attachTraumaReports (Appendix 4 step 13)', () => {
  it('attaches each issued report to its own study, in the order picked', async () => {
    const reports = reportsWith({ A1: { outcome: 'issued', status: 'final', text: 'Report one' }, A2: { outcome: 'issued', status: 'amended', text: 'Report two' } });
    const out = await attachTraumaReports(pacsWith({ '1.2.1': 'A1', '1.2.2': 'A2' }), reports, ['1.2.2', '1.2.1'], {});
    expect(out.studies).toEqual([
      { studyInstanceUid: '1.2.2', reportText: 'Report two' },
      { studyInstanceUid: '1.2.1', reportText: 'Report one' },
    ]);
    expect(out).toMatchObject({ attached: 2, notIssued: 0, none: 0, unavailable: 0 });
    expect(traumaReportsNote(out)).toBe('report attached to all 2 studies');
  });

  it('sends a preliminary, a missing and a failed report study without a report, and counts each', async () => {
    const reports = reportsWith({ P: { outcome: 'notIssued', status: 'preliminary' }, F: new ReportSourceError('REPORTS_HTTP', true, 'HTTP 503', {}), OK: { outcome: 'issued', status: 'final', text: 'ok' } });
    const out = await attachTraumaReports(pacsWith({ '1.1': 'P', '1.2': 'F', '1.3': undefined, '1.4': 'OK' }), reports, ['1.1', '1.2', '1.3', '1.4', '1.5'], {});
    expect(out.studies.map((s) => Boolean(s.reportText))).toEqual([false, false, false, true, false]);
    expect(out).toMatchObject({ attached: 1, notIssued: 1, unavailable: 1, none: 2 });
    expect(reports.asked.sort()).toEqual(['F', 'OK', 'P']);
    expect(traumaReportsNote(out)).toBe('report attached to 1 of 5 studies (1 not yet verified, 2 with no report on CRIS, 1 not reachable in time): attach the rest in IEP if they are needed');
  });

  it('never holds the transfer: a source that hangs is given up at the deadline and every study still goes', async () => {
    const started = Date.now();
    const out = await attachTraumaReports(pacsWith({ '1.1': 'H' }), reportsWith({ H: 'hang' }), ['1.1'], {}, 50);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(out.studies).toEqual([{ studyInstanceUid: '1.1' }]);
    expect(out.unavailable).toBe(1);
  });

  it('with no report source configured, sends the studies and says the reports were not reachable', async () => {
    const out = await attachTraumaReports(pacsWith({ '1.1': 'A' }), undefined, ['1.1'], {});
    expect(out).toMatchObject({ attached: 0, unavailable: 1, studies: [{ studyInstanceUid: '1.1' }] });
  });
});
