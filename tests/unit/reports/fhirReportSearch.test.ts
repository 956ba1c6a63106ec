import { MAX_REPORT_CHARS, readReportSearch } from '../../../integrations/reports';

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
const report = (over: Record<string, unknown>) => ({ resourceType: 'DiagnosticReport', status: 'final', issued: '2026-11-01T10:00:00Z', conclusion: 'Conclusion only.', ...over });
const bundle = (...resources: unknown[]) => ({ resourceType: 'Bundle', type: 'searchset', entry: resources.map((resource) => ({ resource, search: { mode: 'match' } })) });

describe('readReportSearch: the issued report for an accession number (Appendix 4 step 13)', () => {
  it('prefers the full text/plain presentedForm to the conclusion', () => {
    const out = readReportSearch(bundle(report({ presentedForm: [{ contentType: 'application/pdf', data: b64('%PDF') }, { contentType: 'text/plain; charset=utf-8', data: b64('Full report.\r\nLine two.') }] })));
    expect(out).toEqual({ outcome: 'issued', status: 'final', text: 'Full report.\nLine two.', issued: '2026-11-01T10:00:00Z' });
  });

  it('falls back to the conclusion when there is no plain-text form', () => {
    expect(readReportSearch(bundle(report({})))).toMatchObject({ outcome: 'issued', text: 'Conclusion only.' });
  });

  it('takes the latest issued report when the RIS holds an addendum', () => {
    const out = readReportSearch(bundle(report({ conclusion: 'Original.' }), report({ status: 'amended', issued: '2026-11-02T08:00:00Z', conclusion: 'Amended.' })));
    expect(out).toMatchObject({ outcome: 'issued', status: 'amended', text: 'Amended.' });
  });

  it('does not attach a preliminary report: it has not been checked', () => {
    expect(readReportSearch(bundle(report({ status: 'preliminary' })))).toEqual({ outcome: 'notIssued', status: 'preliminary' });
  });

  it('treats cancelled and entered-in-error reports as no report, and ignores included resources', () => {
    const withInclude = { ...bundle(report({ status: 'entered-in-error' })), entry: [{ resource: report({ status: 'cancelled' }) }, { resource: { resourceType: 'Patient' }, search: { mode: 'include' } }] };
    expect(readReportSearch(withInclude)).toEqual({ outcome: 'none' });
    expect(readReportSearch({ resourceType: 'Bundle', type: 'searchset' })).toEqual({ outcome: 'none' });
  });

  it('cuts a report longer than IEP accepts and says so', () => {
    const out = readReportSearch(bundle(report({ conclusion: 'x'.repeat(MAX_REPORT_CHARS * 2) })));
    if (out.outcome !== 'issued') throw new Error(`expected issued, got ${out.outcome}`);
    expect(out.text.length).toBeLessThanOrEqual(MAX_REPORT_CHARS);
    expect(out.text).toMatch(/report cut: see CRIS/);
  });

  it('names a malformed answer by path and code, never by value', () => {
    const secret = 'SECRET-PATIENT-TEXT';
    const out = readReportSearch({ resourceType: 'Bundle', type: 'searchset', entry: [{ resource: { resourceType: 'DiagnosticReport', status: 42, conclusion: secret } }] });
    expect(out.outcome).toBe('malformed');
    expect(JSON.stringify(out)).not.toContain(secret);
    expect(readReportSearch({ resourceType: 'Patient' }).outcome).toBe('malformed');
    expect(readReportSearch(bundle(report({ conclusion: undefined, presentedForm: [] }))).outcome).toBe('malformed');
  });
});
