import type { SimInstitution } from './directory';
import type { IepSchedule } from './schedule';
import type { SimPriority, SimStatus, SimTransaction } from './simTransaction';
import type { DicomNode, StudyArchive } from './studyArchive';
import type { ThreadLanes } from './threadLanes';
import type { TransactionFaults } from './transactionFaults';

/** A status change the lifecycle made, for the control API's answers and the log (ids only). */
export interface SimEvent {
  transactionId: string;
  from: SimStatus;
  to: SimStatus;
  /** ISO 8601, simulated. */
  at: string;
}

/** What reached a delivery node: ours for downloads, the destination's for transfers the receiver downloaded. */
export interface SimDelivery {
  transactionId: string;
  type: 'request' | 'transfer';
  direction: 'out' | 'in';
  institutionId: string;
  deliveryNode: string;
  priority: SimPriority;
  studyInstanceUids: string[];
  /** ISO 8601, simulated. */
  at: string;
  /** The DICOM node the images were C-STOREd to, when the delivery node is set up on this gateway. */
  dicomNode?: DicomNode;
}

/** Everything the simulator holds, shared by the contract operations and the lifecycle. In memory only. */
export interface PortalState {
  transactions: Map<string, SimTransaction>;
  deliveries: SimDelivery[];
  lanes: ThreadLanes;
  faults: TransactionFaults;
  schedule: IepSchedule;
  archive: StudyArchive;
  directory: readonly SimInstitution[];
  own: SimInstitution;
  /** Delivery node name -> the DICOM node its images are C-STOREd to (e.g. UHLPACSWFM01 -> a staging node). */
  deliveryTargets: Readonly<Record<string, DicomNode>>;
  /** Where exported studies missing from the IEP node are pulled from (UHL PACS), when set. */
  exportSource?: DicomNode;
  counters: { transaction: number; message: number };
}
