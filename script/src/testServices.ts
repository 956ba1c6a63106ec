import fs from 'node:fs';
import path from 'node:path';
import { freePort } from '../../sandbox/processes/freePort';
import { startRedis } from '../../sandbox/processes/redis';
import { startOrthanc, type OrthancHandle } from '../../sandbox/processes/orthanc';
import type { ServiceHandle } from '../../sandbox/processes/service';

/** The private services one script/test run starts, and the env vars that tell the jest projects where they are. */
export interface TestServices {
  env: Record<string, string>;
  handles: ServiceHandle[];
  stop(): Promise<void>;
}

/**
 * Starts Redis (AOF on) and three Orthancs ("UHL PACS" and "remote trust", each knowing the other as a DICOM peer, and
 * the "IEP gateway" where IEP delivers our downloads) on
 * free loopback ports, with data under `dir`. Stops everything already started if a later one fails.
 */
export async function startTestServices(dir: string): Promise<TestServices> {
  fs.mkdirSync(dir, { recursive: true });
  const handles: ServiceHandle[] = [];
  const stop = async () => {
    await Promise.all(handles.splice(0).reverse().map((h) => h.stop()));
  };
  try {
    const redisPort = await freePort();
    handles.push(await startRedis({ port: redisPort, dir: path.join(dir, 'redis'), logFile: path.join(dir, 'redis.log') }));
    const [uhlHttp, uhlDicom, remoteHttp, remoteDicom, gwHttp, gwDicom] = [
      await freePort(), await freePort(), await freePort(), await freePort(), await freePort(), await freePort(),
    ];
    const [uhl, remote, gateway]: OrthancHandle[] = await Promise.all([
      startOrthanc({
        name: 'UHL PACS', aet: 'UHLPACS', httpPort: uhlHttp, dicomPort: uhlDicom, dir: path.join(dir, 'orthanc-uhl'),
        logFile: path.join(dir, 'orthanc-uhl.log'), modalities: { remote: ['REMOTE', '127.0.0.1', remoteDicom] },
      }),
      startOrthanc({
        name: 'remote trust', aet: 'REMOTE', httpPort: remoteHttp, dicomPort: remoteDicom, dir: path.join(dir, 'orthanc-remote'),
        logFile: path.join(dir, 'orthanc-remote.log'), modalities: { uhl: ['UHLPACS', '127.0.0.1', uhlDicom] },
      }),
      startOrthanc({
        name: 'IEP gateway', aet: 'IEPGW', httpPort: gwHttp, dicomPort: gwDicom, dir: path.join(dir, 'orthanc-gateway'),
        logFile: path.join(dir, 'orthanc-gateway.log'),
      }),
    ]);
    handles.push(uhl!, remote!, gateway!);
    const env: Record<string, string> = {
      ITB_TEST_VAR_DIR: dir,
      ITB_TEST_REDIS_URL: `redis://127.0.0.1:${redisPort}`,
      ITB_TEST_REDIS_PID: String(handles[0]!.pid),
      ITB_TEST_REDIS_DIR: path.join(dir, 'redis'),
      ITB_TEST_UHL_ORTHANC_URL: uhl!.restUrl,
      ITB_TEST_UHL_DICOMWEB_URL: uhl!.dicomWebUrl,
      ITB_TEST_UHL_DICOM_PORT: String(uhlDicom),
      ITB_TEST_UHL_AET: 'UHLPACS',
      ITB_TEST_REMOTE_ORTHANC_URL: remote!.restUrl,
      ITB_TEST_REMOTE_DICOMWEB_URL: remote!.dicomWebUrl,
      ITB_TEST_REMOTE_DICOM_PORT: String(remoteDicom),
      ITB_TEST_REMOTE_AET: 'REMOTE',
      ITB_TEST_GATEWAY_ORTHANC_URL: gateway!.restUrl,
      ITB_TEST_GATEWAY_DICOMWEB_URL: gateway!.dicomWebUrl,
      ITB_TEST_GATEWAY_DICOM_PORT: String(gwDicom),
      ITB_TEST_GATEWAY_AET: 'IEPGW',
    };
    return { env, handles, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
