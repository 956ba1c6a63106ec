import type {
  IepCreated,
  IepDeclineReason,
  IepIncomingQuery,
  IepInstitution,
  IepMessage,
  IepTransaction,
  NewIepMessage,
  NewIepRequest,
  NewIepTransfer,
} from './types';

/** Ids that travel with a call so a failure can be traced; never patient data. */
export interface IepCallContext {
  callRef?: string;
}

/**
 * The Image Exchange Portal as the workflow sees it (docs/iep-contract.md). Every method throws an IepError (./errors)
 * on failure; `retryable` says whether to try again. Creates are idempotent on the external reference, so a worker
 * that retries a create gets the transaction it made the first time.
 */
export interface IepClient {
  /** The institution directory, searched by part of a name (case-insensitive); all of it, A-Z, when name is empty. */
  searchInstitutions(name: string, ctx?: IepCallContext): Promise<IepInstitution[]>;
  /** Request images from another institution (import, guideline 2.3b). */
  createRequest(request: NewIepRequest, ctx?: IepCallContext): Promise<IepCreated>;
  /** Send studies already placed on the IEP node to another institution (export 2.6b, trauma Appendix 4). */
  createTransfer(transfer: NewIepTransfer, ctx?: IepCallContext): Promise<IepCreated>;
  getTransaction(id: string, ctx?: IepCallContext): Promise<IepTransaction>;
  /** Transactions other institutions created for us (e.g. images with no request, guideline 2.4), oldest first. */
  listIncoming(query?: IepIncomingQuery, ctx?: IepCallContext): Promise<IepTransaction[]>;
  /**
   * "Select download" on a transaction that is On IEP: it becomes Download Request, then Downloading, then Delivered
   * to the delivery node. Asking again once asked returns the transaction as it is.
   */
  requestDownload(id: string, ctx?: IepCallContext): Promise<IepTransaction>;
  listMessages(transactionId: string, ctx?: IepCallContext): Promise<IepMessage[]>;
  postMessage(transactionId: string, message: NewIepMessage, ctx?: IepCallContext): Promise<IepMessage>;
  /** The reasons an institution may give when it declines (guideline 2.5a). */
  declineReasons(ctx?: IepCallContext): Promise<IepDeclineReason[]>;
  /** Releases connections. Idempotent. */
  close(): void;
}
