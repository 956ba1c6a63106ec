import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { createStore } from '../../store';
import { SANDBOX_ENCRYPTION_KEY } from '../../config/encryptionKeys';
import { selfCheckResultKey, type SelfCheckJobData } from '../../workers/selfCheckQueue';
import { QueueName } from '../../workers/queueNames';
import { clinician, secondClinician } from '../integration/app/actors';
import { ChaosBot } from '../support/chaosBot';
import { ChaosRedis } from '../support/chaosRedis';
import { startWorkersEntry, type WorkersEntryProcess } from '../support/workersEntry';

jest.setTimeout(600_000);

const SUBMISSIONS = 1000;
const KILLS = 10;
const CLINICIANS_AT_ONCE = 8;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Redis kill -9 (issue 9): 1,000 import submissions through the whole bot over HTTP while the test's own Redis (AOF
 * on) is killed with SIGKILL 10 times and started again from its AOF. A clinician told "not accepted" presses Send
 * again on the same form (same formId), as the message asks. Every call reference that was ever shown must belong to
 * a stored request afterwards; the real workers entry (a child process) and the bot's notify worker must carry on by
 * themselves after the last restart.
 */
describe('Redis kill -9, 10 times during 1,000 submissions', () => {
  let redis: ChaosRedis;
  let bot: ChaosBot;
  let workers: WorkersEntryProcess;
  beforeAll(async () => {
    redis = await ChaosRedis.start('kill');
    bot = await ChaosBot.start('kill', redis.url);
    workers = startWorkersEntry({ REDIS_URL: redis.url, REDIS_PREFIX: bot.prefix });
    // The approval cards the submissions queue go to the service-desk channel: the bot learns it from a message there.
    expect(await bot.sayInChannel('help')).toBe(200);
  });
  afterAll(async () => {
    await workers?.stop();
    await bot?.close();
    await redis?.close();
  });

  it('0 requests lost once a call reference was shown; workers resume by themselves', async () => {
    const shown = new Map<string, string>(); // formId -> call reference shown
    let clicks = 0;
    let refusals = 0;
    let done = 0;
    let slowest = 0;
    const forms = Array.from({ length: SUBMISSIONS }, (_, i) => `kill-form-${i}`);
    const clinicianLoop = async (lane: number) => {
      for (let i = lane; i < forms.length; i += CLINICIANS_AT_ONCE) {
        const formId = forms[i]!;
        for (let attempt = 0; ; attempt++) {
          clicks++;
          const a = await bot.submit(lane % 2 ? secondClinician : clinician, formId);
          slowest = Math.max(slowest, a.ms);
          if (a.callRefs.length) {
            expect(a.callRefs).toHaveLength(1);
            shown.set(formId, a.callRefs[0]!);
            break;
          }
          refusals++;
          if (attempt > 100) throw new Error(`form ${formId} never accepted: ${a.shown.slice(0, 300)}`);
          await sleep(150);
        }
        done++;
      }
    };
    const killer = async () => {
      for (let k = 0; k < KILLS; k++) {
        while (done < ((k + 1) * SUBMISSIONS) / (KILLS + 1)) await sleep(20);
        await redis.kill9();
        await sleep(200 + ((k * 137) % 600));
        await redis.up();
      }
    };
    const t0 = Date.now();
    await Promise.all([killer(), ...Array.from({ length: CLINICIANS_AT_ONCE }, (_, lane) => clinicianLoop(lane))]);
    const elapsed = Date.now() - t0;

    // Every call reference shown belongs to a stored request, waiting for approval.
    const check = new Redis(redis.url, { maxRetriesPerRequest: null });
    const store = createStore(check, { redis: { url: redis.url, prefix: bot.prefix }, encryptionKeys: [SANDBOX_ENCRYPTION_KEY] });
    const selfCheck = new Queue<SelfCheckJobData>(QueueName.selfCheck, { connection: check, prefix: bot.prefix });
    try {
      let lost = 0;
      let found = 0;
      for (const callRef of shown.values()) {
        const id = await check.hget(`${bot.prefix}:requests:byCallRef`, callRef);
        const summary = id ? await store.requests.getSummary(id) : undefined;
        if (summary?.status === 'awaitingApproval' && summary.callRef === callRef) found++;
        else lost++;
      }
      const stored = await check.zcard(`${bot.prefix}:requests:all`);
      const distinctRefs = new Set(shown.values()).size;

      // Workers resume by themselves: the workers entry runs a self-check enqueued after the last restart, and the
      // bot's notify worker drains what the submissions queued (approval cards for the channel).
      const checkId = `after-kills-${Date.now()}`;
      await selfCheck.add('self-check', { checkId }, { jobId: checkId, priority: 10 });
      let selfCheckDone = false;
      for (let i = 0; i < 200 && !selfCheckDone; i++) {
        selfCheckDone = (await check.exists(selfCheckResultKey(bot.prefix, checkId))) === 1;
        if (!selfCheckDone) await sleep(100);
      }
      // The notify worker is held to Teams' 7 posts a second per conversation, so 1,000 approval cards for the one
      // channel take minutes: what is checked is that it is still completing jobs after the last restart.
      const completed = async () => (await bot.bot.conversation.notifyQueue.getJobCounts('completed')).completed ?? 0;
      const notifiedBefore = await completed();
      let notifiedAfter = notifiedBefore;
      for (let i = 0; i < 150 && notifiedAfter <= notifiedBefore; i++) {
        await sleep(200);
        notifiedAfter = await completed();
      }
      const workersAlive = await Promise.race([workers.exited.then(() => false), sleep(10).then(() => true)]);
      console.log(
        `REDIS KILL -9: ${redis.kills} kills during ${SUBMISSIONS} submissions (${clicks} clicks, ${refusals} "not accepted, try again", ${elapsed} ms, slowest answer ${slowest} ms): ` +
          `${shown.size} call references shown, ${found} found stored, ${lost} lost; ${stored} requests stored (${stored - distinctRefs} duplicates); ` +
          `workers entry alive ${workersAlive} and ran a self-check after the last restart: ${selfCheckDone}; notify worker completed ${notifiedAfter - notifiedBefore} more in the next moments (${notifiedAfter} in all)`,
      );
      expect(redis.kills).toBe(KILLS);
      expect(shown.size).toBe(SUBMISSIONS);
      expect(distinctRefs).toBe(SUBMISSIONS);
      expect(lost).toBe(0);
      expect(found).toBe(SUBMISSIONS);
      expect(stored).toBe(SUBMISSIONS);
      expect(workersAlive).toBe(true);
      expect(selfCheckDone).toBe(true);
      expect(notifiedAfter).toBeGreaterThan(notifiedBefore);
    } finally {
      await selfCheck.close();
      check.disconnect();
    }
  });
});
