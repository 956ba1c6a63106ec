/**
 * The four kinds of transfer the service handles:
 *  - import: images from another organisation into UHL PACS over IEP (guideline 2.3, Appendix 2);
 *  - export: UHL images out to another organisation over IEP (guideline 2.6, Appendix 3);
 *  - trauma: an on-call radiologist's urgent transfer to the major trauma centre, any hour (2.8, Appendix 4);
 *  - cdImport: images brought in on CD and uploaded to PACS (Appendices 5 and 6).
 */
export const REQUEST_KINDS = ['import', 'export', 'trauma', 'cdImport'] as const;

/** One of REQUEST_KINDS. */
export type RequestKind = (typeof REQUEST_KINDS)[number];

/** Type guard for RequestKind. */
export function isRequestKind(value: unknown): value is RequestKind {
  return typeof value === 'string' && (REQUEST_KINDS as readonly string[]).includes(value);
}
