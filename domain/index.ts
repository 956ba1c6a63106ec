/**
 * The domain of the Imaging Transfer Bot: request types and their validation, the request lifecycle, the service
 * calendar, queue priorities, call references, audit events and the Notifier port. Pure: no I/O, no clock, no
 * imports of ours; zod is its only dependency. Source of truth: UHL guideline B35/2018 (cited as "guideline 2.3d").
 */
export * from './errors';
export * from './localDate';
export * from './nhsNumber';
export * from './localPatientId';
export * from './freeText';
export * from './requestKind';
export * from './patient';
export * from './exam';
export * from './blanketExamRequest';
export * from './priority';
export * from './contacts';
export * from './actor';
export * from './requests';
export * from './validation';
export * from './lifecycle';
export * from './calendar';
export * from './jobPriority';
export * from './iepCapacity';
export * from './callRef';
export * from './audit';
export * from './notifier';
export * from './quarantineRelease';
export * from './complianceFigures';
