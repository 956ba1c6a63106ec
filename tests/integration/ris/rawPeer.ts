import net from 'node:net';

/** What a raw peer test sees for each complete frame: the text and the socket to answer on. */
export type FrameHandler = (text: string, socket: net.Socket, index: number) => void;

/**
 * A bare MLLP peer on 127.0.0.1 for edge cases the sandbox won't produce (wrong MSA-2, junk, hang-ups). It splits on
 * VT ... FS CR with string search only, so it shares no code with either real de-framer.
 */
export async function startRawPeer(onFrame: FrameHandler): Promise<{ port: number; frames: string[]; stop(): Promise<void> }> {
  const frames: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let buffered = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffered += chunk;
      for (;;) {
        const start = buffered.indexOf('\x0b');
        const end = buffered.indexOf('\x1c\r', start);
        if (start < 0 || end < 0) break;
        const text = buffered.slice(start + 1, end);
        buffered = buffered.slice(end + 2);
        frames.push(text);
        onFrame(text, socket, frames.length - 1);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    frames,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** MSH-10 of a message, by plain splitting. */
export function controlIdOf(hl7: string): string {
  return hl7.split('\r')[0]?.split('|')[9] ?? '';
}

/** A framed ACK as CRIS might send it. */
export function ackFrame(code: string, acknowledgedId: string, extra = ''): string {
  return `\x0bMSH|^~\\&|CRIS|UHL|ITB|UHL|20240306090001||ACK^O01^ACK|CRIS${Math.floor(Math.random() * 1e6)}|P|2.4\rMSA|${code}|${acknowledgedId}${extra}\x1c\r`;
}
