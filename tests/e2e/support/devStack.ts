/**
 * For writing journeys by hand: `node -r ./tests/integration/workers/support/tsRequire.js tests/e2e/support/devStack.ts
 * <out.json> [users...]` starts script/test's services and one journey stack, writes the URLs to out.json, and stops
 * everything on SIGTERM/SIGINT. Not run by jest.
 */
import fs from 'node:fs';
import path from 'node:path';
import { startTestServices } from '../../../script/src/testServices';
import { startStack, type TeamsUser } from './stack';

async function main(): Promise<void> {
  const [out, ...users] = process.argv.slice(2);
  if (!out) throw new Error('usage: devStack.ts <out.json> [users...]');
  const dir = path.resolve(__dirname, '..', '..', '..', 'var', `e2e-dev-${process.pid}`);
  const services = await startTestServices(dir);
  Object.assign(process.env, services.env);
  const stack = await startStack('dev', { users: (users.length ? users : ['clinician', 'analyst']) as TeamsUser[] });
  fs.writeFileSync(out, JSON.stringify({ env: services.env, prefix: stack.prefix, sim: stack.sim.controlUrl, ris: stack.ris.controlUrl, bot: stack.bot.url,
    playgrounds: Object.fromEntries(Object.entries(stack.playgrounds).map(([k, v]) => [k, v!.url])) }, null, 2));
  console.log(`devStack: up, see ${out}`);
  const stop = async () => {
    await stack.stop();
    await services.stop();
    fs.rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
}

void main().catch((err: Error) => {
  console.error(err);
  process.exit(1);
});
