export {
  REQUEST_STATUSES,
  INITIAL_STATUS,
  TERMINAL_STATUSES,
  STATUS_LABELS,
  IEP_STATUS_NAMES,
  isRequestStatus,
  isTerminal,
  statusFromIep,
  type RequestStatus,
  type IepStatusName,
} from './requestStatus';
export { allowedTransitions, canTransition, assertTransition, reprocessStatus, canRequesterCancel } from './transitions';
export { makeTransition, type Transition, type TransitionInput } from './transition';
export {
  NEEDS_INFORMATION_CANCEL_AFTER_DAYS,
  IEP_PURGE_AFTER_DAYS,
  BLUE_LIGHT_TARGET_MS,
  informationDeadline,
  isInformationOverdue,
  isBlueLightOverdue,
} from './deadlines';
