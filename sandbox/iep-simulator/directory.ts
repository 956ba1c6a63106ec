/**
 * The simulator's institution directory: Nottingham University Hospitals and its sites (Appendix 4 screenshot), the
 * trusts in the Appendix 1 "All" tab screenshot, and UHL itself. Names are as the guideline shows them (OCR slips in
 * the screenshot corrected: "Mol Essee" is Mid Essex NHS Trust). Delivery node names other than UHL's and NUH's are
 * invented for the sandbox.
 */
export interface SimInstitution {
  id: string;
  name: string;
  parent?: { id: string; name: string };
  deliveryNodes: string[];
}

/** UHL: our own institution and delivery node (Appendix 1 step 5: "Leave the delivery node as UHLPACSWFM01"). */
export const UHL: SimInstitution = { id: 'uhl', name: 'University Hospitals of Leicester', deliveryNodes: ['UHLPACSWFM01'] };

/** Nottingham University Hospitals, delivery node "NUH Radiology PACS" (Appendix 4 step 14). */
export const NUH: SimInstitution = { id: 'nuh', name: 'Nottingham University Hospitals', deliveryNodes: ['NUH Radiology PACS'] };

const nuhSite = (id: string, name: string): SimInstitution => ({
  id,
  // IEP lists a site with its organisation in brackets (Appendix 4 step 5 screenshot).
  name: `${name} [${NUH.name}]`,
  parent: { id: NUH.id, name: NUH.name },
  deliveryNodes: [...NUH.deliveryNodes],
});

const trust = (id: string, name: string, node: string): SimInstitution => ({ id, name, deliveryNodes: [node] });

export const DEFAULT_DIRECTORY: readonly SimInstitution[] = [
  UHL,
  NUH,
  nuhSite('nuh-city', 'Nottingham City Hospital'),
  nuhSite('nuh-qmc', 'Nottingham Queens Medical Centre'),
  trust('epsom-sth', 'Epsom & St Helier University Hospitals', 'ESTH PACS'),
  trust('ulht', 'United Lincolnshire Hospitals NHS Trust', 'ULHT PACS'),
  trust('sth', 'Sheffield Teaching Hospitals', 'STH PACS'),
  trust('gosh', 'Great Ormond Street Hospital', 'GOSH PACS'),
  trust('kgh', 'Kettering General Hospital', 'KGH PACS'),
  trust('spire-leicester', 'Spire Leicester', 'Spire Leicester PACS'),
  trust('mid-essex', 'Mid Essex NHS Trust', 'MEHT PACS'),
  trust('nuffield-derby', 'Nuffield Health Derby', 'Nuffield Derby PACS'),
  trust('nuffield-leicester', 'Nuffield Health Leicester', 'Nuffield Leicester PACS'),
  trust('kings-mill', "King's Mill Hospital", 'SFH PACS'),
  trust('royal-marsden', 'The Royal Marsden Hospital', 'RMH PACS'),
  trust('ramsay-woodthorpe', 'Ramsay Health Nottingham Woodthorpe', 'Ramsay Woodthorpe PACS'),
  trust('spire-nottingham', 'Spire Nottingham', 'Spire Nottingham PACS'),
  // Shown in the Appendix 4 search for "Notti": IEP matches anywhere in the name, not only at the start.
  trust('z-nottingham-reporting', 'zNottingham Reporting', 'zNottingham Reporting'),
];

/** Institutions whose name contains `name` (case-insensitive), A-Z; the whole list when `name` is empty. */
export function searchDirectory(directory: readonly SimInstitution[], name: string): SimInstitution[] {
  const needle = name.trim().toLowerCase();
  return directory
    .filter((i) => needle === '' || i.name.toLowerCase().includes(needle))
    .sort((a, b) => a.name.localeCompare(b.name, 'en-GB'));
}
