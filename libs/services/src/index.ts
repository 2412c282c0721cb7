export * from './manifest';
export * from './queues';
export * from './variables';
export * from './tracing';
