export * from './core';
export * from './recordings';
export * from './metrics';
