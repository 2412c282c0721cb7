export * from './load';
export * from './schemas';
