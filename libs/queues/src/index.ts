export * from './names';
export * from './payloads';
export * from './connection';
export * from './producer';
export * from './consumer';
export * from './errors';
export * from './settings';
export * from './status-events';
