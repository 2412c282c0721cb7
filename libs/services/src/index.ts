export * from './manifest';
export * from './producers';
export * from './queues';
export * from './variables';
export * from './tracing';
