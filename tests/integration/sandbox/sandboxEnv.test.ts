import { loadConfig } from '../../../config';
import { demoUser } from '../../../sandbox/demo';
import { startIepSimulator } from '../../../sandbox/iep-simulator/iepSimulator';
import { SANDBOX_ACCESSION_SYSTEM } from '../../../sandbox/pas/pasSandbox';
import { SANDBOX_PORTS, sandboxEnv } from '../../../script/src/sandboxStack';
import { remoteOrthanc } from '../../support/services';

/**
 * The settings script/server hands the bot and workers must point at what its stand-ins actually serve. Found by the
 * e2e journeys: IEP_BASE_URL lacked the contract's /api/v1, so every IEP call of `script/server` would have been a 404.
 */
describe('script/server sandbox settings', () => {
  const config = loadConfig(sandboxEnv());

  it('point the IEP client at the path the simulator serves its contract under', async () => {
    const sim = await startIepSimulator({ archive: { orthancUrl: remoteOrthanc().restUrl } });
    try {
      expect(new URL(config.iep.baseUrl).pathname.replace(/\/$/, '')).toBe(new URL(sim.baseUrl).pathname.replace(/\/$/, ''));
      expect(new URL(config.iep.baseUrl).port).toBe(String(SANDBOX_PORTS.iep));
    } finally {
      await sim.close();
    }
  });

  it('make only the demo analyst an approver, although every demo user is in the sandbox team', () => {
    const approvers = config.roles.approverAadObjectIds.map((id) => id.toLowerCase());
    expect(approvers).toEqual([demoUser('analyst').aadObjectId.toLowerCase()]);
    expect(approvers).not.toContain(demoUser('nonApprover').aadObjectId.toLowerCase());
    expect(config.roles.serviceDeskTeamId).toBeUndefined();
    expect(config.roles.serviceDeskChannelId).toBeDefined();
  });

  it('read reports from the FHIR stand-in, under the accession system it files them by', () => {
    expect(config.reports.baseUrl).toBe(`http://127.0.0.1:${SANDBOX_PORTS.pas}/fhir`);
    expect(config.reports.accessionSystem).toBe(SANDBOX_ACCESSION_SYSTEM);
    expect(config.pas.baseUrl).toBe(config.reports.baseUrl);
  });
});
