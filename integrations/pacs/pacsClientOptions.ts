/**
 * Settings of a PacsClient. config/ builds one of these from the environment (docs/pacs-contract.md lists the
 * proposed variables); nothing here reads process.env.
 */

/** Credentials. DICOMweb sends them as an Authorization header; DIMSE as user identity negotiation (PS3.7 D.3.3.7). */
export type PacsAuth =
  | { kind: 'basic'; username: string; password: string }
  | { kind: 'bearer'; token: string };

/** TLS for the trust's internal PKI. Certificate checks are never switched off. */
export interface PacsTls {
  /** Trusted CA certificate(s), PEM. Replaces node's default roots when given (node semantics). */
  ca?: string | Buffer | Array<string | Buffer>;
  /** Client certificate and key (PEM), for a PACS that wants mutual TLS. */
  cert?: string | Buffer;
  key?: string | Buffer;
}

/** DICOMweb (PS3.18): QIDO-RS search, WADO-RS retrieve, STOW-RS store. */
export interface DicomWebPacsOptions {
  kind: 'dicomweb';
  /** The DICOMweb root, e.g. https://pacs.example.nhs.uk/dicom-web (http only for the sandbox). */
  baseUrl: string;
  auth?: PacsAuth;
  /** Used when baseUrl is https. */
  tls?: PacsTls;
  /** Deadline for a search (whole exchange) and for the first byte of a retrieve or store answer. Default 30 s. */
  timeoutMs?: number;
  /** A retrieve or store fails when no byte moves for this long. Default 60 s. */
  idleTimeoutMs?: number;
  /** Most instances in one STOW-RS request. Default 25 (smaller batches overlap better; Orthanc buffers each body). */
  storeBatchFiles?: number;
  /** Most bytes in one STOW-RS request (a single larger file still goes alone). Default 64 MiB. */
  storeBatchBytes?: number;
  /** STOW-RS requests in flight at once (and kept-alive sockets). Default 4. */
  storeParallelism?: number;
  /** A search matching more studies than this fails as too broad rather than return a partial list. Default 500. */
  maxSearchResults?: number;
}

/** A DICOM application entity we listen as: the C-MOVE destination the PACS sends retrieved instances to. */
export interface StorageScpOptions {
  /** Our AE title as registered on the PACS as a move destination. */
  aet: string;
  /** Default 127.0.0.1. The PACS must be able to reach host:port (registered with the AE title on the PACS). */
  host?: string;
  port: number;
  /** Serve DICOM TLS (PS3.15 B.1) with this key and certificate; `ca` then checks the PACS's client certificate. */
  tls?: { key: string | Buffer; cert: string | Buffer; ca?: PacsTls['ca'] };
}

/** DIMSE (PS3.7) over the DICOM upper layer (PS3.8), with dcmjs-dimse. */
export interface DimsePacsOptions {
  kind: 'dimse';
  host: string;
  port: number;
  /** The PACS's AE title. */
  calledAet: string;
  /** Ours, as registered on the PACS. */
  callingAet: string;
  /** DICOM TLS (PS3.15 B.1) when present. */
  tls?: PacsTls;
  /** Sent as user identity negotiation when present; most PACS ignore it and go by AE title. */
  auth?: PacsAuth;
  /** Connect, association and idle-PDU deadline. Default 30 s. */
  timeoutMs?: number;
  /** Instances sent on one association. Default 100. */
  storeBatchFiles?: number;
  /** Associations storing at once. Default 2. */
  storeParallelism?: number;
  /** Needed by retrieveStudy (C-MOVE to ourselves). */
  storageScp?: StorageScpOptions;
  /** As for DICOMweb. Default 500. */
  maxSearchResults?: number;
}

export type PacsClientOptions = DicomWebPacsOptions | DimsePacsOptions;

/** DICOM AE titles are 1-16 characters of the default repertoire, no backslash, not all spaces (PS3.5 6.2 AE). */
export function isAeTitle(aet: string): boolean {
  return /^[\x20-\x5b\x5d-\x7e]{1,16}$/.test(aet) && aet.trim().length > 0;
}
