import fs from 'node:fs';
import path from 'node:path';
import dotenv from 'dotenv';

/**
 * Loads `.env` from the project root into process.env when the file exists (variables already set win). With no
 * .env the product runs as the sandbox. Called once, at the process edge (bot/main.ts, workers/main.ts).
 */
export function loadDotEnv(root = path.resolve(__dirname, '..', ...(__dirname.includes(`${path.sep}dist${path.sep}`) ? ['..'] : []))): string | undefined {
  const file = path.join(root, '.env');
  if (!fs.existsSync(file)) return undefined;
  dotenv.config({ path: file, override: false, quiet: true });
  return file;
}
