import { FlowRig } from '../support/flowRig';
import { runFlowSuite } from '../support/flowSuite';
import { testRedisUrl } from '../support/services';

jest.setTimeout(300_000);

/**
 * Issue #9, scale-out: 2 bot processes and 3 worker processes (the real entries bot/main.ts and workers/main.ts, as
 * child processes configured only by their environment) on one Redis run the workflow flows - imports, exports, a
 * trauma transfer and a CD import, all at once - to completion, with the IEP thread limits of guideline 2.3d holding
 * across them (sampled atomically all along: <= 4 shared + 1 reserved outbound, <= 4 inbound).
 */
describe('scale-out: 2 bots and 3 workers on one Redis', () => {
  let rig: FlowRig;
  beforeAll(async () => {
    rig = await FlowRig.start('scale', { REDIS_URL: testRedisUrl() }, { patients: 16 });
    await rig.startProcesses({ bots: 2, workers: 3 });
  });
  afterAll(async () => {
    await rig?.close();
  });

  it('passes the flow suite with the capacity limits holding', async () => {
    const figures = await runFlowSuite(rig);
    console.log(`scale-out (2 bots, 3 workers, one Redis): ${JSON.stringify(figures)}`);
  });
});
