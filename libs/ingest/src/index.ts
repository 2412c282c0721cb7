export * from './batcher';
export * from './copy-text';
export * from './event-id';
export * from './normalize';
export * from './partitions';
export * from './payload';
export * from './writer';
