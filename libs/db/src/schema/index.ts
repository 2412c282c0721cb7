export * from './core';
export * from './recordings';
export * from './metrics';
export * from './prompts';
export * from './webhooks';
