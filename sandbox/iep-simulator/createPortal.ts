import { DEFAULT_DIRECTORY, UHL, type SimInstitution } from './directory';
import { Portal } from './portal';
import type { PortalState, SimEvent } from './portalState';
import { DEFAULT_SCHEDULE, type IepSchedule } from './schedule';
import { SimClock, type ClockMode } from './simClock';
import type { DicomNode, StudyArchive } from './studyArchive';
import { ThreadLanes } from './threadLanes';
import { TransactionFaults } from './transactionFaults';

/** What a portal needs, with or without its HTTP surfaces. */
export interface PortalOptions {
  archive: StudyArchive;
  clock?: { start?: Date; mode?: ClockMode; speed?: number };
  schedule?: Partial<IepSchedule>;
  deliveryTargets?: Record<string, DicomNode>;
  exportSource?: DicomNode;
  directory?: readonly SimInstitution[];
  /** Default "uhl". */
  ownInstitutionId?: string;
  onEvent?: (e: SimEvent) => void;
}

/** Builds the simulator's state and its Portal (no HTTP: startIepSimulator serves it; unit tests drive it directly). */
export function createPortal(opts: PortalOptions): { portal: Portal; lanes: ThreadLanes } {
  const schedule: IepSchedule = { ...DEFAULT_SCHEDULE, ...opts.schedule };
  const directory = opts.directory ?? DEFAULT_DIRECTORY;
  const own = directory.find((i) => i.id === (opts.ownInstitutionId ?? UHL.id));
  if (!own) throw new Error('the own institution is not in the directory');
  const lanes = new ThreadLanes(schedule.outboundThreads, schedule.reservedClinicalEmergencyThreads, schedule.inboundThreads);
  const state: PortalState = {
    transactions: new Map(),
    deliveries: [],
    lanes,
    faults: new TransactionFaults(),
    schedule,
    archive: opts.archive,
    directory,
    own,
    deliveryTargets: opts.deliveryTargets ?? {},
    exportSource: opts.exportSource,
    counters: { transaction: 0, message: 0 },
  };
  const clock = new SimClock(opts.clock?.start ?? new Date(), opts.clock?.mode ?? 'manual', opts.clock?.speed ?? 1);
  return { portal: new Portal(state, clock, opts.onEvent), lanes };
}
