import fs from 'node:fs';
import fsp from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import tls from 'node:tls';
import { randomUUID } from 'node:crypto';
import { finished } from 'node:stream/promises';
import { PacsConfigError } from '../errors';
import type { RetrievedInstance } from '../pacsClient';
import type { StorageScpOptions } from '../pacsClientOptions';
import { partTenHeader } from '../partTenMeta';
import { isDicomUid } from '../studyQuery';
import {
  CEchoResponse,
  CStoreResponse,
  Dataset,
  Scp,
  constants,
  type DimseAssociation,
  type DimsePresentationContext,
  type DimseRequest,
  type DimseStoreRequest,
} from './dimseLibrary';

/**
 * A Storage SCP (PS3.4 Annex B) that is the C-MOVE destination of our retrieves: the PACS opens associations to it and
 * C-STOREs each instance, which is streamed to disk as it arrives, never decoded. DIMSE carries the data set without
 * Part 10 meta, so we write preamble + meta (from the C-STORE command and the accepted transfer syntax) and then the
 * data set bytes as received. Files are named <SOP Instance UID>.dcm, so a repeated retrieve overwrites.
 *
 * Listens on our own net/tls server on one host (127.0.0.1 by default): dcmjs-dimse's Server listens on every
 * interface, which we do not want. One reception (one retrieve's folder) at a time; associations that arrive with no
 * retrieve running are refused as transient.
 */
export interface Reception {
  readonly folder: string;
  readonly instances: RetrievedInstance[];
  /** Instances whose write failed (answered 0xA700 so the PACS counts them as failed sub-operations). */
  failures: number;
}

export class StorageScp {
  private server?: net.Server;
  private readonly sockets = new Set<net.Socket>();
  private reception?: Reception & { onInstance?: (i: RetrievedInstance) => void };

  constructor(readonly opts: StorageScpOptions) {}

  get aet(): string {
    return this.opts.aet;
  }

  /** Starts listening (idempotent). Rejects with PacsConfigError when the port cannot be bound. */
  async start(): Promise<void> {
    if (this.server) return;
    const ConnectionScp = storeScpClass(this);
    const onSocket = (socket: net.Socket) => {
      // Small C-STORE-RSPs held back by Nagle's algorithm (against the sender's delayed ACK) cost ~40 ms per instance.
      socket.setNoDelay(true);
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      const scp = new ConnectionScp(socket, { connectTimeout: 60_000, associationTimeout: 30_000, pduTimeout: 60_000 });
      // What dcmjs-dimse's Server does for an accepted socket: it is connected already.
      (scp as unknown as { connected: boolean }).connected = true;
      scp.on('networkError', () => socket.destroy());
    };
    const t = this.opts.tls;
    const server = t
      ? tls.createServer({ key: t.key, cert: t.cert, ca: t.ca, requestCert: t.ca !== undefined, rejectUnauthorized: t.ca !== undefined }, onSocket)
      : net.createServer(onSocket);
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) => reject(new PacsConfigError(`the storage SCP cannot listen on its port (${err.code ?? 'error'})`)));
      server.listen(this.opts.port, this.opts.host ?? '127.0.0.1', () => resolve());
    });
    this.server = server;
  }

  /** Routes incoming instances into `folder` until `endReception` is called. */
  beginReception(folder: string, onInstance?: (i: RetrievedInstance) => void): Reception {
    if (this.reception) throw new Error('a reception is already running on this storage SCP');
    this.reception = { folder, instances: [], failures: 0, onInstance };
    return this.reception;
  }

  endReception(): void {
    this.reception = undefined;
  }

  /** The current reception, for the connection handlers. */
  currentReception() {
    return this.reception;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** What one incoming C-STORE is being written to. */
interface Incoming {
  stream: fs.WriteStream;
  temp: string;
  sopInstanceUid: string;
  failed?: Error;
}

/** The dcmjs-dimse Scp subclass for one connection, bound to its StorageScp. */
function storeScpClass(owner: StorageScp) {
  const { PresentationContextResult, RejectResult, RejectSource, RejectReason, Status } = constants;
  return class StoreScpConnection extends Scp {
    private reception?: ReturnType<StorageScp['currentReception']>;
    private incoming?: Incoming;
    private lastWriteOk = true;
    private readonly tag = randomUUID().slice(0, 8);
    private seq = 0;

    override associationRequested(association: DimseAssociation): void {
      if (association.getCalledAeTitle().trim() !== owner.aet) {
        this.sendAssociationReject(RejectResult.Permanent, RejectSource.ServiceUser, RejectReason.CalledAeNotRecognized);
        return;
      }
      this.reception = owner.currentReception();
      if (!this.reception) {
        this.sendAssociationReject(RejectResult.Transient, RejectSource.ServiceUser, RejectReason.NoReasonGiven);
        return;
      }
      for (const { context } of association.getPresentationContexts()) {
        // The data set is written as received, never decoded, so any transfer syntax will do: take the SCU's first
        // choice (PS3.8 9.3.2.2: proposed in order of preference), which keeps compressed images compressed.
        const syntax = context.getTransferSyntaxUids()[0];
        if (syntax) context.setResult(PresentationContextResult.Accept, syntax);
        else context.setResult(PresentationContextResult.RejectTransferSyntaxesNotSupported);
      }
      this.sendAssociationAccept();
    }

    override associationReleaseRequested(): void {
      this.sendAssociationReleaseResponse();
    }

    override cEchoRequest(request: DimseRequest, callback: (response: InstanceType<typeof CEchoResponse>) => void): void {
      const response = CEchoResponse.fromRequest(request);
      response.setStatus(Status.Success);
      callback(response);
    }

    override createStoreWritableStream(context: DimsePresentationContext, request: DimseStoreRequest) {
      const folder = this.reception?.folder ?? '.';
      const uid = request.getAffectedSopInstanceUid();
      this.seq += 1;
      const temp = path.join(folder, `.scp-${this.tag}-${this.seq}.part`);
      const stream = fs.createWriteStream(temp);
      const incoming: Incoming = { stream, temp, sopInstanceUid: uid };
      stream.on('error', (err) => (incoming.failed ??= err));
      stream.write(
        partTenHeader({
          sopClassUid: request.getAffectedSopClassUid(),
          sopInstanceUid: uid,
          transferSyntaxUid: context.getAcceptedTransferSyntaxUid() ?? constants.TransferSyntax.ImplicitVRLittleEndian,
        }),
      );
      this.incoming = incoming;
      return stream;
    }

    override createDatasetFromStoreWritableStream(
      _writable: unknown,
      _context: DimsePresentationContext,
      callback: (dataset: InstanceType<typeof Dataset>) => void,
    ): void {
      const incoming = this.incoming;
      this.incoming = undefined;
      void this.complete(incoming).then((ok) => {
        this.lastWriteOk = ok;
        // The library hands this data set to cStoreRequest; the instance itself is on disk already.
        callback(new Dataset({}));
      });
    }

    override cStoreRequest(request: DimseStoreRequest, callback: (response: InstanceType<typeof CStoreResponse>) => void): void {
      const response = CStoreResponse.fromRequest(request);
      // 0xA700 "Refused: Out of Resources" (PS3.4 B.2.3): the PACS counts a failed sub-operation and may retry.
      response.setStatus(this.lastWriteOk ? Status.Success : 0xa700);
      callback(response);
    }

    /** Closes the file and names it by its SOP Instance UID; false (and nothing left behind) when writing failed. */
    private async complete(incoming: Incoming | undefined): Promise<boolean> {
      const reception = this.reception;
      if (!incoming || !reception) return false;
      try {
        await finished(incoming.stream);
        if (incoming.failed) throw incoming.failed;
        const name = isDicomUid(incoming.sopInstanceUid) ? incoming.sopInstanceUid : `instance-${this.tag}-${this.seq}`;
        const file = path.join(reception.folder, `${name}.dcm`);
        await fsp.rename(incoming.temp, file);
        const instance = { file, sopInstanceUid: incoming.sopInstanceUid, bytes: (await fsp.stat(file)).size };
        reception.instances.push(instance);
        try {
          reception.onInstance?.(instance);
        } catch {
          /* a progress callback must not fail the store */
        }
        return true;
      } catch {
        reception.failures += 1;
        await fsp.rm(incoming.temp, { force: true }).catch(() => undefined);
        return false;
      }
    }
  };
}
