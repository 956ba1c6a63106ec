/**
 * script/test's engine: starts private services on free ports (unless only unit tests run), runs the jest projects,
 * stops what it started, and ends with one plain line "N passed, N failed[, N skipped]" for CI.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { startTestServices, type TestServices } from './testServices';

const ALL = ['unit', 'integration', 'e2e', 'chaos'] as const;
type Project = (typeof ALL)[number];

interface JestReport {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  numRuntimeErrorTestSuites: number;
  numTotalTestSuites: number;
}

function parseArgs(argv: string[]): { projects: Project[]; jestArgs: string[] } {
  const [first, ...rest] = argv;
  if (!first || first === 'all') return { projects: [...ALL], jestArgs: rest };
  const projects = first.split(',') as Project[];
  for (const p of projects) {
    if (!ALL.includes(p)) {
      console.error(`script/test: unknown suite "${p}"; use one of: ${ALL.join(', ')}, all`);
      process.exit(2);
    }
  }
  return { projects, jestArgs: rest };
}

async function main(): Promise<void> {
  const root = path.resolve(__dirname, '../../..');
  const { projects, jestArgs } = parseArgs(process.argv.slice(2));
  const runDir = path.join(root, 'var', `test-${process.pid}`);
  const artifacts = path.join(root, 'tests', 'artifacts');
  fs.mkdirSync(artifacts, { recursive: true });
  const reportFile = path.join(artifacts, `jest-${process.pid}.json`);

  let services: TestServices | undefined;
  let interrupted = false;
  const onSignal = (sig: NodeJS.Signals) => {
    interrupted = true;
    console.error(`script/test: ${sig}, stopping services`);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  let report: JestReport | undefined;
  let jestCode: number | null = 1;
  try {
    if (projects.some((p) => p !== 'unit')) {
      const t0 = Date.now();
      services = await startTestServices(runDir);
      console.log(`script/test: services up in ${Date.now() - t0} ms (${services.handles.map((h) => `${h.name} pid ${h.pid}`).join(', ')})`);
    }
    const args = [
      path.join(root, 'node_modules', 'jest', 'bin', 'jest.js'),
      '--selectProjects', ...projects,
      '--json', `--outputFile=${reportFile}`,
      '--passWithNoTests',
      // A leaked handle must not hang CI for 90 minutes; suites still fail on their own assertions.
      '--forceExit',
      ...jestArgs,
    ];
    jestCode = await new Promise<number | null>((resolve) => {
      const child = spawn(process.execPath, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...services?.env } });
      child.on('exit', (code) => resolve(code));
    });
    if (fs.existsSync(reportFile)) report = JSON.parse(fs.readFileSync(reportFile, 'utf8')) as JestReport;
  } catch (err) {
    console.error(`script/test: ${(err as Error).message}`);
  } finally {
    await services?.stop();
    if (services) fs.rmSync(runDir, { recursive: true, force: true });
    fs.rmSync(reportFile, { force: true });
  }

  // A suite that failed to load (syntax error, missing service) has no tests; count it as a failure so it can't hide.
  const passed = report?.numPassedTests ?? 0;
  const failed = (report?.numFailedTests ?? 0) + (report?.numRuntimeErrorTestSuites ?? 0) + (report ? 0 : 1);
  const skipped = (report?.numPendingTests ?? 0) + (report?.numTodoTests ?? 0);
  const ok = !interrupted && failed === 0 && jestCode === 0;
  console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
  process.exit(ok ? 0 : 1);
}

void main();
