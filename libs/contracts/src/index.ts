export * from './errors';
export * from './auth';
export * from './recording-status';
export * from './recordings';
export * from './metrics';
export * from './prompts';
export * from './sessions';
export * from './text';
