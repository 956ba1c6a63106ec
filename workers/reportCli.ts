/**
 * `script/report --from YYYY-MM-DD --to YYYY-MM-DD [--rows]`: the compliance report (guideline section 4) as CSV on
 * stdout. Dates are London dates, both included. `--rows` prints one line per request instead of the figures.
 */
import { loadConfig } from '../config';
import { loadDotEnv } from '../config/dotenv';
import { addDays, londonInstant, parseLocalDate } from '../domain';
import { createStore } from '../store';
import { openProducerConnection } from './connection';
import { buildComplianceReport, reportRowsCsv, reportSummaryCsv } from './report';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const from = parseLocalDate(arg('--from') ?? '');
  const to = parseLocalDate(arg('--to') ?? '');
  if (!from || !to || to < from) {
    console.error('usage: script/report --from YYYY-MM-DD --to YYYY-MM-DD [--rows]   (London dates, both included)');
    process.exit(2);
  }
  loadDotEnv();
  const config = loadConfig();
  const redis = await openProducerConnection(config);
  try {
    const store = createStore(redis, config);
    const report = await buildComplianceReport({ store, redis }, londonInstant(from, 0), londonInstant(addDays(to, 1), 0));
    process.stdout.write(process.argv.includes('--rows') ? reportRowsCsv(report) : reportSummaryCsv(report));
  } finally {
    redis.disconnect();
  }
}

void main().catch((err: Error) => {
  console.error(`script/report: ${err.name}: ${err.message}`);
  process.exit(1);
});
