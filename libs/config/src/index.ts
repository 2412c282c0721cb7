export * from './load';
export * from './schemas';
export * from './secrets';
