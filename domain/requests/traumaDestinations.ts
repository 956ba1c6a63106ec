/** A major trauma centre a radiologist may send to, with the IEP delivery node its PACS listens on. */
export interface TraumaDestination {
  id: string;
  organisation: string;
  deliveryNode: string;
}

/**
 * Guideline 2.1c and Appendix 4: UHL sends trauma images to Queens Medical Centre, Nottingham; on IEP the destination
 * is "Nottingham University Hospitals" and the delivery node "NUH Radiology PACS" (step 14).
 */
export const TRAUMA_DESTINATIONS: readonly TraumaDestination[] = [
  { id: 'nuh', organisation: 'Nottingham University Hospitals', deliveryNode: 'NUH Radiology PACS' },
];

/** The destination used when the card does not offer a choice. */
export const DEFAULT_TRAUMA_DESTINATION_ID = 'nuh';
