export * from './core';
export * from './recordings';
