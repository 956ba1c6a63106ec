/**
 * The Agents Playground reads its mock tenant, bot, current user, other users, chats and team/channels from
 * `.m365agentsplayground.yml` in the folder it starts from. One instance has one current user, so the sandbox runs
 * one instance per role (clinician, analyst, radiologist), each from its own folder and port, all on the same bot.
 */
export interface PlaygroundUser {
  id: string;
  name: string;
  aadObjectId: string;
  givenName: string;
  surname: string;
  email: string;
}

export interface PlaygroundConfig {
  tenantId: string;
  bot: { id: string; name: string };
  currentUser: PlaygroundUser;
  users: PlaygroundUser[];
  team: { id: string; name: string; aadGroupId: string; channels: Array<{ id: string; name: string }> };
}

const q = (s: string) => JSON.stringify(s); // JSON strings are valid YAML scalars

function userYaml(u: PlaygroundUser, indent: string): string {
  return [
    `id: ${q(u.id)}`, `name: ${q(u.name)}`, `userPrincipleName: ${q(u.email)}`, `aadObjectId: ${q(u.aadObjectId)}`,
    `givenName: ${q(u.givenName)}`, `surname: ${q(u.surname)}`, `email: ${q(u.email)}`,
  ].map((l, i) => (i === 0 ? l : indent + l)).join('\n');
}

/** Renders the YAML the Playground expects (its own default file's shape; note its spelling "userPrincipleName"). */
export function renderPlaygroundYaml(c: PlaygroundConfig): string {
  return [
    'version: "0.1.1"',
    `tenantId: ${q(c.tenantId)}`,
    'bot:',
    `  id: ${q(c.bot.id)}`,
    `  name: ${q(c.bot.name)}`,
    'currentUser:',
    `  ${userYaml(c.currentUser, '  ')}`,
    'users:',
    ...c.users.map((u) => `  - ${userYaml(u, '    ')}`),
    'personalChat:',
    '  id: __PERSONAL_CHAT_ID__',
    'groupChat:',
    '  id: __GROUP_CHAT_ID__',
    '  name: "Ward 7 imaging"',
    'team:',
    `  id: ${q(c.team.id)}`,
    `  name: ${q(c.team.name)}`,
    `  aadGroupId: ${q(c.team.aadGroupId)}`,
    '  channels:',
    ...c.team.channels.flatMap((ch) => [`    - id: ${q(ch.id)}`, `      name: ${q(ch.name)}`]),
    '',
  ].join('\n');
}
