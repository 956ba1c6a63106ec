import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import path from 'node:path';
import tls from 'node:tls';

/**
 * Local fault peers for the PACS client tests: things a real PACS does wrong (never answers, answers 5xx or garbage,
 * presents an untrusted certificate), which Orthanc cannot be made to do. Happy paths always run against Orthanc.
 * Every server listens on 127.0.0.1 on a kernel-chosen port and is closed by the test that started it.
 */

/** A throwaway certificate made with the openssl CLI; `san` e.g. "IP:127.0.0.1". */
export function makeCert(dir: string, name: string, san = 'IP:127.0.0.1'): { key: Buffer; cert: Buffer; keyPath: string; certPath: string } {
  fs.mkdirSync(dir, { recursive: true });
  const keyPath = path.join(dir, `${name}.key`);
  const certPath = path.join(dir, `${name}.crt`);
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyPath, '-out', certPath, '-days', '1', '-subj', `/CN=itb-test-${name}`, '-addext', `subjectAltName=${san}`],
    { stdio: 'ignore' },
  );
  return { key: fs.readFileSync(keyPath), cert: fs.readFileSync(certPath), keyPath, certPath };
}

/** A loopback port with nothing listening on it (bound then released). */
export function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

export interface Peer {
  port: number;
  url: string;
  close(): Promise<void>;
}

function listen(server: net.Server, scheme: string): Promise<Peer> {
  const sockets = new Set<net.Socket>();
  server.on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('secureConnection', (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      resolve({
        port,
        url: `${scheme}://127.0.0.1:${port}`,
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}

/** Accepts TCP connections and never sends a byte: the "PACS hangs" case. */
export function startBlackHole(): Promise<Peer> {
  return listen(net.createServer(() => undefined), 'tcp');
}

/** Accepts TCP connections and answers each with `bytes` once the peer has sent something (shown to `onData`). */
export function startRawPeer(bytes: Buffer, onData: (received: Buffer) => void = () => undefined): Promise<Peer> {
  return listen(
    net.createServer((socket) => {
      socket.once('data', (received: Buffer) => {
        onData(received);
        socket.write(bytes);
      });
      socket.on('error', () => undefined);
    }),
    'tcp',
  );
}

/** An HTTP stub; `handler` sees every request (with its body read) and answers it. */
export function startHttpStub(handler: (req: http.IncomingMessage, body: Buffer, res: http.ServerResponse) => void): Promise<Peer> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handler(req, Buffer.concat(chunks), res));
  });
  return listen(server, 'http');
}

/** A TLS server (any protocol) with the given certificate; for "the PACS certificate is not trusted". */
export function startTlsPeer(cert: { key: Buffer; cert: Buffer }, onSocket: (s: tls.TLSSocket) => void = () => undefined): Promise<Peer> {
  const server = tls.createServer({ key: cert.key, cert: cert.cert }, (s) => {
    s.on('error', () => undefined);
    onSocket(s);
  });
  server.on('tlsClientError', () => undefined);
  return listen(server, 'tls');
}

/**
 * An HTTPS front for a real HTTP service (as a trust's load balancer terminates TLS in front of its PACS); with
 * `clientCa` it demands a client certificate signed by that CA. (Debian's Orthanc 1.10 crashes serving HTTPS itself.)
 */
export function startTlsProxy(target: string, cert: { key: Buffer; cert: Buffer }, clientCa?: Buffer): Promise<Peer> {
  const upstream = new URL(target);
  const agent = new http.Agent({ keepAlive: true });
  const server = https.createServer({ key: cert.key, cert: cert.cert, ...(clientCa ? { ca: clientCa, requestCert: true, rejectUnauthorized: true } : {}) }, (req, res) => {
    const out = http.request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers, agent },
      (back) => {
        res.writeHead(back.statusCode ?? 502, back.headers);
        back.pipe(res);
      },
    );
    out.on('error', () => res.destroy());
    req.pipe(out);
  });
  server.on('tlsClientError', () => undefined);
  server.on('close', () => agent.destroy());
  return listen(server, 'https');
}
