import fs from 'node:fs';
import path from 'node:path';

/** Loads a real-shaped Teams activity fixture and applies overrides (serviceUrl pointing at a ConnectorStub, etc.). */
export function teamsActivity(name: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const base = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'teams', `${name}.json`), 'utf8')) as Record<string, unknown>;
  return { ...base, ...overrides };
}

/** POSTs an activity to the bot's /api/messages as the channel would. */
export async function postActivity(botUrl: string, activity: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${botUrl}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(activity),
  });
}
