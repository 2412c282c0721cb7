export * from './errors';
export * from './recording-row';
export * from './uploads';
