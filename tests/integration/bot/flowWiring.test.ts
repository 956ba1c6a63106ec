import { approve, submitRequest } from '../../../app';
import { startBot, type RunningBot } from '../../../bot/app';
import { startPasSandbox, type PasSandbox } from '../../../sandbox/pas/pasSandbox';
import { createFlowQueue } from '../../../workers/flowQueue';
import { testConfig } from '../../support/config';
import { capturingLogger } from '../../support/logCapture';
import { uniquePrefix } from '../../support/services';
import { analyst, clinician } from '../app/actors';
import { formValues } from '../app/forms';

/** The bot process wires the workers' QueueFlowStarter: an approval enqueues the flow's first step, ids only. */
describe('approval starts the workers\' flow from the bot process', () => {
  let bot: RunningBot;
  let pas: PasSandbox;
  let prefix: string;

  beforeAll(async () => {
    pas = await startPasSandbox();
    prefix = uniquePrefix('flowwire');
    bot = await startBot(testConfig({ REDIS_PREFIX: prefix, PAS_FHIR_BASE_URL: pas.baseUrl, APPROVER_AAD_OBJECT_IDS: analyst.aadObjectId }), capturingLogger().logger, {
      port: 0,
      conversation: { notifyWorker: false, now: () => new Date('2026-03-11T10:00:00Z') },
    });
  });
  afterAll(async () => {
    await bot.close();
    await pas.close();
  });

  it('enqueues the import flow\'s first step once, with the request id and run 0 only', async () => {
    const app = bot.conversation.wiring.services.app;
    const out = await submitRequest(app, clinician, 'import', formValues('personal-submit-import'), 'wire-1');
    if (out.outcome !== 'accepted') throw new Error(JSON.stringify(out));
    for (let i = 0; i < 2; i++) expect((await approve(app, analyst, out.requestId, 'wire-approve')).outcome).toBe('done');
    const flow = createFlowQueue(bot.redis, prefix);
    try {
      const jobs = (await flow.getJobs(['waiting', 'prioritized', 'delayed', 'active'])).filter((j) => j.data.requestId === out.requestId);
      expect(jobs).toHaveLength(1);
      expect(jobs[0]!.data).toEqual({ requestId: out.requestId, run: 0 });
      expect(jobs[0]!.opts.priority).toBeGreaterThan(0);
    } finally {
      await flow.close();
    }
  });
});
