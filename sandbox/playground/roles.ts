import { DEMO_TENANT_ID, DEMO_USERS, type DemoUser } from '../demo';
import type { PlaygroundConfig, PlaygroundUser } from './playgroundConfig';

/** The sandbox's Playground instances: one per role, each its own port and folder, all on the same bot. */
export const PLAYGROUND_ROLES = [
  { role: 'clinician', userKey: 'clinician', port: 56150 },
  { role: 'analyst', userKey: 'analyst', port: 56151 },
  { role: 'radiologist', userKey: 'radiologist', port: 56152 },
] as const;

export const SANDBOX_BOT = { id: '28:00000000-0000-0000-0000-0000000b0701', name: 'Imaging Transfer Bot' };
/** The service desk's team and the channel where approval cards go. */
export const SANDBOX_TEAM = {
  id: '19:itb-service-desk-team@thread.tacv2',
  name: 'IM&T Service Desk',
  aadGroupId: '7f3e2c1a-5b6d-4e8f-9a0b-1c2d3e4f5a6b',
  channels: [{ id: '19:itb-iep-requests@thread.tacv2', name: 'IEP requests' }],
};

const WARD_COLLEAGUES: PlaygroundUser[] = [1, 2, 3, 4, 5].map((n) => ({
  id: `29:ward-colleague-${n}`,
  name: `Ward Colleague ${n}`,
  aadObjectId: `00000000-0000-4000-8000-00000000000${n}`,
  givenName: 'Ward',
  surname: `Colleague ${n}`,
  email: `ward.colleague${n}@uhl-demo.example`,
}));

function asPlaygroundUser(u: DemoUser): PlaygroundUser {
  const [givenName = u.displayName, ...rest] = u.displayName.replace(/^(Dr|Mr|Mrs|Ms|Prof)\s+/, '').split(' ');
  return { id: `29:${u.key}`, name: u.displayName, aadObjectId: u.aadObjectId, givenName, surname: rest.join(' ') || givenName, email: u.email };
}

/** The Playground config for one role: that user is the current user, every other demo user is a team member. */
export function playgroundConfigFor(userKey: string): PlaygroundConfig {
  const current = DEMO_USERS.find((u) => u.key === userKey);
  if (!current) throw new Error(`no demo user "${userKey}"`);
  return {
    tenantId: DEMO_TENANT_ID,
    bot: SANDBOX_BOT,
    currentUser: asPlaygroundUser(current),
    // The Playground's schema wants exactly five other users: pad with ward colleagues who hold no role.
    users: [...DEMO_USERS.filter((u) => u.key !== userKey).map(asPlaygroundUser), ...WARD_COLLEAGUES].slice(0, 5),
    team: SANDBOX_TEAM,
  };
}
