import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FlowRig } from '../support/flowRig';
import { runFlowSuite } from '../support/flowSuite';
import { startLocalRedisCluster, type LocalRedisCluster } from '../support/localRedisCluster';

jest.setTimeout(300_000);

/**
 * Issue #9, scale-out on a real distributed engine: the same flow suite as tests/chaos/scaleOut.test.ts (2 bot and 3
 * worker processes, the real entries) on a local 3-master Redis Cluster, connected through REDIS_CLUSTER_NODES with
 * the hash-tagged prefix {itb}. Every BullMQ script and every store script and MULTI touches several keys at once: on a
 * cluster that works only if they all share one slot, so a key outside the tag would fail the suite (CROSSSLOT), and
 * afterwards every key must be in the {itb} slot.
 */
describe('the flow suite on a 3-master Redis Cluster', () => {
  let cluster: LocalRedisCluster;
  let rig: FlowRig;
  let dir: string;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'itb-cluster-'));
    cluster = await startLocalRedisCluster(dir, 3);
    rig = await FlowRig.start('cluster', { REDIS_CLUSTER_NODES: cluster.nodesEnv }, { patients: 16, prefix: '{itb}' });
    await rig.startProcesses({ bots: 2, workers: 3 });
  });
  afterAll(async () => {
    await rig?.close().catch(() => undefined);
    await cluster?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('runs every flow to completion with the capacity limits holding, every key in the {itb} slot', async () => {
    const masters = (await cluster.cli(cluster.ports[0]!, 'CLUSTER', 'NODES')).split('\n').filter((l) => l.includes('master'));
    expect(masters).toHaveLength(3);
    const figures = await runFlowSuite(rig);

    const slot = await cluster.cli(cluster.ports[0]!, 'CLUSTER', 'KEYSLOT', '{itb}');
    const perNode = await Promise.all(cluster.ports.map(async (port) => Number(await cluster.cli(port, 'DBSIZE'))));
    const total = perNode.reduce((a, b) => a + b, 0);
    const owner = cluster.ports[perNode.findIndex((n) => n > 0)]!;
    const inSlot = Number(await cluster.cli(owner, 'CLUSTER', 'COUNTKEYSINSLOT', slot));
    expect(total).toBeGreaterThan(50);
    expect(perNode.filter((n) => n > 0)).toHaveLength(1);
    expect(inSlot).toBe(total);
    console.log(`Redis Cluster (3 masters, prefix {itb}, slot ${slot}): ${total} keys, all in that slot; ${JSON.stringify(figures)}`);
  });
});
