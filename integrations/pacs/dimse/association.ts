import type { Socket } from 'node:net';
import {
  PacsAssociationAbortedError,
  PacsAssociationRejectedError,
  PacsMalformedResponseError,
  PacsTimeoutError,
  PacsUnreachableError,
  type PacsError,
  type PacsErrorContext,
} from '../errors';
import type { PacsAuth, PacsTls } from '../pacsClientOptions';
import { networkFailure } from '../networkFailure';
import { Client, constants, rejectReasonName, type DimseAssociation, type DimseRequest } from './dimseLibrary';

/**
 * One DICOM association (PS3.8 7.1 A-ASSOCIATE ... A-RELEASE) carrying a list of DIMSE requests, as a promise:
 * resolves once every request was sent and the association released; rejects with a typed PacsError if it was
 * rejected, aborted, cut, timed out or spoke nonsense. Per-request outcomes are the caller's (listen to each request's
 * 'response' events before calling); a request the PACS's presentation contexts did not cover gets no response at all.
 */
export interface DimsePeer {
  host: string;
  port: number;
  calledAet: string;
  callingAet: string;
  tls?: PacsTls;
  auth?: PacsAuth;
  /** Connect, association-accept and between-PDU deadline. */
  timeoutMs: number;
}

export interface AssociationHooks {
  /** The association the PACS accepted, to see which presentation contexts it took. */
  onAccepted?: (association: DimseAssociation) => void;
  /** The live client, e.g. to send C-CANCEL. */
  onClient?: (client: InstanceType<typeof Client>) => void;
}

/** dcmjs-dimse keeps the socket on `client.network`; we read its errors there because the library's own error
 * events re-wrap them as plain messages and lose node's error code (ECONNREFUSED, CERT_HAS_EXPIRED, ...). */
interface ClientInternals {
  network?: { socket?: Socket; on(event: 'abort', fn: () => void): void };
}

export function runAssociation(
  peer: DimsePeer,
  requests: DimseRequest[],
  ctx: PacsErrorContext,
  hooks: AssociationHooks = {},
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const client = new Client();
    // Read lazily: the library creates client.network inside send().
    const internals = client as unknown as ClientInternals;
    for (const r of requests) client.addRequest(r);
    let settled = false;
    let accepted = false;
    let released = false;
    let socketError: NodeJS.ErrnoException | undefined;
    let hardStop: NodeJS.Timeout | undefined;
    const settle = (err?: PacsError) => {
      if (settled) return;
      settled = true;
      clearTimeout(hardStop);
      if (err) {
        internals.network?.socket?.destroy();
        reject(err);
      } else resolve();
    };

    client.on('associationAccepted', (association: DimseAssociation) => {
      accepted = true;
      hooks.onAccepted?.(association);
    });
    client.on('associationRejected', (rj: { result: number; source: number; reason: number }) => {
      const transient = rj.result === constants.RejectResult.Transient;
      settle(new PacsAssociationRejectedError(transient, rejectReasonName(rj.source, rj.reason), ctx));
    });
    client.on('associationReleased', () => {
      released = true;
    });
    client.on('networkError', (err: Error) => {
      if (socketError) settle(networkFailure(socketError, ctx, peer.timeoutMs));
      else if (/timeout/i.test(err.message)) settle(new PacsTimeoutError(peer.timeoutMs, ctx));
      else settle(new PacsMalformedResponseError('the PACS sent DICOM upper-layer data we could not read', ctx, { cause: err }));
    });
    client.on('closed', () => {
      if (released) settle();
      else if (socketError) settle(networkFailure(socketError, ctx, peer.timeoutMs));
      else if (accepted) settle(new PacsAssociationAbortedError(ctx));
      else settle(new PacsUnreachableError('ECONNRESET', ctx));
    });

    const userIdentity =
      peer.auth?.kind === 'basic'
        ? { type: constants.UserIdentityType.UsernameAndPasscode, primaryField: peer.auth.username, secondaryField: peer.auth.password }
        : peer.auth?.kind === 'bearer'
          ? { type: constants.UserIdentityType.Jwt, primaryField: peer.auth.token }
          : undefined;
    client.send(peer.host, peer.port, peer.callingAet, peer.calledAet, {
      connectTimeout: peer.timeoutMs,
      associationTimeout: peer.timeoutMs,
      pduTimeout: peer.timeoutMs,
      ...(userIdentity ? { userIdentity } : {}),
      ...(peer.tls
        ? {
            securityOptions: {
              // The library's type wants a homogeneous array; node takes either.
              ca: peer.tls.ca as string | Buffer | string[] | Buffer[] | undefined,
              cert: peer.tls.cert,
              key: peer.tls.key,
              rejectUnauthorized: true,
            },
          }
        : {}),
    });
    // DIMSE is request/response in small PDUs: without TCP_NODELAY each exchange can wait ~40 ms on Nagle's algorithm
    // against delayed ACKs (DESIGN: dcmtk and Orthanc run ~14x slower without it). The library does not set it.
    internals.network?.socket?.setNoDelay(true);
    // Prepended: the library's own listener turns the error into 'networkError' synchronously, before ours would run.
    internals.network?.socket?.prependListener('error', (err: NodeJS.ErrnoException) => (socketError ??= err));
    // A-ABORT from the PACS (PS3.8 7.3.1): the association is gone. The library does not forward it from its network
    // and leaves the socket open, so it is handled here.
    internals.network?.on('abort', () => settle(new PacsAssociationAbortedError(ctx)));
    hooks.onClient?.(client);
    // The library checks its timeouts once a second and only while connected; this is the backstop for a peer that
    // accepts the TCP connection (or TLS) and then never speaks.
    hardStop = setTimeout(() => {
      if (!accepted) settle(new PacsTimeoutError(peer.timeoutMs, ctx));
    }, peer.timeoutMs + 2_000);
  });
}

/** "AET@host:port" for error messages. */
export function peerLabel(peer: DimsePeer): string {
  return `${peer.calledAet}@${peer.host}:${peer.port}`;
}
