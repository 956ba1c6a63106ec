/**
 * Demo Teams users with fake Entra (Azure AD) object ids. The bot authorises by `aadObjectId` (DESIGN: role checks
 * use from.aadObjectId, never ids inside card data), so these ids are what the Playground config and the role tests use.
 * Names, e-mail addresses and phone extensions are invented; the domain is reserved (RFC 2606 ".example").
 */
export type DemoRole = 'requester' | 'analyst' | 'approver' | 'radiologist';

export interface DemoUser {
  /** A stable handle for tests and the Playground config ("clinician", "analyst"...). */
  key: string;
  /** Entra object id, as Teams sends it in from.aadObjectId. */
  aadObjectId: string;
  displayName: string;
  /** userPrincipalName / e-mail. */
  email: string;
  jobTitle: string;
  department: string;
  /** Contact number, as the request forms ask for (Appendices 2, 3, 6). */
  phone: string;
  roles: readonly DemoRole[];
  /** What the user is for in demos and tests. */
  purpose: string;
}

/** The one tenant the sandbox serves (DESIGN: only the trust's own tenant is served). */
export const DEMO_TENANT_ID = 'a1b47b06-034e-428d-9de7-0363fbad8ca4';

/** A tenant that is not ours: activities from it must be refused. */
export const FOREIGN_TENANT_ID = 'ccb18bc5-ba0a-4bf1-9fda-16accde32b13';

export const DEMO_USERS: readonly DemoUser[] = [
  {
    key: 'clinician',
    aadObjectId: '64753b10-c786-44bd-84a7-77012e35f47b',
    displayName: 'Dr Priya Ramanathan',
    email: 'priya.ramanathan@uhl-demo.example',
    jobTitle: 'Consultant Neurologist',
    department: 'Neurology',
    phone: 'x17001',
    roles: ['requester'],
    purpose: 'requests imports and exports in personal chat',
  },
  {
    key: 'secondClinician',
    aadObjectId: '0d2608c6-80d4-4849-a17e-d64a7e2007f6',
    displayName: 'Mr Callum Ferris',
    email: 'callum.ferris@uhl-demo.example',
    jobTitle: 'Specialty Registrar, Orthopaedics',
    department: 'Trauma and Orthopaedics',
    phone: 'x17002',
    roles: ['requester'],
    purpose: "a second requester: must not see or cancel the first clinician's requests",
  },
  {
    key: 'analyst',
    aadObjectId: 'c9024da4-7ef1-42a5-b4d4-a703d7be7128',
    displayName: 'Bronwen Achterberg',
    email: 'bronwen.achterberg@uhl-demo.example',
    jobTitle: 'Service Desk Analyst (MBP)',
    department: 'IM&T Service Desk',
    phone: 'x18000',
    roles: ['analyst', 'approver'],
    purpose: 'approves, rejects or queries requests in the service-desk channel',
  },
  {
    key: 'radiologist',
    aadObjectId: '558ff6ed-71ba-4088-81eb-3d2718ecaeb8',
    displayName: 'Dr Oluwaseun Hargreaves',
    email: 'oluwaseun.hargreaves@uhl-demo.example',
    jobTitle: 'Consultant Radiologist (on call)',
    department: 'Imaging',
    phone: 'x16999',
    roles: ['radiologist', 'requester'],
    purpose: 'sends out-of-hours trauma transfers to NUH from a phone (Appendix 4)',
  },
  {
    key: 'nonApprover',
    aadObjectId: '4c79a1b0-2b3a-4388-9042-cb7e53f43678',
    displayName: 'Kit Delacroix-Moss',
    email: 'kit.delacroix-moss@uhl-demo.example',
    jobTitle: 'Imaging IT Apprentice',
    department: 'IM&T',
    phone: 'x18042',
    roles: [],
    purpose: 'a member of the service-desk channel with no role: Approve must be refused',
  },
];

/** The demo user with this key; throws for an unknown key so a typo in a test fails loudly. */
export function demoUser(key: string): DemoUser {
  const u = DEMO_USERS.find((x) => x.key === key);
  if (!u) throw new Error(`no demo user with key "${key}"`);
  return u;
}
