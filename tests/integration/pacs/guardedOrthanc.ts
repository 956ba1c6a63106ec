import fs from 'node:fs';
import path from 'node:path';
import { freePort } from '../../../sandbox/processes/freePort';
import { DICOMWEB_PLUGIN, LOOPBACK_SHIM } from '../../../sandbox/processes/orthanc';
import { spawnService, sleep, type ServiceHandle } from '../../../sandbox/processes/service';
import { makeCert } from './pacsPeers';

/**
 * A real Orthanc 1.10 locked down the way a trust PACS is, for the fault tests the shared sandbox Orthancs cannot
 * show: HTTP basic authentication, DICOM TLS (PS3.15 B.1) with its own self-signed certificate, the called AE title
 * checked (DicomCheckCalledAet) and only one known calling AE title (every DicomAlwaysAllow* false).
 * sandbox/processes/startOrthanc takes no extra settings, so this writes its own config and spawns the same binary.
 */
export interface GuardedOrthanc {
  restUrl: string;
  dicomWebUrl: string;
  dicomPort: number;
  aet: string;
  /** The only calling AE title it accepts. */
  knownAet: string;
  username: string;
  password: string;
  /** Its DICOM TLS certificate (self-signed, so also the CA to trust). */
  caPem: Buffer;
  handle: ServiceHandle;
}

export const GUARDED_AET = 'GUARDPACS';
export const KNOWN_AET = 'ITBKNOWN';

export async function startGuardedOrthanc(dir: string): Promise<GuardedOrthanc> {
  fs.mkdirSync(dir, { recursive: true });
  const storage = path.join(dir, 'storage');
  fs.mkdirSync(storage, { recursive: true });
  const cert = makeCert(dir, 'guarded-dicom-tls');
  const [httpPort, dicomPort] = [await freePort(), await freePort()];
  const password = `pw-${Math.random().toString(36).slice(2)}-not-a-real-secret`;
  const config = {
    Name: 'guarded PACS',
    StorageDirectory: storage,
    IndexDirectory: storage,
    HttpPort: httpPort,
    DicomPort: dicomPort,
    DicomAet: GUARDED_AET,
    RemoteAccessAllowed: false,
    AuthenticationEnabled: true,
    RegisteredUsers: { itb: password },
    DicomCheckCalledAet: true,
    DicomAlwaysAllowEcho: false,
    DicomAlwaysAllowStore: false,
    DicomAlwaysAllowFind: false,
    DicomAlwaysAllowMove: false,
    DicomModalities: { itb: { AET: KNOWN_AET, Host: '127.0.0.1', Port: 1, AllowEcho: true, AllowFind: true, AllowMove: true, AllowStore: true } },
    DicomTlsEnabled: true,
    DicomTlsCertificate: cert.certPath,
    DicomTlsPrivateKey: cert.keyPath,
    DicomTlsTrustedCertificates: cert.certPath,
    DicomTlsRemoteCertificateRequired: false,
    OverwriteInstances: false,
    SaveJobs: false,
    Plugins: [DICOMWEB_PLUGIN],
    DicomWeb: { Enable: true, Root: '/dicom-web/', Host: `127.0.0.1:${httpPort}`, Ssl: false },
  };
  const configPath = path.join(dir, 'orthanc.json');
  fs.writeFileSync(configPath, JSON.stringify(config, null, 2));
  const restUrl = `http://127.0.0.1:${httpPort}`;
  const handle = spawnService({
    name: 'orthanc:guarded',
    command: '/usr/sbin/Orthanc',
    args: [configPath],
    env: { TCP_NODELAY: '1', ...(fs.existsSync(LOOPBACK_SHIM) ? { LD_PRELOAD: LOOPBACK_SHIM } : {}) },
    logFile: path.join(dir, 'orthanc.log'),
  });
  const auth = `Basic ${Buffer.from(`itb:${password}`).toString('base64')}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      if ((await fetch(`${restUrl}/system`, { headers: { authorization: auth } })).ok) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) {
      await handle.stop();
      throw new Error('guarded Orthanc did not start; see its log');
    }
    await sleep(100);
  }
  return {
    restUrl,
    dicomWebUrl: `${restUrl}/dicom-web`,
    dicomPort,
    aet: GUARDED_AET,
    knownAet: KNOWN_AET,
    username: 'itb',
    password,
    caPem: cert.cert,
    handle,
  };
}
