import { HttpIepClient } from '../../../../integrations/iep';
import { createPacsClient } from '../../../../integrations/pacs';
import { FhirPasClient } from '../../../../integrations/pas';
import { MllpRisClient } from '../../../../integrations/ris';
import { LocalServiceDesk } from '../../../../integrations/servicedesk';
import type { Redis } from 'ioredis';
import { SANDBOX_S_NUMBER_SYSTEM } from '../../../../sandbox/pas/pasSandbox';
import { OrthancGatewayStudies } from '../../../../workers/gatewayStudies';
import type { WorkerOverrides } from '../../../../workers/lifecycle';
import { gatewayOrthanc, uhlOrthanc } from '../../../support/services';

/** Where a test's peers listen: enough for a worker in this process or in a child process to reach them. */
export interface FlowPeers {
  prefix: string;
  simBaseUrl: string;
  risPort: number;
  pasBaseUrl: string;
  workDir: string;
}

/** Fast polling for tests: the simulator's clock is moved by the test, so our waits are what costs time. */
export const FAST_OPTIONS = {
  iepPollMinMs: 50,
  iepPollMaxMs: 200,
  threadPollMs: 50,
  stepBackoffMs: 200,
  stepAttempts: 4,
  lockDurationMs: 3_000,
  stalledIntervalMs: 1_000,
};

/** Real clients for every port, pointed at the test's peers (the Orthancs come from script/test's env). */
export function flowOverrides(peers: FlowPeers, redis: Redis, extra: WorkerOverrides = {}): WorkerOverrides {
  return {
    ports: {
      iep: new HttpIepClient({ baseUrl: peers.simBaseUrl, timeoutMs: 10_000 }),
      pacs: createPacsClient({ kind: 'dicomweb', baseUrl: uhlOrthanc().dicomWebUrl }),
      gateway: createPacsClient({ kind: 'dicomweb', baseUrl: gatewayOrthanc().dicomWebUrl }),
      gatewayStudies: new OrthancGatewayStudies(gatewayOrthanc().restUrl),
      ris: new MllpRisClient({ host: '127.0.0.1', port: peers.risPort, ackTimeoutMs: 1_500, maxAttempts: 2, retryDelayMs: 50 }),
      pas: new FhirPasClient({ baseUrl: peers.pasBaseUrl, sNumberSystem: SANDBOX_S_NUMBER_SYSTEM }),
      serviceDesk: new LocalServiceDesk(redis, { prefix: peers.prefix }),
      ...extra.ports,
    },
    options: { ...FAST_OPTIONS, workDir: peers.workDir, ...extra.options },
    run: { selfCheck: false, retention: false, schedules: false, ...extra.run },
    ...(extra.concurrency ? { concurrency: extra.concurrency } : {}),
  };
}
