import fs from 'node:fs';
import path from 'node:path';
import { spawnService, sleep, type ServiceHandle } from './service';

export const DICOMWEB_PLUGIN = '/usr/share/orthanc/plugins/libOrthancDicomWeb.so';
/** Built by script/bootstrap from sandbox/processes/loopbackBind.c. */
export const LOOPBACK_SHIM = path.resolve(__dirname, '..', '..', ...(__dirname.includes(`${path.sep}dist${path.sep}`) ? ['native'] : ['dist', 'native']), 'loopback-bind.so');

export interface OrthancOptions {
  /** Shown in Orthanc Explorer, e.g. "UHL PACS" or "remote trust". */
  name: string;
  aet: string;
  httpPort: number;
  dicomPort: number;
  dir: string;
  /** Peers Orthanc may C-MOVE / C-STORE to: name -> [AET, host, port]. */
  modalities?: Record<string, [string, string, number]>;
  logFile?: string;
}

export interface OrthancHandle extends ServiceHandle {
  restUrl: string;
  dicomWebUrl: string;
  aet: string;
  dicomPort: number;
}

/**
 * Starts Debian's Orthanc 1.10 in the foreground from a generated JSON config, with the DICOMweb plugin.
 * DESIGN notes: DicomWeb.Host must include the port; Orthanc listens on all interfaces, so RemoteAccessAllowed=false
 * keeps HTTP to local clients; TCP_NODELAY=1 or DIMSE is ~14x slower; wait for the PID to exit before reusing storage.
 */
export async function startOrthanc(opts: OrthancOptions): Promise<OrthancHandle> {
  const storage = path.join(opts.dir, 'storage');
  fs.mkdirSync(storage, { recursive: true });
  const config = {
    Name: opts.name,
    StorageDirectory: storage,
    IndexDirectory: storage,
    StorageCompression: false,
    HttpPort: opts.httpPort,
    DicomPort: opts.dicomPort,
    DicomAet: opts.aet,
    RemoteAccessAllowed: false,
    AuthenticationEnabled: false,
    SslEnabled: false,
    DicomCheckCalledAet: false,
    DicomAlwaysAllowEcho: true,
    DicomAlwaysAllowStore: true,
    DicomAlwaysAllowFind: true,
    DicomAlwaysAllowMove: true,
    // Keep the first copy of a SOP Instance UID: storing the same instance twice leaves one.
    OverwriteInstances: false,
    SaveJobs: false,
    ConcurrentJobs: 2,
    DicomModalities: Object.fromEntries(
      Object.entries(opts.modalities ?? {}).map(([k, [aet, host, port]]) => [k, { AET: aet, Host: host, Port: port, AllowEcho: true, AllowFind: true, AllowMove: true, AllowStore: true }]),
    ),
    Plugins: [DICOMWEB_PLUGIN],
    DicomWeb: {
      Enable: true,
      Root: '/dicom-web/',
      EnableWado: true,
      WadoRoot: '/wado',
      Host: `127.0.0.1:${opts.httpPort}`,
      Ssl: false,
      StudiesMetadata: 'MainDicomTags',
      SeriesMetadata: 'Full',
    },
  };
  const configPath = path.join(opts.dir, 'orthanc.json');
  fs.writeFileSync(configPath, JSON.stringify(config, null, 2));
  const restUrl = `http://127.0.0.1:${opts.httpPort}`;
  const handle = spawnService({
    name: `orthanc:${opts.name}`,
    command: '/usr/sbin/Orthanc',
    args: [configPath],
    // The shim rewrites Orthanc's wildcard binds to 127.0.0.1 (see loopbackBind.c); absent only before bootstrap.
    env: { TCP_NODELAY: '1', ...(fs.existsSync(LOOPBACK_SHIM) ? { LD_PRELOAD: LOOPBACK_SHIM } : {}) },
    logFile: opts.logFile,
    urls: {
      [`${opts.name} (Orthanc)`]: `${restUrl}/app/explorer.html`,
      [`${opts.name} (DICOMweb)`]: `${restUrl}/dicom-web`,
      [`${opts.name} (DICOM)`]: `${opts.aet}@127.0.0.1:${opts.dicomPort}`,
    },
  });
  await waitForOrthanc(restUrl, handle, 30_000);
  return { ...handle, restUrl, dicomWebUrl: `${restUrl}/dicom-web`, aet: opts.aet, dicomPort: opts.dicomPort };
}

async function waitForOrthanc(restUrl: string, handle: ServiceHandle, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void handle.exited.then(() => (exited = true));
  while (Date.now() < deadline) {
    if (exited) throw new Error(`Orthanc (${handle.name}) exited during start-up; see its log`);
    try {
      const res = await fetch(`${restUrl}/system`);
      if (res.ok) return;
    } catch {
      /* not listening yet */
    }
    await sleep(100);
  }
  await handle.stop();
  throw new Error(`Orthanc (${handle.name}) did not answer on ${restUrl} within ${timeoutMs} ms`);
}
