/** The UHL person who asks and whom the service desk calls back (Appendix 3 "UHL staff contact details"). */
export interface RequesterContact {
  name: string;
  /** Lower-case e-mail address. */
  email: string;
  /** A phone number, extension or bleep, as typed (tidied). */
  phone: string;
}

/**
 * Who the images are for (Appendix 1, step 3: "specify who the requesting Clinician, Consultant and Department is,
 * else your request maybe declined").
 */
export interface ClinicalOwner {
  requestingClinician: string;
  consultant: string;
  department: string;
}

/** Where exported images go and whom to talk to there (Appendix 3 "Request Details"). */
export interface ExportDestination {
  /** The organisation's name in full ("Give organisation name in full"). */
  organisation: string;
  contactName: string;
  contactPosition: string;
  /** A full external phone number. */
  contactPhone: string;
  /** Lower-case e-mail address. */
  contactEmail: string;
}
