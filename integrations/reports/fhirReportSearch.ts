import { z } from 'zod';
import type { ReportLookup } from './reportSource';

/**
 * Reads a FHIR R4 DiagnosticReport search answer (a searchset Bundle) into a ReportLookup. Pure, so the odd shapes a
 * facade can send are unit-tested here. References: DiagnosticReport (http://hl7.org/fhir/R4/diagnosticreport.html):
 * `status` (registered | partial | preliminary | final | amended | corrected | appended | cancelled |
 * entered-in-error | unknown), `conclusion` (the summary text) and `presentedForm` (Attachment: contentType + base64
 * data, the full report as the RIS rendered it).
 */

const ISSUED = ['final', 'amended', 'corrected', 'appended'] as const;
/** Statuses that mean "there is no report to speak of". */
const WITHDRAWN = ['cancelled', 'entered-in-error'];

const attachmentSchema = z.object({ contentType: z.string().optional(), data: z.string().optional(), title: z.string().optional() });
const reportSchema = z.object({
  resourceType: z.literal('DiagnosticReport'),
  status: z.string(),
  issued: z.string().optional(),
  conclusion: z.string().optional(),
  presentedForm: z.array(attachmentSchema).optional(),
});
const bundleSchema = z.object({
  resourceType: z.literal('Bundle'),
  type: z.literal('searchset'),
  entry: z.array(z.object({ resource: z.object({ resourceType: z.string() }).loose().optional(), search: z.object({ mode: z.string().optional() }).optional() })).optional(),
});

/** What a malformed answer looked like, by path and code only (never values). */
export type ReportSearchOutcome = ReportLookup | { outcome: 'malformed'; problem: string };

/** Largest report text attached; the IEP contract takes 20,000 characters per study. */
export const MAX_REPORT_CHARS = 20_000;

/** The issued report in a DiagnosticReport searchset, the latest issued first; preliminary ones are named, not used. */
export function readReportSearch(json: unknown): ReportSearchOutcome {
  const bundle = bundleSchema.safeParse(json);
  if (!bundle.success) return { outcome: 'malformed', problem: bundle.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(root)'}: ${i.code}`).join('; ') };
  const reports = [];
  for (const entry of bundle.data.entry ?? []) {
    if (entry.search?.mode && entry.search.mode !== 'match') continue;
    if (entry.resource?.resourceType !== 'DiagnosticReport') continue;
    const parsed = reportSchema.safeParse(entry.resource);
    if (!parsed.success) return { outcome: 'malformed', problem: `DiagnosticReport: ${parsed.error.issues[0]?.path.join('.') ?? ''} ${parsed.error.issues[0]?.code ?? ''}`.trim() };
    if (!WITHDRAWN.includes(parsed.data.status)) reports.push(parsed.data);
  }
  if (reports.length === 0) return { outcome: 'none' };
  const issued = reports.filter((r) => (ISSUED as readonly string[]).includes(r.status)).sort((a, b) => (b.issued ?? '').localeCompare(a.issued ?? ''));
  const best = issued[0];
  if (!best) return { outcome: 'notIssued', status: reports[0]!.status };
  const text = reportText(best);
  if (text === undefined) return { outcome: 'malformed', problem: 'DiagnosticReport: no text/plain presentedForm and no conclusion' };
  const status = best.status === 'appended' ? 'amended' : (best.status as 'final' | 'amended' | 'corrected');
  return { outcome: 'issued', text, status, ...(best.issued ? { issued: best.issued } : {}) };
}

const CUT_NOTE = '\n[report cut: see CRIS for the full text]';

/** The full text (text/plain presentedForm) when there is one, else the conclusion; cut to what IEP accepts. */
function reportText(r: z.infer<typeof reportSchema>): string | undefined {
  const plain = r.presentedForm?.find((a) => /^text\/plain\b/i.test(a.contentType ?? '') && a.data);
  let text: string | undefined;
  if (plain?.data) {
    const decoded = Buffer.from(plain.data, 'base64').toString('utf8');
    if (decoded.trim()) text = decoded;
  }
  text ??= r.conclusion?.trim() ? r.conclusion : undefined;
  if (text === undefined) return undefined;
  const clean = text.replace(/\r\n?/g, '\n').trim();
  return clean.length > MAX_REPORT_CHARS ? `${clean.slice(0, MAX_REPORT_CHARS - CUT_NOTE.length)}${CUT_NOTE}` : clean;
}
