/**
 * script/bench bot (issue 10): a card submission to the acknowledgement with its call reference, through the real
 * HTTP endpoint, at 1, 20 and 100 concurrent submitters, beside a restify route that does nothing, same run.
 *
 * Set-up, all on loopback and stopped by handle at the end: a private redis-server (AOF on, as DESIGN asks), the PAS
 * stand-in (sandbox/pas: the registration check, guideline 2.7d, is a real FHIR call), a local Bot Connector, and the
 * bot in its own process (bench/botServerChild.ts: bot/app.ts startBot in sandbox mode with the local service desk on
 * the same Redis, plus the do-nothing restify baseline).
 *
 * The service desk is set up as in a live deployment: SERVICE_DESK_CHANNEL_ID names the analysts' channel, and before
 * the timed levels one analyst message in that channel lets the bot keep the channel's conversation reference, so each
 * submission's approval card (a durable BullMQ notify job, after the acknowledgement) is delivered to the connector
 * once, as in the long-lived bot's steady state. (Without it every approval notice found no channel and was retried
 * with back-off, 8 attempts, which a live bot never does once the channel has spoken.)
 *
 * Each submitter is its own Teams user in its own personal chat, and sends valid import forms (Action.Submit,
 * `value.verb = submitImport`) for the demo patient registered on PAS, each from a distinct card with a distinct
 * activity id and formId, one after another (closed loop: the next after the acknowledgement). A submission's
 * latency is from the start of the POST to /api/messages to the moment the connector receives the bot's update of
 * the submitted card that carries the call reference (ITB-YYYY-NNNNNN). An error is a non-200 answer, no reply in
 * 15 s, or a reply without a call reference. The baseline is the same POST (same body, same client, same
 * concurrency) to the baseline route, timed to its 200.
 *
 * Steady state, not start-up: before each level is timed, every submitter of that level sends 2 untimed forms (the
 * baseline likewise), so the figures are those of a long-lived bot whose users are known and whose keep-alive sockets
 * (to the submitters, the connector and the PAS) are open. Without it the first round of a level, 10% of the 200
 * submissions at 20 submitters, opened 20 sockets each way at once and decided the p99 alone.
 *
 * Targets (issue 10, 2 cores): p99 < 200 ms at 20 concurrent submitters; 0 errors at 100.
 * Environment: BENCH_BOT_LEVELS=1,20,100; BENCH_BOT_MIN_SUBMISSIONS=200 per level (at least 3 per submitter);
 * BENCH_BOT_NO_NOTIFY=1 (diagnosis only) leaves the notify worker out of the bot process (bench/botServerChild.ts);
 * BENCH_BOT_CPU_PROF=<dir> writes a V8 CPU profile of the bot process there; BENCH_BOT_MONITOR=<file> writes Redis
 * MONITOR (every command the bot's clients send, in order) during the timed bot levels there. The results carry the
 * Redis commands per submission by name (INFO commandstats), to see which round trips a submission costs.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { DEMO_PATIENTS, DEMO_TENANT_ID } from '../sandbox/demo';
import { startPasSandbox, SANDBOX_S_NUMBER_SYSTEM } from '../sandbox/pas/pasSandbox';
import { freePort } from '../sandbox/processes/freePort';
import { startRedis } from '../sandbox/processes/redis';
import { Redis } from 'ioredis';
import { formatTable, machineFacts, nowMs, writeResults } from './harness';

const ROOT = path.resolve(__dirname, '..', '..');
const CHILD = path.join(__dirname, 'botServerChild.js');
const CALL_REF = /ITB-\d{4}-\d{6,9}/;
const ACK_TIMEOUT_MS = 15_000;
const TARGET_P99_MS_AT_20 = 200;
/** Untimed submissions per submitter before each level is timed (see runBotBench). */
const WARM_PER_SUBMITTER = 2;

/** Nearest-rank percentile (p in 0..100) of sorted values. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] as number;
}

/**
 * A local Bot Connector that resolves a waiter when the bot updates (or replies to) a given card: the bot answers an
 * Action.Submit by updating the clicked card in place (PUT /v3/conversations/{id}/activities/{cardId}).
 */
class AckConnector {
  private server?: http.Server;
  private readonly waiters = new Map<string, (at: number, body: string) => void>();
  /** Everything else the bot sent (approval cards to the channel...): counted, not timed. */
  other = 0;

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const at = nowMs();
        const cardId = /\/activities\/([^/?]+)/.exec(req.url ?? '')?.[1];
        const waiter = cardId ? this.waiters.get(decodeURIComponent(cardId)) : undefined;
        if (waiter && cardId) {
          this.waiters.delete(decodeURIComponent(cardId));
          waiter(at, Buffer.concat(chunks).toString('utf8'));
        } else this.other += 1;
        res.writeHead(req.method === 'PUT' ? 200 : 201, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id: `stub-${Math.random().toString(36).slice(2)}` }));
      });
    });
    // Default keep-alive timeout is 5 s; the bot's connector client keeps sockets longer between bursts.
    this.server.keepAliveTimeout = 60_000;
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(this.server.address() as { port: number }).port}/`;
  }

  /** Resolves with the arrival time and body of the bot's answer on `cardId`, or rejects after the timeout. */
  expect(cardId: string): Promise<{ at: number; body: string }> {
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => {
        this.waiters.delete(cardId);
        reject(new Error('no reply'));
      }, ACK_TIMEOUT_MS);
      this.waiters.set(cardId, (at, body) => {
        clearTimeout(t);
        resolve({ at, body });
      });
    });
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}

/** The analysts' channel in the bench's Teams tenant (what SERVICE_DESK_CHANNEL_ID names in a deployment). */
const DESK_CHANNEL_ID = '19:bench-service-desk@thread.tacv2';
const DESK_ANALYST_AAD = '00000000-0000-4000-8000-00000000a001';

/**
 * One analyst message ("help") in the service-desk channel: the bot keeps that channel's conversation reference
 * (bot/conversationCapture.ts), as it does when the desk first talks to it. Resolves when the bot answered the POST.
 */
async function openDeskChannel(botUrl: string, serviceUrl: string): Promise<void> {
  const activity = {
    type: 'message',
    id: 'bench-desk-hello',
    timestamp: new Date().toISOString(),
    channelId: 'msteams',
    serviceUrl,
    from: { id: '29:bench-analyst', name: 'Bench Analyst', aadObjectId: DESK_ANALYST_AAD },
    conversation: { conversationType: 'channel', isGroup: true, tenantId: DEMO_TENANT_ID, id: `${DESK_CHANNEL_ID};messageid=bench-desk-hello` },
    recipient: { id: '28:00000000-0000-0000-0000-0000000b0701', name: 'Imaging Transfer Bot' },
    channelData: { tenant: { id: DEMO_TENANT_ID }, channel: { id: DESK_CHANNEL_ID }, team: { id: '19:bench-desk-team@thread.tacv2' } },
    locale: 'en-GB',
    text: 'help',
  };
  const res = await fetch(`${botUrl}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`bench bot: the desk channel's first message answered ${res.status}`);
}

const patient = DEMO_PATIENTS.find((p) => p.key === 'ameliaHartwell');
if (!patient?.nhsNumber) throw new Error('bench bot: demo patient ameliaHartwell is missing');

function isoDay(offsetDays: number): string {
  return new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);
}

/** A Teams personal-chat Action.Submit of a valid import form (guideline Appendix 2 fields), as Teams sends it. */
function submission(serviceUrl: string, submitter: number, seq: string): { activity: Record<string, unknown>; cardId: string } {
  const cardId = `bench-card-${seq}`;
  const aadObjectId = `00000000-0000-4000-8000-${String(submitter).padStart(12, '0')}`;
  const p = patient!;
  const activity = {
    type: 'message',
    id: `bench-activity-${seq}`,
    timestamp: new Date().toISOString(),
    channelId: 'msteams',
    serviceUrl,
    from: { id: `29:bench-user-${submitter}`, name: `Bench Clinician ${submitter}`, aadObjectId },
    conversation: { conversationType: 'personal', tenantId: DEMO_TENANT_ID, id: `a:bench-personal-${submitter}` },
    recipient: { id: '28:00000000-0000-0000-0000-0000000b0701', name: 'Imaging Transfer Bot' },
    channelData: { tenant: { id: DEMO_TENANT_ID }, source: { name: 'message' } },
    locale: 'en-GB',
    replyToId: cardId,
    value: {
      verb: 'submitImport',
      formId: `bench-form-${seq}`,
      sNumber: p.sNumber,
      nhsNumber: p.nhsNumber,
      familyName: p.familyName.charAt(0) + p.familyName.slice(1).toLowerCase(),
      givenName: p.givenNames[0],
      birthDate: p.birthDate,
      address: '',
      'exams[0].date': isoDay(-40),
      'exams[0].description': 'CT head',
      'exams[0].examCode': '',
      sourceOrganisation: 'Kettering General Hospital',
      priority: 'standard',
      priorityReason: 'outpatientAppointment',
      priorityReasonDetail: '',
      requiredBy: isoDay(21),
      requestingClinician: 'Dr Bench Clinician',
      consultant: 'Dr Bench Consultant',
      department: 'Neurology',
      requesterName: `Bench Clinician ${submitter}`,
      requesterEmail: `bench.clinician.${submitter}@uhl-demo.example`,
      requesterPhone: 'x17001',
      comments: '',
    },
  };
  return { activity, cardId };
}

interface LevelResult {
  target: 'bot' | 'baseline';
  concurrency: number;
  submissions: number;
  errors: number;
  errorKinds: Record<string, number>;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  wallMs: number;
  perSecond: number;
  /** Redis commands (all clients: the bot's store, desk, queues) per submission, from INFO commandstats. */
  redisCommandsPerSubmission?: number;
  /** The same, by command name. */
  redisCommandsByName?: Record<string, number>;
  /** With BENCH_BOT_MONITOR: client round trips to Redis per submission (see startMonitor), all clients. */
  redisRoundTripsPerSubmission?: number;
  /** CPU ms the bot process (or, for the baseline, the same process's no-op route) used per submission. */
  cpuMsPerSubmission?: number;
}

async function runLevel(
  target: 'bot' | 'baseline',
  url: string,
  connector: AckConnector,
  serviceUrl: string,
  concurrency: number,
  perSubmitter: number,
  label: string,
): Promise<LevelResult> {
  const latencies: number[] = [];
  const errorKinds: Record<string, number> = {};
  const fail = (kind: string) => (errorKinds[kind] = (errorKinds[kind] ?? 0) + 1);
  const t0 = nowMs();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, s) => {
      for (let j = 0; j < perSubmitter; j += 1) {
        const { activity, cardId } = submission(serviceUrl, s, `${label}-${concurrency}-${s}-${j}`);
        const body = JSON.stringify(activity);
        const ack = target === 'bot' ? connector.expect(cardId) : undefined;
        ack?.catch(() => undefined); // judged below; never an unhandled rejection
        const start = nowMs();
        try {
          const res = await fetch(`${url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
          await res.arrayBuffer();
          const answered = nowMs();
          if (res.status !== 200) {
            fail(`HTTP ${res.status}`);
            continue;
          }
          if (!ack) {
            latencies.push(answered - start);
            continue;
          }
          const reply = await ack.catch(() => undefined);
          if (!reply) fail('no reply in 15 s');
          else if (!CALL_REF.test(reply.body)) fail('reply without a call reference');
          else latencies.push(reply.at - start);
        } catch (err) {
          fail(`request failed: ${(err as Error).message}`);
        }
      }
    }),
  );
  const wallMs = nowMs() - t0;
  const sorted = latencies.sort((a, b) => a - b);
  const submissions = concurrency * perSubmitter;
  return {
    target,
    concurrency,
    submissions,
    errors: submissions - latencies.length,
    errorKinds,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    maxMs: sorted[sorted.length - 1] ?? Number.NaN,
    wallMs,
    perSecond: latencies.length / (wallMs / 1000),
  };
}

/** Starts bench/botServerChild.js and reads its URLs from the first line it prints. */
function startBotChild(env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; botUrl: string; baselineUrl: string; stderr: () => string }> {
  // BENCH_BOT_CPU_PROF=<dir>: a V8 CPU profile of the bot process, to see where a submission's time goes.
  const prof = process.env.BENCH_BOT_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_BOT_CPU_PROF}`] : [];
  const child = spawn(process.execPath, [...prof, CHILD], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) {
        child.stdout?.off('data', onData);
        const urls = JSON.parse(out.slice(0, nl)) as { botUrl: string; baselineUrl: string };
        resolve({ child, ...urls, stderr: () => stderr });
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`bot child exited with ${code}: ${stderr.slice(0, 800)}`)));
  });
}

const CLOCK_TICKS_PER_SEC = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

/**
 * CPU time (user + system) a live process has used so far, in ms, from /proc/<pid>/stat (utime, stime). CPU per
 * submission is the figure that noise on a shared machine barely moves: latency under load is mostly waiting for a
 * core, CPU is what the bot costs.
 */
function cpuMsOf(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SEC;
}

/** Commands the Redis server has run so far, by name (INFO commandstats calls; the INFO itself counts one). */
async function redisCallsByName(admin: Redis): Promise<Map<string, number>> {
  const info = await admin.info('commandstats');
  const byName = new Map<string, number>();
  for (const m of info.matchAll(/cmdstat_([^:]+):calls=(\d+)/g)) byName.set(m[1] as string, Number(m[2]));
  return byName;
}

function total(byName: ReadonlyMap<string, number>): number {
  let n = 0;
  for (const v of byName.values()) n += v;
  return n;
}

/** Commands per submission by name between two commandstats readings, biggest first (the second INFO excluded). */
function perSubmissionByName(before: ReadonlyMap<string, number>, after: ReadonlyMap<string, number>, submissions: number): Record<string, number> {
  const out: Array<[string, number]> = [];
  for (const [name, n] of after) {
    const d = n - (before.get(name) ?? 0) - (name === 'info' ? 1 : 0);
    if (d > 0) out.push([name, Number((d / submissions).toFixed(2))]);
  }
  return Object.fromEntries(out.sort((a, b) => b[1] - a[1]));
}

/**
 * Redis MONITOR to a file (one line per command, with its arguments, and who sent it), until stop(); also counts the
 * round trips clients made: each command a client sent counts one, a MULTI ... EXEC counts one, and what scripts run
 * inside Redis counts none (MONITOR names their source "lua"). Plain commands a client pipelined in one write are
 * counted one each, so the figure is an upper bound. MONITOR slows Redis: latencies of such a run are not quoted.
 */
async function startMonitor(url: string, file: string): Promise<{ roundTrips: () => number; stop: () => Promise<void> }> {
  const client = new Redis(url, { maxRetriesPerRequest: 1 });
  const out = fs.createWriteStream(file);
  const monitor = await client.monitor();
  let open = true;
  let roundTrips = 0;
  const inMulti = new Set<string>();
  monitor.on('monitor', (time: string, args: string[], source: string) => {
    const name = (args[0] ?? '').toLowerCase();
    if (source !== 'lua') {
      if (name === 'multi') {
        inMulti.add(source);
        roundTrips += 1;
      } else if (name === 'exec' || name === 'discard') inMulti.delete(source);
      else if (!inMulti.has(source)) roundTrips += 1;
    }
    if (open) out.write(`${time} [${source}] ${args.map((a) => (a.length > 60 ? `${a.slice(0, 60)}...` : a)).join(' ')}\n`);
  });
  return {
    roundTrips: () => roundTrips,
    stop: async () => {
      open = false;
      monitor.disconnect();
      client.disconnect();
      await new Promise((r) => out.end(r));
    },
  };
}

/** Peak resident set size of a live process (VmHWM), in MB. */
function peakRssMb(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : Number.NaN;
}

export interface BotBenchResult {
  levels: Array<{ concurrency: number; bot: LevelResult; baseline: LevelResult }>;
  botPeakRssMb: number;
  table: string;
  summary: string[];
}

/** Runs the bot benchmark, prints its table and writes bench/results/bot.json. */
export async function runBotBench(): Promise<BotBenchResult> {
  const machine = machineFacts();
  const levels = (process.env.BENCH_BOT_LEVELS ?? '1,20,100').split(',').map((s) => Number(s.trim())).filter((n) => n > 0);
  const minSubmissions = Number(process.env.BENCH_BOT_MIN_SUBMISSIONS ?? 200);
  console.log(`bot bench: ${levels.join(', ')} concurrent submitters; ${machine.cores} cores, node ${machine.node}, load ${machine.loadAverage.join(' ')}`);

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'itb-bench-bot-'));
  const redis = await startRedis({ port: await freePort(), dir });
  const redisAdmin = new Redis(redis.urls.redis ?? '', { lazyConnect: true, maxRetriesPerRequest: 1 });
  const pas = await startPasSandbox();
  const connector = new AckConnector();
  let bot: Awaited<ReturnType<typeof startBotChild>> | undefined;
  try {
    const serviceUrl = await connector.start();
    bot = await startBotChild({
      REDIS_URL: redis.urls.redis,
      REDIS_PREFIX: 'itb-bench:',
      PAS_FHIR_BASE_URL: pas.baseUrl,
      PAS_S_NUMBER_SYSTEM: SANDBOX_S_NUMBER_SYSTEM,
      ALLOWED_TENANT_ID: DEMO_TENANT_ID,
      SERVICE_DESK_CHANNEL_ID: DESK_CHANNEL_ID,
      APPROVER_AAD_OBJECT_IDS: DESK_ANALYST_AAD,
    });
    await openDeskChannel(bot.botUrl, serviceUrl);
    // Warm-up (untimed): JIT, connection pools, the first Redis scripts; and proof a submission is acknowledged.
    const warm = await runLevel('bot', bot.botUrl, connector, serviceUrl, 1, 10, 'warm');
    if (warm.errors > 0) throw new Error(`bot warm-up: ${JSON.stringify(warm.errorKinds)} (bot stderr: ${bot.stderr().slice(0, 800)})`);
    await runLevel('baseline', bot.baselineUrl, connector, serviceUrl, 1, 10, 'warm');

    const monitor = process.env.BENCH_BOT_MONITOR ? await startMonitor(redis.urls.redis ?? '', process.env.BENCH_BOT_MONITOR) : undefined;
    const results: BotBenchResult['levels'] = [];
    for (const c of levels) {
      const per = Math.max(3, Math.ceil(minSubmissions / c));
      // Untimed warm-up at this level's concurrency (a long-lived bot's steady state): each submitter's first forms
      // open its keep-alive sockets, the bot's sockets to the connector and the PAS, and the bot learns the user
      // (conversation reference, display name). Both targets get the same.
      const warmBase = await runLevel('baseline', bot.baselineUrl, connector, serviceUrl, c, WARM_PER_SUBMITTER, `warm-base-${c}`);
      const warmBot = await runLevel('bot', bot.botUrl, connector, serviceUrl, c, WARM_PER_SUBMITTER, `warm-bot-${c}`);
      if (warmBot.errors + warmBase.errors > 0) process.stderr.write(`  ${c} submitters: warm-up errors ${JSON.stringify({ ...warmBot.errorKinds, ...warmBase.errorKinds })}\n`);
      const baseline = await runLevel('baseline', bot.baselineUrl, connector, serviceUrl, c, per, 'base');
      const cpuBefore = cpuMsOf(bot.child.pid!);
      const callsBefore = await redisCallsByName(redisAdmin);
      const tripsBefore = monitor?.roundTrips();
      const botRun = await runLevel('bot', bot.botUrl, connector, serviceUrl, c, per, 'bot');
      // The two INFO calls (before and after) are the bench's own.
      if (monitor && tripsBefore !== undefined) botRun.redisRoundTripsPerSubmission = (monitor.roundTrips() - tripsBefore - 1) / botRun.submissions;
      botRun.cpuMsPerSubmission = (cpuMsOf(bot.child.pid!) - cpuBefore) / botRun.submissions;
      const callsAfter = await redisCallsByName(redisAdmin);
      botRun.redisCommandsPerSubmission = (total(callsAfter) - total(callsBefore) - 1) / botRun.submissions;
      botRun.redisCommandsByName = perSubmissionByName(callsBefore, callsAfter, botRun.submissions);
      results.push({ concurrency: c, bot: botRun, baseline });
      process.stderr.write(`  ${c} submitters: bot p99 ${botRun.p99Ms.toFixed(0)} ms (${botRun.errors} errors), baseline p99 ${baseline.p99Ms.toFixed(1)} ms${botRun.redisRoundTripsPerSubmission !== undefined ? `; Redis round trips per submission ${botRun.redisRoundTripsPerSubmission.toFixed(1)} (MONITOR on: latencies not comparable)` : ''}\n`);
    }
    await monitor?.stop();
    const botPeakRssMb = peakRssMb(bot.child.pid!);

    const rows: Array<Array<string | number>> = [['submitters', 'target', 'submissions', 'p50 ms', 'p99 ms', 'max ms', 'errors', 'per s', 'p99 vs baseline', 'bot CPU ms each', 'Redis cmds each']];
    for (const r of results) {
      for (const x of [r.bot, r.baseline]) {
        rows.push([String(r.concurrency), x.target === 'bot' ? 'bot: submit -> ack with call ref' : 'baseline: restify no-op', String(x.submissions), x.p50Ms, x.p99Ms, x.maxMs, String(x.errors), x.perSecond, x.target === 'bot' ? `${(r.bot.p99Ms / r.baseline.p99Ms).toFixed(0)}x` : '1x', x.cpuMsPerSubmission ?? '-', x.redisCommandsPerSubmission ?? '-']);
      }
    }
    const table = formatTable(rows);
    console.log(table);
    const at20 = results.find((r) => r.concurrency === 20);
    const at100 = results.find((r) => r.concurrency === 100);
    const summary = [
      at20 ? `p99 at 20 submitters ${at20.bot.p99Ms.toFixed(0)} ms (target < ${TARGET_P99_MS_AT_20} ms: ${at20.bot.p99Ms < TARGET_P99_MS_AT_20 && at20.bot.errors === 0 ? 'met' : 'MISSED'})` : 'no 20-submitter level run',
      at100 ? `errors at 100 submitters: ${at100.bot.errors} (target 0: ${at100.bot.errors === 0 ? 'met' : 'MISSED'}${at100.bot.errors ? `; ${JSON.stringify(at100.bot.errorKinds)}` : ''})` : 'no 100-submitter level run',
      `bot process peak RSS ${botPeakRssMb.toFixed(0)} MB; connector received ${connector.other} other activities (approval cards etc.)`,
    ];
    summary.forEach((l) => console.log(l));
    const file = writeResults('bot', { levels: results, botPeakRssMb, targets: { p99Under200MsAt20: at20 ? at20.bot.p99Ms < TARGET_P99_MS_AT_20 && at20.bot.errors === 0 : null, zeroErrorsAt100: at100 ? at100.bot.errors === 0 : null } }, machine);
    console.log(`results: ${path.relative(ROOT, file)}`);
    return { levels: results, botPeakRssMb, table, summary };
  } finally {
    if (bot && bot.child.exitCode === null) {
      const exited = new Promise((r) => bot!.child.once('exit', r));
      bot.child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (bot.child.exitCode === null) bot.child.kill('SIGKILL');
    }
    await connector.stop();
    await pas.close();
    redisAdmin.disconnect();
    await redis.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  runBotBench().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
