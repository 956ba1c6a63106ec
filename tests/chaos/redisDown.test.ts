import { Redis } from 'ioredis';
import { clinician, secondClinician } from '../integration/app/actors';
import { ChaosBot, type SubmissionAnswer } from '../support/chaosBot';
import { ChaosRedis } from '../support/chaosRedis';

jest.setTimeout(120_000);

/**
 * Redis down (issue 9): the whole bot over HTTP, on a Redis of the test's own. While Redis is stopped (cleanly, then
 * killed with SIGKILL), a clinician pressing "Send request" is told within 2 s that the request was NOT accepted
 * and to try again, and is never shown a call reference; once Redis is back the bot accepts again by itself, and
 * the store holds only the requests whose call references were shown.
 */
describe('Redis down: "not accepted, try again" within 2 s, never a call reference', () => {
  let redis: ChaosRedis;
  let bot: ChaosBot;
  beforeAll(async () => {
    redis = await ChaosRedis.start('down');
    bot = await ChaosBot.start('down', redis.url);
  });
  afterAll(async () => {
    await bot?.close();
    await redis?.close();
  });

  const refusedClearly = (a: SubmissionAnswer) => /NOT accepted/.test(a.shown) && /try again/i.test(a.shown) && a.callRefs.length === 0;

  it('refuses quickly and clearly while down, and accepts again once Redis is back', async () => {
    const before = await bot.submit(clinician);
    expect(before.callRefs).toHaveLength(1);

    const down: SubmissionAnswer[] = [];
    await redis.down();
    for (let i = 0; i < 5; i++) down.push(await bot.submit(i % 2 ? secondClinician : clinician));
    await redis.up();
    // Killed outright this time, with the bot's connection mid-reconnect.
    await new Promise((r) => setTimeout(r, 500));
    await redis.kill9();
    for (let i = 0; i < 5; i++) down.push(await bot.submit(clinician));
    await redis.up();

    // Back: the bot reconnects by itself (no restart) and accepts again.
    let after: SubmissionAnswer | undefined;
    for (let i = 0; i < 40 && !after?.callRefs.length; i++) {
      after = await bot.submit(secondClinician);
      if (!after.callRefs.length) await new Promise((r) => setTimeout(r, 250));
    }

    const worst = Math.max(...down.map((a) => a.ms));
    const clear = down.filter(refusedClearly).length;
    const shownRefs = down.flatMap((a) => a.callRefs).length;
    const check = new Redis(redis.url);
    let stored: number;
    try {
      stored = await check.zcard(`${bot.prefix}:requests:all`);
    } finally {
      check.disconnect();
    }
    console.log(
      `REDIS DOWN: ${down.length} submissions while Redis was stopped or killed: ${clear}/${down.length} answered "NOT accepted ... try again", ` +
        `${shownRefs} call references shown, slowest answer ${worst} ms (median ${down.map((a) => a.ms).sort((a, b) => a - b)[Math.floor(down.length / 2)]} ms); ` +
        `after restart accepted again: ${after?.callRefs.length ? 'yes' : 'no'}; requests stored ${stored} (2 accepted)`,
    );
    expect(down.every((a) => a.status === 200)).toBe(true);
    expect(clear).toBe(down.length);
    expect(shownRefs).toBe(0);
    expect(worst).toBeLessThan(2000);
    expect(after?.callRefs).toHaveLength(1);
    expect(stored).toBe(2);
  });
});
