import type { ArchiveStudy } from './studyArchive';
import type { NewRequestBody, NewTransferBody, WireExam, WirePatient } from './requestBodies';
import { SIM_PRIORITIES } from './requestBodies';

/** The guideline's statuses (Appendix 1 "Statuses"). */
export const SIM_STATUSES = ['New', 'Started', 'On IEP', 'Download Request', 'Downloading', 'Delivered', 'Failed', 'Decline', 'Purged'] as const;
export type SimStatus = (typeof SIM_STATUSES)[number];
export type SimPriority = (typeof SIM_PRIORITIES)[number];

/** Statuses nothing leaves. */
export const FINAL_STATUSES: readonly SimStatus[] = ['Delivered', 'Failed', 'Decline', 'Purged'];

export interface SimMessage {
  id: string;
  at: number;
  author: { institutionId: string; name: string };
  text: string;
  clientMessageId?: string;
}

/** One transaction as the simulator keeps it. Times are simulated epoch milliseconds. */
export interface SimTransaction {
  id: string;
  seq: number;
  type: 'request' | 'transfer';
  direction: 'out' | 'in';
  externalReference?: string;
  institution: { id: string; name: string };
  priority: SimPriority;
  deliveryNode: string;
  status: SimStatus;
  statusChangedAt: number;
  createdAt: number;
  updatedAt: number;
  patient: WirePatient;
  dicomHeaderPatientId?: string;
  exams: WireExam[];
  requestedBy?: NewRequestBody['requestedBy'];
  requiredBy?: string;
  /** The studies a transfer carries, as asked (with any report attached, Appendix 4 step 13). */
  wantedStudies: NewTransferBody['studies'];
  /** The studies found (requests) or received on the IEP node (transfers). */
  studies: ArchiveStudy[];
  decline?: { code: string; reason: string };
  failure?: { reason: string };
  purgeAt?: number;
  deliveredAt?: number;
  /** When the next scheduled step is due; undefined while waiting for our download or a free thread. */
  nextAt?: number;
  /** Holding a thread (2.3d): outbound while uploading a transfer, inbound while downloading. */
  holds?: 'outbound' | 'inbound';
  /** Waiting for a thread of this lane to come free. */
  waitingFor?: 'outbound' | 'inbound';
  /** Fault: steps take this many times as long. */
  slowFactor: number;
  /** Fault: the other side never acts; only the purge still happens. */
  stalled: boolean;
  history: Array<{ status: SimStatus; at: number }>;
  messages: SimMessage[];
}

const iso = (t: number | undefined) => (t === undefined ? undefined : new Date(t).toISOString());

/** The transaction as the contract shows it (docs/iep-contract.md "Transaction"). */
export function toWire(tx: SimTransaction): Record<string, unknown> {
  return {
    id: tx.id,
    type: tx.type,
    direction: tx.direction,
    externalReference: tx.externalReference ?? null,
    institution: tx.institution,
    priority: tx.priority,
    deliveryNode: tx.deliveryNode,
    status: tx.status,
    statusChangedAt: iso(tx.statusChangedAt),
    createdAt: iso(tx.createdAt),
    updatedAt: iso(tx.updatedAt),
    patient: tx.patient,
    dicomHeaderPatientId: tx.dicomHeaderPatientId ?? null,
    studies: tx.studies.length
      ? tx.studies.map((s) => ({
          studyInstanceUid: s.studyInstanceUid,
          studyDate: s.studyDate ?? null,
          modalities: s.modalities,
          description: s.description ?? null,
          accessionNumber: s.accessionNumber ?? null,
          instances: s.instances,
          // Appendix 4 step 13 (transfers only): whether the sender attached the report (the text stays on the portal).
          ...(tx.type === 'transfer' ? { reportAttached: reportAttached(tx, s.studyInstanceUid) } : {}),
        }))
      : // A transfer before the IEP node has its studies: what was asked for.
        tx.wantedStudies.map((w) => ({ studyInstanceUid: w.studyInstanceUid, modalities: [], reportAttached: Boolean(w.reportText) })),
    decline: tx.decline ?? null,
    failure: tx.failure ?? null,
    purgeAt: iso(tx.purgeAt) ?? null,
    deliveredAt: iso(tx.deliveredAt) ?? null,
    messageCount: tx.messages.length,
  };
}

function reportAttached(tx: SimTransaction, studyInstanceUid: string): boolean {
  return Boolean(tx.wantedStudies.find((w) => w.studyInstanceUid === studyInstanceUid)?.reportText);
}

/** A message as the contract shows it. */
export function messageToWire(m: SimMessage): Record<string, unknown> {
  return { id: m.id, at: new Date(m.at).toISOString(), author: m.author, text: m.text };
}
