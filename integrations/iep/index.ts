export * from './types';
export type { IepClient, IepCallContext } from './iepClient';
export { HttpIepClient, type IepClientOptions, type IepAuth } from './httpIepClient';
export type { TlsOptions } from '../http/httpExchange';
export { iepPriorityFor } from './priority';
export * from './errors';
